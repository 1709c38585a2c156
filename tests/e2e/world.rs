//! A hermetic world for one test: a moto server, a temporary HOME with a
//! profile file, and the built `rolex` binary with a cleared environment.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::harness::{Moto, Request, venv};

pub const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

pub struct World {
    pub moto: Moto,
    pub home: tempfile::TempDir,
    pub config: PathBuf,
    /// Extra variables for every rolex run.
    pub vars: Vec<(String, String)>,
}

/// Sessions a test cached stay in the user's kernel keyring until they time
/// out; a test leaves none behind (the keyring is the developer's own, and
/// users other than root may keep only a few hundred keys).
impl Drop for World {
    fn drop(&mut self) {
        // An empty profile file: the test may have left its own broken.
        let empty = self.home().join("empty-profile.toml");
        if std::fs::write(&empty, "").is_err() {
            return;
        }
        set_mode(&empty, 0o600);
        for backend in ["file", "keyring"] {
            let _ = self
                .cmd(&["clear", "--all"])
                .env("ROLEX_CONFIG", &empty)
                .env("ROLEX_BACKEND", backend)
                .env("ROLEX_SESSION_CACHE", "kernel")
                .output();
        }
    }
}

impl World {
    /// A moto server and a profile file with `config` (mode 0600).
    pub fn new(config: &str) -> Self {
        let moto = Moto::start();
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(".config/rolex/config.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, config).unwrap();
        set_mode(&path, 0o600);
        let vars = vec![
            ("AWS_ACCESS_KEY_ID".into(), KEY_ID.into()),
            ("AWS_SECRET_ACCESS_KEY".into(), SECRET.into()),
            ("ROLEX_BACKEND".into(), "file".into()),
            ("ROLEX_FILE_PASSPHRASE".into(), "test passphrase".into()),
        ];
        Self {
            moto,
            home,
            config: path,
            vars,
        }
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The base environment: moto, temporary HOME and XDG folders.
    pub fn base_env(&self) -> Vec<(String, String)> {
        let h = self.home().display().to_string();
        let mut env = self.moto.sdk_env(self.home());
        env.extend([
            (
                "PATH".to_string(),
                format!(
                    "{}/bin:{}",
                    venv().display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            ),
            ("USER".into(), "alice".into()),
            ("XDG_CONFIG_HOME".into(), format!("{h}/.config")),
            ("XDG_DATA_HOME".into(), format!("{h}/.local/share")),
            ("XDG_CACHE_HOME".into(), format!("{h}/.cache")),
        ]);
        for pass in ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
            if let Ok(v) = std::env::var(pass) {
                env.push((pass.into(), v));
            }
        }
        env
    }

    /// `rolex ARGS` with no controlling terminal (setsid), so any attempt to
    /// prompt fails instead of hanging.
    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_of(&rolex(), args)
    }

    /// Like [`cmd`](Self::cmd) with another binary: `rolex_core()`, or a
    /// copy of `rolex` somewhere else.
    pub fn cmd_of(&self, binary: &Path, args: &[&str]) -> Command {
        let mut c = Command::new("setsid");
        c.arg("-w")
            .arg(binary)
            .args(args)
            .env_clear()
            .stdin(Stdio::null());
        for (k, v) in self.base_env().iter().chain(self.vars.iter()) {
            c.env(k, v);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// `rolex exec ARGS -- aws sts get-caller-identity`: who the role is.
    pub fn whoami(&self, args: &[&str]) -> Output {
        let mut all = vec!["exec"];
        all.extend_from_slice(args);
        all.extend(["--", "aws", "sts", "get-caller-identity"]);
        self.run(&all)
    }

    pub fn run_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let mut c = self.cmd(args);
        for (k, v) in extra {
            c.env(k, v);
        }
        c.output().unwrap()
    }

    /// Records what rolex sends to moto while `f` runs.
    pub fn recorded<T>(&self, f: impl FnOnce() -> T) -> (T, Vec<Request>) {
        self.moto.start_recording();
        let out = f();
        (out, self.moto.stop_recording())
    }

    /// `aws ARGS` against this moto as its default (admin) identity; the
    /// JSON it printed.
    #[track_caller]
    pub fn aws_admin(&self, args: &[&str]) -> serde_json::Value {
        let o = crate::harness::aws(
            &self.moto.url,
            self.home(),
            &[
                ("AWS_ACCESS_KEY_ID", KEY_ID),
                ("AWS_SECRET_ACCESS_KEY", SECRET),
            ],
            args,
        );
        assert!(
            o.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null)
    }

    /// A new IAM user in moto with an access key: (key id, secret).
    pub fn iam_user(&self, name: &str) -> (String, String) {
        self.aws_admin(&["iam", "create-user", "--user-name", name]);
        let key = self.aws_admin(&["iam", "create-access-key", "--user-name", name]);
        let field = |f: &str| key["AccessKey"][f].as_str().unwrap().to_string();
        (field("AccessKeyId"), field("SecretAccessKey"))
    }

    /// Source `name` added to the store (`rolex add NAME --from-env`) from
    /// the keys of a new IAM user `user` with an MFA device, which are then
    /// taken out of the environment again.
    pub fn add_source_of(&mut self, name: &str, user: &str) {
        let (id, secret) = self.iam_user_with_mfa(user);
        self.set("AWS_ACCESS_KEY_ID", &id);
        self.set("AWS_SECRET_ACCESS_KEY", &secret);
        ok(&self.run(&["add", name, "--from-env", "--yes"]));
        self.unset("AWS_ACCESS_KEY_ID");
        self.unset("AWS_SECRET_ACCESS_KEY");
    }

    /// A new IAM user with an access key and an enabled virtual MFA device
    /// `arn:aws:iam::123456789012:mfa/NAME`: (key id, secret).
    pub fn iam_user_with_mfa(&self, name: &str) -> (String, String) {
        let key = self.iam_user(name);
        let seed = self
            .home()
            .join(format!("{name}-mfa-seed"))
            .display()
            .to_string();
        let dev = self.aws_admin(&[
            "iam",
            "create-virtual-mfa-device",
            "--virtual-mfa-device-name",
            name,
            "--outfile",
            &seed,
            "--bootstrap-method",
            "Base32StringSeed",
        ]);
        let serial = dev["VirtualMFADevice"]["SerialNumber"]
            .as_str()
            .unwrap()
            .to_string();
        self.aws_admin(&[
            "iam",
            "enable-mfa-device",
            "--user-name",
            name,
            "--serial-number",
            &serial,
            "--authentication-code1",
            "123456",
            "--authentication-code2",
            "654321",
        ]);
        key
    }

    pub fn set(&mut self, k: &str, v: &str) {
        self.vars.retain(|(n, _)| n != k);
        self.vars.push((k.into(), v.into()));
    }

    pub fn unset(&mut self, k: &str) {
        self.vars.retain(|(n, _)| n != k);
    }
}

/// The hook's saved state for a shell whose original identity was the
/// default source keys (what `__rolex_saved` holds after a switch).
pub fn saved_with_source_keys() -> String {
    let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
    format!(
        "AWS_ACCESS_KEY_ID=+{}.AWS_SECRET_ACCESS_KEY=+{}.ROLEX_ROLE=-",
        hex(KEY_ID),
        hex(SECRET)
    )
}

/// The `rolex` operators run: the small front binary.
pub fn rolex() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rolex"))
}

/// `rolex-core`, the whole tool, which the front binary hands commands to.
pub fn rolex_core() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rolex-core"))
}

pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts success and shows stderr when not.
#[track_caller]
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        o.status,
        stdout(o),
        stderr(o)
    );
    stdout(o)
}

/// Asserts a failure with this exit code and returns stderr.
#[track_caller]
pub fn fails(o: &Output, code: i32) -> String {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
    stderr(o)
}

/// The ARN that `aws sts get-caller-identity` printed.
#[track_caller]
pub fn arn_of(out: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v["Arn"].as_str().unwrap().to_string()
}

/// Requests with this action.
pub fn with_action<'a>(reqs: &'a [Request], action: &str) -> Vec<&'a Request> {
    reqs.iter()
        .filter(|r| r.action.as_deref() == Some(action))
        .collect()
}

/// Every file under `dir`, read as bytes, checked for `needle`.
pub fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p)
                && String::from_utf8_lossy(&bytes).contains(needle)
            {
                hits.push(p);
            }
        }
    }
    hits
}

/// The payload of the session rolex keeps in the kernel keyring (`@u`)
/// for this world's store under the cache key `key` (`role/NAME`,
/// `mfa/SOURCE`), read with keyctl.
pub fn kernel_session(w: &World, key: &str) -> Option<String> {
    use sha2::Digest as _;
    let backend = w
        .vars
        .iter()
        .find(|(k, _)| k == "ROLEX_BACKEND")
        .map_or("keyring", |(_, v)| v.as_str());
    let dir = w.home().join(".local/share/rolex");
    let mut h = sha2::Sha256::new();
    h.update(backend.as_bytes());
    h.update([0]);
    h.update(dir.as_os_str().as_encoded_bytes());
    let ns: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let wanted = format!("rolex:{ns}:{key}");
    let ids = Command::new("keyctl").args(["rlist", "@u"]).output().ok()?;
    let ids = String::from_utf8_lossy(&ids.stdout).into_owned();
    ids.split_whitespace().find_map(|id| {
        let d = Command::new("keyctl")
            .args(["rdescribe", id])
            .output()
            .ok()?;
        let desc = String::from_utf8_lossy(&d.stdout).trim().to_string();
        if desc.splitn(5, ';').nth(4)? != wanted {
            return None;
        }
        let p = Command::new("keyctl").args(["pipe", id]).output().ok()?;
        p.status
            .success()
            .then(|| String::from_utf8_lossy(&p.stdout).into_owned())
    })
}

/// Runs `cmd` and gives up (killing it) after `secs`: a hang is a failure,
/// not a stuck test suite.
pub fn run_bounded(mut cmd: Command, secs: u64) -> Output {
    use std::io::Read;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} still ran after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    Output {
        status,
        stdout,
        stderr,
    }
}

//! Issue 8: `rolex exec --server` (a credential endpoint that renews the
//! role session) with boto3, the AWS CLI and the JavaScript SDK as the
//! command.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::harness::{Request, venv};
use crate::world::*;

/// A 15-minute role session with a cache margin of 890 s goes stale 10 s
/// after STS made it; children sleep [`PAST_MARGIN`] between calls.
const PROFILE: &str = r#"
[defaults]
region = "eu-west-1"
cache_margin = "890s"

[sources.main]
from = "env"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"
SOURCE_OPTIONS

[roles.prod]
account = "999999999999"
role = "Admin"
duration = "15m"
"#;

const PAST_MARGIN: &str = "11";
const ROLE_ARN: &str = "arn:aws:sts::999999999999:assumed-role/Admin/alice";

/// A world whose `mfa_command` notes each run in `mfa-asked` and prints a
/// code, and whose MFA sessions last 12 hours.
fn world() -> World {
    world_with(&format!("{}\nmfa_session = \"12h\"", MFA_COMMAND))
}

const MFA_COMMAND: &str = "mfa_command = \"echo asked >> 'LOG'; echo 135790\"";

/// A world with these lines in its source (`LOG` stands for the MFA log).
fn world_with(source_options: &str) -> World {
    let w = World::new("");
    let log = w.home().join("mfa-asked").display().to_string();
    let options = source_options.replace("LOG", &log);
    std::fs::write(&w.config, PROFILE.replace("SOURCE_OPTIONS", &options)).unwrap();
    w
}

fn mfa_asked(w: &World) -> usize {
    std::fs::read_to_string(w.home().join("mfa-asked"))
        .unwrap_or_default()
        .lines()
        .count()
}

fn python() -> String {
    venv().join("bin/python").display().to_string()
}

/// Writes a script into the world's HOME; its path.
fn script(w: &World, name: &str, text: &str) -> String {
    let path = w.home().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// The access key id each request was signed with.
fn signers(reqs: &[&Request]) -> Vec<String> {
    reqs.iter()
        .map(|r| {
            let auth = r.header("authorization").unwrap_or_default();
            let cred = auth.split("Credential=").nth(1).unwrap_or_default();
            cred.split('/').next().unwrap_or_default().to_string()
        })
        .collect()
}

/// Two calls `PAST_MARGIN` seconds apart made one MFA session, one role
/// session per call, asked for a code once, and each call was signed with
/// the role session of its time.
#[track_caller]
fn assert_renewed_without_a_new_code(w: &World, out: &Output, reqs: &[Request]) {
    let text = ok(out);
    let arns: Vec<&str> = text.lines().collect();
    assert_eq!(arns, [ROLE_ARN, ROLE_ARN], "{text}");
    let gst = with_action(reqs, "GetSessionToken");
    assert_eq!(gst.len(), 1, "{:?}", crate::harness::actions(reqs));
    assert_eq!(gst[0].params["TokenCode"], "135790");
    let assume = with_action(reqs, "AssumeRole");
    assert_eq!(assume.len(), 2, "{:?}", crate::harness::actions(reqs));
    assert!(assume.iter().all(|r| !r.params.contains_key("TokenCode")));
    let calls = signers(&with_action(reqs, "GetCallerIdentity"));
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|k| k.starts_with("ASIA")), "{calls:?}");
    assert_ne!(
        calls[0], calls[1],
        "the second call used the renewed session"
    );
    assert_eq!(mfa_asked(w), 1, "a code was asked for once");
}

#[test]
fn boto3_outlives_its_role_session_with_one_mfa_code() {
    let w = world();
    let child = script(
        &w,
        "twice.py",
        &format!(
            "import time, boto3\nsts = boto3.client('sts')\nprint(sts.get_caller_identity()['Arn'], flush=True)\ntime.sleep({PAST_MARGIN})\nprint(sts.get_caller_identity()['Arn'])\n"
        ),
    );
    let (out, reqs) = w.recorded(|| w.run(&["exec", "--server", "prod", "--", &python(), &child]));
    assert_renewed_without_a_new_code(&w, &out, &reqs);
}

#[test]
fn the_aws_cli_outlives_its_role_session_with_one_mfa_code() {
    let w = world();
    let call = "aws sts get-caller-identity --query Arn --output text";
    let (out, reqs) = w.recorded(|| {
        w.run(&[
            "exec",
            "--server",
            "prod",
            "--",
            "sh",
            "-c",
            &format!("{call} && sleep {PAST_MARGIN} && {call}"),
        ])
    });
    assert_renewed_without_a_new_code(&w, &out, &reqs);
}

/// The JavaScript SDK v3 that tests/run.sh installs (`$ROLEX_TEST_NODE_MODULES`,
/// else `<repo>/.node-sdk/node_modules`).
pub fn node_modules() -> PathBuf {
    let dir = match std::env::var_os("ROLEX_TEST_NODE_MODULES") {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join(".node-sdk/node_modules"),
    };
    assert!(
        dir.join("@aws-sdk/client-sts").is_dir(),
        "the AWS SDK for JavaScript is not in {}: run `bash tests/run.sh` (it runs npm install) or set ROLEX_TEST_NODE_MODULES",
        dir.display()
    );
    dir
}

pub const NODE_CALL: &str = r#"
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
new STSClient({}).send(new GetCallerIdentityCommand({})).then(
  (r) => console.log(r.Arn),
  (e) => { console.error("sdk error:", e.name, e.message); process.exit(1); });
"#;

#[test]
fn the_javascript_sdk_gets_the_role_from_the_endpoint() {
    let w = world();
    let child = script(&w, "call.js", NODE_CALL);
    let modules = node_modules().display().to_string();
    let (out, reqs) = w.recorded(|| {
        w.run_with(
            &["exec", "--server", "prod", "--", "node", &child],
            &[("NODE_PATH", &modules)],
        )
    });
    assert_eq!(ok(&out).trim(), ROLE_ARN);
    let calls = signers(&with_action(&reqs, "GetCallerIdentity"));
    assert!(calls[0].starts_with("ASIA"), "{calls:?}");
}

/// What the command sees, and what the endpoint tells strangers, checked
/// from inside the command.
const PROBE: &str = r#"
import json, os, socket, urllib.request, urllib.error
url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
port = int(url.rsplit(":", 1)[1].strip("/"))
def get(headers):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
stuck = socket.create_connection(("127.0.0.1", port))  # sends nothing
s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"GET / HTTP/1.1\r\nX: " + b"a" * 100000)
huge = s.recv(100).decode(errors="replace").split("\r\n")[0]
s.close()
listening = [l.split()[1] for l in open("/proc/net/tcp").readlines()[1:]
             if l.split()[3] == "0A" and int(l.split()[1].split(":")[1], 16) == port]
try:
    socket.create_connection(("127.0.0.2", port), timeout=5).close(); other = "connected"
except OSError:
    other = "refused"
print(json.dumps({
    "env": dict(os.environ), "none": get({}), "wrong": get({"Authorization": "0" * len(token)}),
    "right": get({"Authorization": token}), "huge": huge, "listening": listening, "other": other}))
"#;

#[test]
fn the_endpoint_is_local_and_answers_only_the_token() {
    let mut w = world();
    w.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/elsewhere");
    let child = script(&w, "probe.py", PROBE);
    let out = w.run(&["exec", "--server", "prod", "--", &python(), &child]);
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    let env = &v["env"];
    let url = env["AWS_CONTAINER_CREDENTIALS_FULL_URI"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let token = env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].as_str().unwrap();
    assert!(token.len() >= 64, "{token}");
    for gone in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "ROLEX_FILE_PASSPHRASE",
    ] {
        assert!(env.get(gone).is_none(), "{gone} reached the command");
    }
    assert_eq!(env["ROLEX_ROLE"], "prod");
    assert_eq!(env["ROLEX_ACCOUNT"], "999999999999");
    assert_eq!(env["AWS_REGION"], "eu-west-1");
    assert_eq!(env["AWS_DEFAULT_REGION"], "eu-west-1");
    let text = serde_json::to_string(env).unwrap();
    assert!(!text.contains(KEY_ID) && !text.contains(SECRET));

    assert_eq!(v["none"][0], 401);
    assert_eq!(v["wrong"][0], 403);
    for refused in [&v["none"][1], &v["wrong"][1]] {
        let body = refused.as_str().unwrap();
        assert!(
            !body.contains("ASIA") && !body.contains("Token\""),
            "{body}"
        );
    }
    assert_eq!(v["right"][0], 200);
    let creds: serde_json::Value = serde_json::from_str(v["right"][1].as_str().unwrap()).unwrap();
    assert!(creds["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(creds["SecretAccessKey"].as_str().is_some() && creds["Token"].as_str().is_some());
    assert!(creds["Expiration"].as_str().unwrap().ends_with('Z'));
    assert!(
        v["huge"].as_str().unwrap().contains(" 431 "),
        "{}",
        v["huge"]
    );
    // Bound to 127.0.0.1 (0100007F in /proc/net/tcp), not to every address.
    let port: u16 = url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap();
    assert_eq!(
        v["listening"],
        serde_json::json!([format!("0100007F:{port:04X}")])
    );
    assert_eq!(v["other"], "refused");
    let err = stderr(&out);
    assert!(!err.contains(token) && !err.contains("ASIA"), "{err}");
}

#[test]
fn exit_status_and_signals_pass_through() {
    let w = world();
    let out = w.run(&["exec", "--server", "prod", "--", "sh", "-c", "exit 7"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let missing = w.run(&["exec", "--server", "prod", "--", "no-such-command-here"]);
    assert!(fails(&missing, 127).contains("cannot run no-such-command-here"));

    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let ready = w.home().join(format!("ready-{signal}"));
        let mut rolex = w
            .cmd(&[
                "exec",
                "--server",
                "prod",
                "--",
                "sh",
                "-c",
                &format!("echo $$ > '{}'; exec sleep 60", ready.display()),
            ])
            .spawn()
            .unwrap();
        let pid = wait_for_file(&ready);
        // A process sends the signal to rolex alone; rolex lives on and
        // passes it to the command, whose end decides rolex's status.
        ok(&Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(rolex.id().to_string())
            .output()
            .unwrap());
        let status = rolex.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{signal}: {status:?}");
        assert!(
            !Path::new(&format!("/proc/{}", pid.trim())).exists(),
            "the command is gone"
        );
    }
}

/// Waits (a minute at most: a hung test must not hold the build lock)
/// until `f` gives something.
#[track_caller]
fn wait_until<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The text of a file the command writes once it runs.
#[track_caller]
fn wait_for_file(path: &Path) -> String {
    wait_until(&path.display().to_string(), || {
        std::fs::read_to_string(path)
            .ok()
            .filter(|t| t.ends_with('\n'))
    })
}

/// A 15-minute MFA session goes stale with the role session: renewing then
/// needs a new code.
const STALE_MFA: &str = "mfa_session = \"15m\"";

#[test]
fn a_stale_mfa_session_asks_mfa_command_again() {
    let w = world_with(&format!("{MFA_COMMAND}\n{STALE_MFA}"));
    let call = "aws sts get-caller-identity --query Arn --output text";
    let (out, reqs) = w.recorded(|| {
        w.run(&[
            "exec",
            "--server",
            "prod",
            "--",
            "sh",
            "-c",
            &format!("{call} && sleep {PAST_MARGIN} && {call}"),
        ])
    });
    assert_eq!(ok(&out).lines().collect::<Vec<_>>(), [ROLE_ARN, ROLE_ARN]);
    assert_eq!(with_action(&reqs, "GetSessionToken").len(), 2);
    assert_eq!(with_action(&reqs, "AssumeRole").len(), 2);
    assert_eq!(mfa_asked(&w), 2);
}

#[test]
fn a_stale_mfa_session_with_no_way_to_ask_fails_the_request_clearly() {
    let w = world_with(STALE_MFA);
    let call = "aws sts get-caller-identity --query Arn --output text";
    let (out, reqs) = w.recorded(|| {
        w.run(&[
            "exec",
            "--server",
            "prod",
            "--token",
            "123456",
            "--",
            "sh",
            "-c",
            &format!("{call} && sleep {PAST_MARGIN} && {call}"),
        ])
    });
    let err = fails(&out, 255);
    assert_eq!(stdout(&out).trim(), ROLE_ARN, "the first call worked");
    assert!(
        err.contains("rolex: cannot renew the session of role prod for the command: an MFA code is needed and there is no terminal"),
        "{err}"
    );
    assert!(
        err.contains("hint: pass --token CODE, or set mfa_command"),
        "{err}"
    );
    assert_eq!(with_action(&reqs, "GetSessionToken").len(), 1);
    assert_eq!(with_action(&reqs, "AssumeRole").len(), 1);
}

/// After the session went stale, eight requests at once: one STS call.
const TOGETHER: &str = r#"
import json, os, threading, time, urllib.request
url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
auth = {"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
def get():
    with urllib.request.urlopen(urllib.request.Request(url, headers=auth), timeout=60) as r:
        return json.loads(r.read())["AccessKeyId"]
first = get()
time.sleep(PAST_MARGIN)
keys = []
threads = [threading.Thread(target=lambda: keys.append(get())) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"first": first, "keys": keys}))
"#;

#[test]
fn requests_that_arrive_together_make_one_sts_call() {
    let w = world();
    let child = script(
        &w,
        "together.py",
        &TOGETHER.replace("PAST_MARGIN", PAST_MARGIN),
    );
    let (out, reqs) = w.recorded(|| w.run(&["exec", "--server", "prod", "--", &python(), &child]));
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    let keys: Vec<&str> = v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 8);
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    assert_ne!(keys[0], v["first"].as_str().unwrap(), "renewed");
    assert_eq!(with_action(&reqs, "AssumeRole").len(), 2);
    assert_eq!(with_action(&reqs, "GetSessionToken").len(), 1);
}

/// Ctrl-C in a real terminal (tmux): the terminal sends SIGINT to the whole
/// foreground job; rolex lives on, does not send the command a second one,
/// and ends with the command's own status.
#[test]
fn ctrl_c_in_a_terminal_reaches_the_command_once() {
    let w = world();
    let socket = format!("rolex-server-{}", std::process::id());
    let q = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut launcher = String::from("#!/bin/sh\nexec env -i TERM=xterm");
    for (k, v) in w.base_env().iter().chain(w.vars.iter()) {
        launcher.push_str(&format!(" {k}={}", q(v)));
    }
    launcher.push_str(" bash --norc --noprofile -i\n");
    let launch = script(&w, "launch.sh", &launcher);
    set_mode(Path::new(&launch), 0o700);
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        tmux(&["new-session", "-d", "-x", "200", "-y", "50", &launch])
            .status
            .success()
    );
    /// Ends the tmux server however the test ends.
    struct Server(String);
    impl Drop for Server {
        fn drop(&mut self) {
            let _ = Command::new("tmux")
                .args(["-L", &self.0, "kill-server"])
                .output();
        }
    }
    let _server = Server(socket.clone());
    let ready = w.home().join("child-ready");
    let got = w.home().join("child-got");
    let child = format!(
        "trap 'echo INT >> {got}' INT; echo ready > {ready}; sleep 60 & wait; kill $!; exit 3",
        got = got.display(),
        ready = ready.display()
    );
    let line = format!(
        "{} exec --server prod -- sh -c {}; echo RC=$?",
        rolex().display(),
        q(&child)
    );
    tmux(&["send-keys", "-l", &line]);
    tmux(&["send-keys", "Enter"]);
    wait_for_file(&ready);
    tmux(&["send-keys", "C-c"]);
    // The command line itself shows "RC=$?"; the answer is RC and a digit.
    let answered = |t: &str| {
        t.match_indices("RC=")
            .any(|(i, _)| t[i + 3..].starts_with(|c: char| c.is_ascii_digit()))
    };
    let screen = wait_until("rolex to end", || {
        let o = tmux(&["capture-pane", "-p", "-J"]);
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        answered(&text).then_some(text)
    });
    assert!(screen.contains("RC=3\n"), "{screen}");
    assert_eq!(
        std::fs::read_to_string(&got).unwrap(),
        "INT\n",
        "one SIGINT"
    );
}

#[test]
fn keys_in_the_default_aws_profile_are_warned_about() {
    let mut w = world();
    let creds = w.home().join("aws-credentials");
    std::fs::write(
        &creds,
        format!("[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    w.set("AWS_SHARED_CREDENTIALS_FILE", creds.to_str().unwrap());
    let out = w.whoami(&["--server", "prod"]);
    // The warning is true: the AWS CLI took the default profile's keys.
    assert_ne!(arn_of(&ok(&out)), ROLE_ARN);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "rolex: the default profile of {} has credentials; AWS SDKs and the AWS CLI take them before rolex's endpoint",
            creds.display()
        )),
        "{err}"
    );
    assert!(!err.contains(SECRET));
}

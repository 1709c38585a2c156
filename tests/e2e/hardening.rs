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

/// Runs `cmd` and gives up (killing it) after `secs`: a hang is a failure,
/// not a stuck test suite.
fn run_bounded(mut cmd: std::process::Command, secs: u64) -> std::process::Output {
    use std::io::Read;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
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
    std::process::Output {
        status,
        stdout,
        stderr,
    }
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

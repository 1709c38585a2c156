//! The two programs: `rolex`, the small front binary, runs `prompt` and a
//! cached `exec` itself and hands everything else to `rolex-core`; both
//! must give the command, the audit trail and the shell the same things.

use std::path::{Path, PathBuf};

use crate::world::*;

const ROLES: &str = r#"
[sources.main]
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"
mfa_session = "12h"

[roles.a]
account = "999999999999"
role = "Admin"
color = "red"

[roles.careful]
account = "888888888888"
role = "Admin"
confirm = true
"#;

/// The file store with source `main` from alice's keys, and role `a`'s
/// session cached.
fn cached_world() -> World {
    let mut w = World::new(ROLES);
    w.add_source_of("main", "alice");
    ok(&w.run(&["exec", "a", "--token", "123456", "--", "true"]));
    w
}

/// A copy of the front binary alone in a folder: no rolex-core beside it,
/// so whatever it cannot do itself fails, naming rolex-core.
fn lone_front(w: &World) -> PathBuf {
    let dir = w.home().join("lone");
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("rolex");
    std::fs::copy(rolex(), &copy).unwrap();
    copy
}

fn handed_over(out: &std::process::Output) {
    let e = fails(out, 1);
    assert!(
        e.contains("rolex-core") && e.contains("two programs"),
        "{e}"
    );
}

fn audit_lines(w: &World) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(w.home().join(".local/state/rolex/audit.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("time");
            v
        })
        .collect()
}

#[test]
fn the_front_binary_alone_runs_a_cached_exec_and_the_prompt() {
    let w = cached_world();
    let front = lone_front(&w);
    // The cached exec needs nothing of rolex-core, and no AWS call.
    let args = ["exec", "a", "--", "aws", "sts", "get-caller-identity"];
    let (out, reqs) = w.recorded(|| w.cmd_of(&front, &args).output().unwrap());
    assert!(arn_of(&ok(&out)).starts_with("arn:aws:sts::999999999999:assumed-role/Admin/"));
    assert_eq!(stderr(&out), "");
    assert_eq!(crate::harness::actions(&reqs), ["GetCallerIdentity"]);
    let last = audit_lines(&w).pop().unwrap();
    assert_eq!(last["event"], "exec");
    assert_eq!(last["new_session"], false);
    assert_eq!(last["user"], "alice");
    // A command that is not there: 127, as shells say.
    let out = w
        .cmd_of(&front, &["exec", "a", "--", "no-such-command-here"])
        .output()
        .unwrap();
    let e = fails(&out, 127);
    assert!(e.contains("cannot run no-such-command-here"), "{e}");
    // Inside a role, the prompt is the front's own, and rolex-core's.
    let prompt = |binary: &Path| {
        let args = ["prompt", "--no-color", "--format", "{role}@{alias} {mark}"];
        let out = w
            .cmd_of(binary, &args)
            .env("ROLEX_ROLE", "a")
            .env("ROLEX_ACCOUNT", "999999999999")
            .env("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z")
            .output()
            .unwrap();
        ok(&out)
    };
    assert_eq!(prompt(&front), "a@999999999999 !");
    assert_eq!(prompt(&front), prompt(&rolex_core()));
}

#[test]
fn a_front_that_finds_itself_under_rolex_cores_name_says_so_instead_of_starting_itself() {
    let w = World::new(ROLES);
    // A copy of the front named rolex-core beside it.
    let front = lone_front(&w);
    std::fs::copy(&front, front.with_file_name("rolex-core")).unwrap();
    let out = run_bounded(w.cmd_of(&front, &["list"]), 20);
    let e = fails(&out, 1);
    assert!(e.contains("is rolex itself, not rolex-core"), "{e}");
    // A rolex-core that links to the front.
    let dir = w.home().join("linked");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(rolex(), dir.join("rolex")).unwrap();
    std::os::unix::fs::symlink("rolex", dir.join("rolex-core")).unwrap();
    let out = run_bounded(w.cmd_of(&dir.join("rolex"), &["list"]), 20);
    let e = fails(&out, 1);
    assert!(e.contains("is rolex itself, not rolex-core"), "{e}");
    // A link to the installed front from another folder finds rolex-core
    // beside the real file.
    let bin = w.home().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(rolex(), bin.join("rolex")).unwrap();
    let out = run_bounded(w.cmd_of(&bin.join("rolex"), &["--version"]), 20);
    assert!(ok(&out).starts_with("rolex"), "{out:?}");
}

#[test]
fn the_front_binary_hands_over_what_it_does_not_do_itself() {
    let w = cached_world();
    let front = lone_front(&w);
    for args in [
        // Options: rolex-core parses them.
        &["exec", "a", "--token", "123456", "--", "true"][..],
        &["exec", "--server", "a", "--", "true"],
        &["exec", "-y", "a", "--", "true"],
        // Not cached, a role to confirm, an unknown role, no command.
        &["exec", "careful", "--", "true"],
        &["exec", "nobody", "--", "true"],
        &["exec", "a"],
        // Everything else.
        &["prompt", "--help"],
        &["list"],
        &["--version"],
        &[],
    ] {
        handed_over(&w.cmd_of(&front, args).output().unwrap());
    }
    // A cache not in the kernel keyring is rolex-core's too.
    let out = w
        .cmd_of(&front, &["exec", "a", "--", "true"])
        .env("ROLEX_SESSION_CACHE", "store")
        .output()
        .unwrap();
    handed_over(&out);
    // So is a shell whose role has run out (rolex-core says so first).
    let out = w
        .cmd_of(&front, &["exec", "a", "--", "true"])
        .env("ROLEX_ROLE", "a")
        .env("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z")
        .output()
        .unwrap();
    handed_over(&out);
}

#[test]
fn front_and_core_give_the_command_the_same_environment_and_audit_entry() {
    let mut w = cached_world();
    // The hook's private variables, one holding a secret, must reach no
    // command from either program.
    w.set("ROLEX_HOOK", "bash");
    w.set("AWS_REGION", "eu-west-1");
    let run = |binary: &Path| {
        let out = w
            .cmd_of(binary, &["exec", "a", "--", "env", "-0"])
            .output()
            .unwrap();
        let mut vars: Vec<String> = ok(&out).split('\0').map(str::to_string).collect();
        vars.sort();
        vars
    };
    let front = run(&rolex());
    let core = run(&rolex_core());
    assert_eq!(front, core);
    assert!(front.iter().any(|v| v == "ROLEX_ROLE=a"), "{front:?}");
    assert!(front.iter().any(|v| v == "ROLEX_COLOR=red"), "{front:?}");
    assert!(
        front.iter().any(|v| v.starts_with("AWS_SESSION_TOKEN=")),
        "{front:?}"
    );
    for private in ["ROLEX_HOOK", "ROLEX_FILE_PASSPHRASE"] {
        assert!(
            !front.iter().any(|v| v.starts_with(&format!("{private}="))),
            "{private} reached the command"
        );
    }
    let lines = audit_lines(&w);
    let [.., by_front, by_core] = &lines[..] else {
        panic!("{lines:?}")
    };
    assert_eq!(by_front, by_core);
    assert_eq!(by_front["event"], "exec");
    assert_eq!(by_front["source"], "main");
}

#[test]
fn hooks_and_aws_profiles_name_the_front_binary_whichever_program_writes_them() {
    let w = World::new(ROLES);
    let front = rolex().display().to_string();
    for binary in [rolex(), rolex_core()] {
        let hook = ok(&w.cmd_of(&binary, &["init", "bash"]).output().unwrap());
        assert!(hook.contains(&front), "{hook}");
        assert!(!hook.contains("rolex-core"), "{hook}");
    }
}

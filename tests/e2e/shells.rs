//! Issue: shell integration in real shells (bash, zsh, fish) driven through
//! tmux: the hook, switch with an MFA code typed at the real prompt, exit
//! restoring the environment byte for byte, subshells, the prompt segment.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::world::*;

const PROFILE: &str = r#"
[defaults]
session_name = "ops-{role}"   # fish sets USER itself: keep names independent of it

[sources.main]
from = "env"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"

[accounts]
prod = "999999999999"
staging = "888888888888"

[roles.prod-admin]
account = "prod"
role = "Admin"
color = "red"
region = "eu-central-1"

[roles.staging-admin]
account = "staging"
role = "Admin"
"#;

/// A nasty value that must survive a switch and exit unchanged.
const NASTY: &str = "it's \"quoted\" $HOME `x` \\ end";

struct Tmux {
    socket: String,
    dir: PathBuf,
}

impl Tmux {
    fn start(w: &World, shell: &[&str]) -> Self {
        let socket = format!(
            "rolex-test-{}-{}",
            std::process::id(),
            shell[0].rsplit('/').next().unwrap()
        );
        let dir = w
            .home()
            .join(format!("tmux-{}", shell[0].rsplit('/').next().unwrap()));
        std::fs::create_dir_all(&dir).unwrap();
        let q = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
        let mut script = String::from("#!/bin/sh\nexec env -i");
        let bin_dir = rolex().parent().unwrap().display().to_string();
        for (k, v) in w.base_env().iter().chain(w.vars.iter()) {
            let v = if k == "PATH" {
                format!("{bin_dir}:{v}")
            } else {
                v.clone()
            };
            script.push_str(&format!(" {k}={}", q(&v)));
        }
        script.push_str(&format!(
            " TERM=xterm SHELL={} AWS_PROFILE={} AWS_REGION=''",
            q(&which(shell[0])),
            q(NASTY)
        ));
        for a in shell {
            script.push_str(&format!(" {}", q(a)));
        }
        script.push('\n');
        let launcher = dir.join("launch.sh");
        std::fs::write(&launcher, script).unwrap();
        set_mode(&launcher, 0o700);
        let st = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-x", "200", "-y", "50"])
            .arg(launcher.display().to_string())
            .status()
            .unwrap();
        assert!(st.success());
        Tmux { socket, dir }
    }

    fn send(&self, line: &str) {
        let st = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-l", line])
            .status()
            .unwrap();
        assert!(st.success());
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "Enter"])
            .status()
            .unwrap();
    }

    fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-S", "-300"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Waits until the screen shows `text` (after `skip` earlier matches).
    #[track_caller]
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{text:?} did not show up; screen:\n{}", self.screen());
    }

    /// Runs a line and waits for it to finish (it echoes a marker after).
    #[track_caller]
    fn run(&self, line: &str, marker: &str) {
        self.send(&format!("{line}; echo {marker}-DONE"));
        self.wait_for(&format!("\n{marker}-DONE"));
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn which(name: &str) -> String {
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `env` output without what shells change by themselves.
fn env_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    // Values can span lines (NASTY has none, but be safe): keep raw lines.
    for l in text.lines() {
        if ["_=", "SHLVL=", "OLDPWD=", "PWD=", "COLUMNS=", "LINES="]
            .iter()
            .any(|p| l.starts_with(p))
        {
            continue;
        }
        lines.push(l.to_string());
    }
    lines.sort();
    lines
}

fn switch_and_exit(shell: &[&str], init: &str) {
    let w = World::new(PROFILE);
    let t = Tmux::start(&w, shell);
    let d = t.dir.display().to_string();
    t.run(init, "INIT");
    t.run(&format!("env > {d}/before.txt"), "BEFORE");
    let (_, reqs) = w.recorded(|| {
        t.send("rolex switch prod-admin");
        t.wait_for("MFA code for arn:aws:iam::123456789012:mfa/alice");
        t.send("123456");
        t.wait_for("rolex: now prod-admin in prod");
        t.run(
            &format!("aws sts get-caller-identity > {d}/id1.json"),
            "ID1",
        );
        t.run(
            &format!("rolex prompt --no-color > {d}/prompt.txt"),
            "PROMPT",
        );
        t.run(&format!("env > {d}/inside.txt"), "INSIDE");
        // Role to role: no new MFA code (the MFA session is cached).
        t.run("rolex switch staging-admin", "SWITCH2");
        t.run(
            &format!("aws sts get-caller-identity > {d}/id2.json"),
            "ID2",
        );
        t.run(&format!("env > {d}/inside2.txt"), "INSIDE2");
        t.run("rolex exit", "EXIT");
        t.run(&format!("env > {d}/after.txt"), "AFTER");
        t.run("rolex exit", "EXIT2");
    });
    assert_eq!(
        arn_of(&read(&t.file("id1.json"))),
        "arn:aws:sts::999999999999:assumed-role/Admin/ops-prod-admin"
    );
    assert_eq!(
        arn_of(&read(&t.file("id2.json"))),
        "arn:aws:sts::888888888888:assumed-role/Admin/ops-staging-admin"
    );
    assert!(
        read(&t.file("prompt.txt")).starts_with("prod-admin@prod "),
        "{}",
        read(&t.file("prompt.txt"))
    );
    let inside = read(&t.file("inside.txt"));
    assert!(inside.contains("ROLEX_ROLE=prod-admin") && inside.contains("AWS_REGION=eu-central-1"));
    assert!(
        !inside.contains("AWS_PROFILE="),
        "AWS_PROFILE is removed inside a role"
    );
    assert!(
        !inside.contains("__ROLEX_SAVED") && !inside.contains(SECRET),
        "the saved state is not exported"
    );
    let inside2 = read(&t.file("inside2.txt"));
    assert!(inside2.contains("ROLEX_ROLE=staging-admin"));
    assert!(
        !inside2.contains("ROLEX_COLOR=") && !inside2.contains("AWS_REGION=eu-central-1"),
        "nothing of prod-admin is left"
    );
    assert_eq!(
        env_lines(&read(&t.file("after.txt"))),
        env_lines(&read(&t.file("before.txt")))
    );
    assert!(read(&t.file("before.txt")).contains(&format!("AWS_PROFILE={NASTY}")));
    assert!(t.screen().contains("no role is active"));
    assert_eq!(with_action(&reqs, "GetSessionToken").len(), 1);
    assert_eq!(with_action(&reqs, "AssumeRole").len(), 2);
    let log = ok(&w.run(&["log", "--json"]));
    let events: Vec<String> = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|e| {
            format!(
                "{} {}",
                e["event"].as_str().unwrap(),
                e["role"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            "switch prod-admin",
            "switch staging-admin",
            "exit staging-admin"
        ]
    );
}

#[test]
fn bash_switch_and_exit_restore_the_environment() {
    switch_and_exit(
        &["bash", "--norc", "--noprofile", "-i"],
        "eval \"$(rolex init bash --prompt)\"",
    );
}

#[test]
fn zsh_switch_and_exit_restore_the_environment() {
    switch_and_exit(&["zsh", "-f", "-i"], "eval \"$(rolex init zsh --prompt)\"");
}

#[test]
fn fish_switch_and_exit_restore_the_environment() {
    switch_and_exit(
        &["fish", "--no-config", "-i"],
        "rolex init fish --prompt | source",
    );
}

#[test]
fn a_subshell_ends_with_exit_and_with_rolex_exit() {
    let w = World::new(PROFILE);
    let t = Tmux::start(&w, &["bash", "--norc", "--noprofile", "-i"]);
    let d = t.dir.display().to_string();
    t.run("PS1='$ '", "PS1");
    t.send("rolex switch prod-admin --token 123456");
    t.wait_for("rolex: starting");
    t.run(
        &format!("echo \"in:$ROLEX_ROLE:$ROLEX_SUBSHELL\" > {d}/sub1.txt"),
        "SUB1",
    );
    t.run("rolex switch staging-admin", "NEST");
    t.send("rolex exit");
    t.wait_for("rolex: left prod-admin");
    t.run(
        &format!("echo \"out:${{ROLEX_ROLE-none}}\" > {d}/parent1.txt"),
        "PARENT1",
    );
    t.send("rolex switch prod-admin --subshell");
    t.wait_for("rolex: starting /");
    t.send("exit");
    t.run(
        &format!("echo \"out:${{ROLEX_ROLE-none}}:${{AWS_PROFILE}}\" > {d}/parent2.txt"),
        "PARENT2",
    );
    assert!(read(&t.file("sub1.txt")).starts_with("in:prod-admin:"));
    assert!(
        t.screen().contains("already a rolex subshell"),
        "{}",
        t.screen()
    );
    assert_eq!(read(&t.file("parent1.txt")).trim(), "out:none");
    assert_eq!(
        read(&t.file("parent2.txt")).trim(),
        format!("out:none:{NASTY}")
    );
}

#[test]
fn hooks_survive_strict_modes() {
    let w = World::new(PROFILE);
    let bin_dir = rolex().parent().unwrap().display().to_string();
    let run = |shell: &str, args: &[&str], script: &str| {
        let mut c = Command::new(shell);
        c.args(args).arg(script).env_clear();
        for (k, v) in w.base_env().iter().chain(w.vars.iter()) {
            c.env(
                k,
                if k == "PATH" {
                    format!("{bin_dir}:{v}")
                } else {
                    v.clone()
                },
            );
        }
        c.output().unwrap()
    };
    let body = "rolex switch prod-admin --token 123456\ntest \"$ROLEX_ROLE\" = prod-admin\nrolex prompt >/dev/null\nrolex exit\ntest -z \"${ROLEX_ROLE-}\"\necho done";
    let bash = run(
        "bash",
        &["-c"],
        &format!("set -euo pipefail\neval \"$(rolex init bash --prompt)\"\n__rolex_prompt\n{body}"),
    );
    assert!(ok(&bash).contains("done"), "{}", stderr(&bash));
    let zsh = run(
        "zsh",
        &["-f", "-c"],
        &format!(
            "setopt no_unset err_exit pipe_fail\neval \"$(rolex init zsh --prompt)\"\n__rolex_precmd\n{body}"
        ),
    );
    assert!(ok(&zsh).contains("done"), "{}", stderr(&zsh));
    let sc = Command::new("shellcheck")
        .args(["-s", "bash", "-"])
        .stdin(std::process::Stdio::piped())
        .spawn();
    let mut sc = sc.expect("shellcheck is installed by tests/run.sh");
    let hook = Command::new(rolex())
        .args(["init", "bash", "--prompt"])
        .output()
        .unwrap()
        .stdout;
    use std::io::Write;
    sc.stdin.take().unwrap().write_all(&hook).unwrap();
    let out = sc.wait_with_output().unwrap();
    assert!(out.status.success(), "shellcheck: {}", stdout(&out));
}

#[test]
fn switch_without_a_role_offers_a_fuzzy_picker() {
    let w = World::new(PROFILE);
    let t = Tmux::start(&w, &["bash", "--norc", "--noprofile", "-i"]);
    let d = t.dir.display().to_string();
    t.run("eval \"$(rolex init bash)\"", "INIT");
    t.send("rolex switch --token 123456");
    t.wait_for("Role");
    t.wait_for("staging-admin");
    t.send("stag");
    std::thread::sleep(Duration::from_millis(300));
    t.run(
        &format!("echo \"role:$ROLEX_ROLE\" > {d}/picked.txt"),
        "PICKED",
    );
    assert_eq!(
        read(&t.file("picked.txt")).trim(),
        "role:staging-admin",
        "{}",
        t.screen()
    );
}

#[test]
fn an_expired_role_is_reported_and_switch_renews_it() {
    let w = World::new(PROFILE);
    let expired = [
        ("ROLEX_ROLE", "prod-admin"),
        ("ROLEX_ACCOUNT", "999999999999"),
        ("ROLEX_ACCOUNT_ALIAS", "prod"),
        ("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z"),
    ];
    let prompt = ok(&w.run_with(&["prompt", "--no-color"], &expired));
    assert_eq!(prompt, "prod-admin@prod expired!");
    let status = w.run_with(&["status"], &expired);
    assert!(stdout(&status).contains("expired"));
    assert_eq!(status.status.code(), Some(1));
    assert!(
        stderr(&status).contains("`rolex switch prod-admin` renews it"),
        "{}",
        stderr(&status)
    );
    // With the hook's saved state, a switch renews from the original identity.
    let saved = saved_with_source_keys();
    let mut hooked = expired.to_vec();
    hooked.extend([
        ("ROLEX_HOOK", "bash"),
        ("__ROLEX_SAVED", saved.as_str()),
        ("AWS_ACCESS_KEY_ID", "ASIAOLD"),
    ]);
    let script = ok(&w.run_with(&["switch", "prod-admin", "--token", "123456"], &hooked));
    assert!(
        script.contains(&format!("__rolex_saved='{saved}'")),
        "the original state is kept: {script}"
    );
    assert!(script.contains("export ROLEX_ROLE='prod-admin'"));
    assert!(!script.contains("ASIAOLD"));
}

#[test]
fn add_asks_for_the_key_without_echoing_the_secret() {
    let mut w = World::new("[sources.main]\n");
    let (id, secret) = w.iam_user("carol");
    let (id, secret) = (id.as_str(), secret.as_str());
    w.unset("AWS_ACCESS_KEY_ID");
    w.unset("AWS_SECRET_ACCESS_KEY");
    let t = Tmux::start(&w, &["bash", "--norc", "--noprofile", "-i"]);
    t.send("rolex add main");
    t.wait_for("Access key id");
    t.send(id);
    t.wait_for("Secret access key");
    t.send(secret);
    t.wait_for("rolex: stored key");
    assert!(
        !t.screen().contains(secret),
        "the secret was echoed:\n{}",
        t.screen()
    );
    assert!(files_containing(w.home(), secret).is_empty());
    let list = ok(&w.whoami(&["arn:aws:iam::999999999999:role/X"]));
    assert_eq!(
        arn_of(&list),
        "arn:aws:sts::999999999999:assumed-role/X/alice"
    );
}

#[test]
fn the_mfa_prompt_refuses_a_bad_code_and_asks_again() {
    let w = World::new(PROFILE);
    let t = Tmux::start(&w, &["bash", "--norc", "--noprofile", "-i"]);
    let d = t.dir.display().to_string();
    let (_, reqs) = w.recorded(|| {
        t.send(&format!(
            "rolex exec prod-admin -- aws sts get-caller-identity > {d}/id.json; echo EXEC-DONE"
        ));
        t.wait_for("MFA code for arn:aws:iam::123456789012:mfa/alice");
        t.send("12345");
        t.wait_for("6 digits");
        t.send("123456");
        t.wait_for("\nEXEC-DONE");
    });
    assert_eq!(
        arn_of(&read(&t.file("id.json"))),
        "arn:aws:sts::999999999999:assumed-role/Admin/ops-prod-admin"
    );
    let gst = with_action(&reqs, "GetSessionToken");
    assert_eq!(gst.len(), 1);
    assert_eq!(gst[0].params["TokenCode"], "123456");
}

/// Issue 9: a role variable the shell has but does not export cannot be seen
/// by rolex, so it could not be restored: the hook tells rolex, and switch
/// refuses with the variable left as it was.
#[test]
fn switch_refuses_role_variables_that_are_not_exported() {
    let shells: [(&[&str], &str, &str, &str); 3] = [
        (
            &["bash", "--norc", "--noprofile", "-i"],
            "eval \"$(rolex init bash)\"",
            "export -n AWS_PROFILE; AWS_PROFILE=local-only",
            "echo \"P=[$AWS_PROFILE] X=[$(printenv AWS_PROFILE)] R=[${ROLEX_ROLE-}]\"",
        ),
        (
            &["zsh", "-f", "-i"],
            "eval \"$(rolex init zsh)\"",
            "typeset +x AWS_PROFILE; AWS_PROFILE=local-only",
            "echo \"P=[$AWS_PROFILE] X=[$(printenv AWS_PROFILE)] R=[${ROLEX_ROLE-}]\"",
        ),
        (
            &["fish", "--no-config", "-i"],
            "rolex init fish | source",
            "set -e AWS_PROFILE; set -g AWS_PROFILE local-only",
            "set -l x (printenv AWS_PROFILE); echo \"P=[$AWS_PROFILE] X=[$x] R=[$ROLEX_ROLE]\"",
        ),
    ];
    for (shell, init, make_local, show) in shells {
        let w = World::new(PROFILE);
        let t = Tmux::start(&w, shell);
        t.run(init, "INIT");
        t.run(make_local, "LOCAL");
        let (_, reqs) = w.recorded(|| t.run("rolex switch prod-admin --token 123456", "SWITCH"));
        t.wait_for("AWS_PROFILE set in this shell but not exported");
        t.run(show, "SHOW");
        t.wait_for("P=[local-only] X=[] R=[]");
        assert!(reqs.is_empty(), "{shell:?}: {reqs:?}");
    }
}

//! Completion as installed users get it: `rolex completions SHELL` loaded
//! into real bash, zsh and fish (driven through tmux), completing role
//! names from the profile file.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::world::*;

const PROFILE: &str = r#"
[roles.prod-admin]
account = "222222222222"
role = "Admin"

[roles.prod-readonly]
account = "222222222222"
role = "ReadOnly"

[roles.staging-admin]
account = "333333333333"
role = "Admin"
"#;

struct Tmux {
    socket: String,
}

impl Tmux {
    /// A shell in tmux with a temporary HOME holding PROFILE and rolex on PATH.
    fn start(home: &Path, shell: &str, args: &[&str]) -> Tmux {
        let config = home.join(".config/rolex/config.toml");
        std::fs::create_dir_all(config.parent().unwrap()).unwrap();
        std::fs::write(&config, PROFILE).unwrap();
        set_mode(&config, 0o600);
        let socket = format!("rolex-complete-{}-{shell}", std::process::id());
        let path = format!(
            "{}:{}",
            rolex().parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let st = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-x", "160", "-y", "40"])
            .args(["env", "-i", "TERM=xterm", "PS1=$ "])
            .arg(format!("HOME={}", home.display()))
            .arg(format!("PATH={path}"))
            .arg(shell)
            .args(args)
            .status()
            .unwrap();
        assert!(st.success());
        Tmux { socket }
    }

    fn keys(&self, literal: &str, then: &[&str]) {
        let st = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-l", literal])
            .status()
            .unwrap();
        assert!(st.success());
        if !then.is_empty() {
            Command::new("tmux")
                .args(["-L", &self.socket, "send-keys"])
                .args(then)
                .status()
                .unwrap();
        }
    }

    fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-S", "-200"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Waits until a line of the screen satisfies `ok`.
    #[track_caller]
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.screen().lines().any(&ok) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{what} did not show up; screen:\n{}", self.screen());
    }

    /// Clears the command line with Ctrl-C and waits for a bare prompt.
    /// A shell busy with a completion can swallow a Ctrl-C, so it is sent
    /// again until the prompt is back.
    #[track_caller]
    fn clear_line(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            self.keys("", &["C-c"]);
            let resend = Instant::now() + Duration::from_secs(2);
            while Instant::now() < resend {
                let screen = self.screen();
                let last = screen.lines().rev().find(|l| !l.trim().is_empty());
                if last.map(str::trim) == Some("$") {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("the prompt did not come back; screen:\n{}", self.screen());
    }

    /// Runs a line and waits for its marker.
    #[track_caller]
    fn run(&self, line: &str, marker: &str) {
        self.keys(&format!("{line}; echo {marker}-done"), &["Enter"]);
        let want = format!("{marker}-done");
        self.wait_for(&want, |l| l.trim_end() == want);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// Types `typed`, presses Tab, and waits for the line to read `completed`.
#[track_caller]
fn completes_to(t: &Tmux, typed: &str, completed: &str) {
    t.keys(typed, &["Tab"]);
    t.wait_for(completed, |l| l.trim_end().ends_with(completed));
    t.clear_line();
}

/// Types `typed`, presses Tab twice, and waits for a listing of `names`.
#[track_caller]
fn lists(t: &Tmux, typed: &str, names: &[&str]) {
    t.keys(typed, &["Tab", "Tab"]);
    t.wait_for(&names.join(" "), |l| {
        !l.contains(typed.trim_end()) && names.iter().all(|n| l.contains(n))
    });
    t.clear_line();
}

fn check(t: &Tmux) {
    completes_to(t, "rolex switch sta", "rolex switch staging-admin");
    completes_to(
        t,
        // zsh offers commands here too (clap's script does not know about
        // `--`), so a prefix no command has.
        "rolex exec --region eu-west-1 staging",
        "rolex exec --region eu-west-1 staging-admin",
    );
    completes_to(
        t,
        "rolex credential-process staging",
        "rolex credential-process staging-admin",
    );
    for cmd in ["env", "console", "clear", "doctor"] {
        completes_to(
            t,
            &format!("rolex {cmd} stag"),
            &format!("rolex {cmd} staging-admin"),
        );
    }
    lists(t, "rolex switch prod-", &["prod-admin", "prod-readonly"]);
}

#[test]
fn bash_completes_role_names_from_the_profile_file() {
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(home.path(), "bash", &["--norc", "--noprofile", "-i"]);
    t.run("source <(rolex completions bash)", "loaded");
    check(&t);
}

#[test]
fn zsh_completes_role_names_from_the_profile_file() {
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(home.path(), "zsh", &["-f", "-i"]);
    t.run(
        "PS1='$ '; autoload -Uz compinit; compinit -u; source <(rolex completions zsh)",
        "loaded",
    );
    check(&t);
}

#[test]
fn fish_completes_role_names_from_the_profile_file() {
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::start(home.path(), "fish", &["--no-config", "-i"]);
    // A prompt of its own, so that a bare prompt is "$" as in bash and zsh.
    t.run(
        "function fish_prompt; echo '$ '; end; function fish_right_prompt; end; rolex completions fish | source",
        "loaded",
    );
    check(&t);
}

#[test]
fn role_names_for_completion_are_quiet_without_a_profile_file() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(rolex())
        .arg("__complete-roles")
        .env_clear()
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert_eq!((stdout(&out), stderr(&out)), (String::new(), String::new()));
    assert!(out.status.success());
}

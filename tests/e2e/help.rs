//! `--help` of every command is checked in (tests/help/), so a change in
//! what a command shows is reviewed like code; and each shows only its own
//! options.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::world::*;

const REGENERATE: &str = "regenerate with: bash scripts/generate.sh";

fn help(path: &[String]) -> String {
    let out = Command::new(rolex())
        .args(path)
        .arg("--help")
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    ok(&out)
}

/// The subcommands listed under "Commands:" in a help text.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Every command path (`[]`, `["exec"]`, `["iam", "grant"]`...).
fn command_paths() -> Vec<Vec<String>> {
    let mut paths = vec![vec![]];
    let mut i = 0;
    while i < paths.len() {
        let path: Vec<String> = paths[i].clone();
        for sub in subcommands(&help(&path)) {
            let mut p = path.clone();
            p.push(sub);
            paths.push(p);
        }
        i += 1;
    }
    paths
}

fn file_of(path: &[String]) -> PathBuf {
    let mut name = String::from("rolex");
    for word in path {
        name.push('-');
        name.push_str(word);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/help")
        .join(format!("{name}.txt"))
}

#[test]
fn help_of_every_command_matches_tests_help() {
    let paths = command_paths();
    assert!(paths.len() > 15, "{paths:?}");
    let mut stale = Vec::new();
    for path in &paths {
        let file = file_of(path);
        let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
        if checked_in != help(path) {
            stale.push(file.display().to_string());
        }
    }
    assert!(stale.is_empty(), "stale help: {stale:?}; {REGENERATE}");
    let files = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/help"))
        .unwrap()
        .count();
    assert_eq!(
        files,
        paths.len(),
        "tests/help has files of commands that are gone; {REGENERATE}"
    );
}

#[test]
fn role_session_options_only_where_they_act() {
    let with = ["switch", "exec", "env", "credential-process", "doctor"];
    for path in command_paths().iter().filter(|p| !p.is_empty()) {
        let text = help(path);
        let has = text.contains("--token <CODE>");
        let name = path.join(" ");
        assert_eq!(
            has,
            with.contains(&name.as_str()) || name == "console",
            "rolex {name} --help and --token:\n{text}"
        );
        if [
            "log",
            "completions",
            "init",
            "iam trust-policy",
            "list",
            "prompt",
        ]
        .contains(&name.as_str())
        {
            for flag in ["--reason", "--duration", "--region", "--yes", "--no-cache"] {
                assert!(!text.contains(flag), "rolex {name} shows {flag}:\n{text}");
            }
        }
    }
}

#[test]
fn every_option_and_argument_has_a_line_of_help() {
    for path in command_paths() {
        let text = help(&path);
        for line in text.lines() {
            let t = line.trim_start();
            // An option or argument line with nothing after its name.
            let bare = (t.starts_with('-') || t.starts_with('<') || t.starts_with('['))
                && !t.contains("  ")
                && line.starts_with("  ");
            assert!(!bare, "rolex {} --help: no help for {t:?}", path.join(" "));
        }
    }
}

#[test]
fn exec_without_dashes_shows_the_command_that_works() {
    let out = Command::new(rolex())
        .args(["exec", "prod-admin", "aws", "s3", "ls"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "rolex: `rolex exec` takes the command to run after `--`\n  hint: rolex exec prod-admin -- aws s3 ls\n"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = ok(&Command::new(rolex()).arg("--version").output().unwrap());
    let dir = env!("CARGO_MANIFEST_DIR");
    let head = Command::new("git")
        .args(["-C", dir, "rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success() && Path::new(dir).join(".git").exists());
    let expected = match head {
        Some(h) => format!(
            "rolex {} ({})\n",
            env!("CARGO_PKG_VERSION"),
            String::from_utf8_lossy(&h.stdout).trim()
        ),
        None => format!("rolex {}\n", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(out, expected);
}

//! Generated files are checked in; this fails when they are stale.

use crate::world::*;

const REGENERATE: &str = "regenerate with: bash scripts/generate.sh";

#[test]
fn completions_are_current() {
    for (shell, file) in [
        ("bash", "rolex.bash"),
        ("zsh", "_rolex"),
        ("fish", "rolex.fish"),
        ("powershell", "_rolex.ps1"),
        ("elvish", "rolex.elv"),
    ] {
        let out = std::process::Command::new(rolex())
            .args(["completions", shell])
            .output()
            .unwrap();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(file);
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == stdout(&out),
            "{} is stale; {REGENERATE}",
            path.display()
        );
    }
}

#[test]
fn man_pages_are_current() {
    let dir = tempfile::tempdir().unwrap();
    ok(&std::process::Command::new(rolex())
        .arg("man")
        .arg(dir.path())
        .output()
        .unwrap());
    let man = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() > 5);
    for name in names {
        let fresh = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        let checked_in = std::fs::read_to_string(man.join(&name)).unwrap_or_default();
        assert!(
            fresh == checked_in,
            "man/{} is stale; {REGENERATE}",
            name.to_string_lossy()
        );
    }
}

//! Puts the git commit into `rolex --version` when built from a checkout
//! (`rolex 0.1.0 (1a2b3c4)`); a build from a source package says only the
//! version. Any trouble with git means the plain version, quietly.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    println!("cargo:rerun-if-changed=build.rs");
    let mut long = version.clone();
    // Only this package's own checkout: never a folder that merely contains it.
    if dir.join(".git").exists() {
        if let Some(commit) = git(&dir, &["rev-parse", "--short", "HEAD"]) {
            long = format!("{version} ({commit})");
        }
        // A new commit moves HEAD or the branch it names; rebuild then.
        if let Some(git_dir) = git(&dir, &["rev-parse", "--absolute-git-dir"]) {
            println!("cargo:rerun-if-changed={git_dir}/HEAD");
        }
        if let (Some(common), Some(head_ref)) = (
            git(
                &dir,
                &["rev-parse", "--path-format=absolute", "--git-common-dir"],
            ),
            git(&dir, &["symbolic-ref", "-q", "HEAD"]),
        ) {
            let loose = Path::new(&common).join(&head_ref);
            if loose.exists() {
                println!("cargo:rerun-if-changed={}", loose.display());
            }
            let packed = Path::new(&common).join("packed-refs");
            if packed.exists() {
                println!("cargo:rerun-if-changed={}", packed.display());
            }
        }
    }
    println!("cargo:rustc-env=ROLEX_VERSION={long}");
}

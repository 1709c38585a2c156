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

/// Packed relative relocations (DT_RELR) for the Linux GNU build: the
/// loader then reads a few kilobytes instead of half a megabyte of relocation
/// records, which is most of a short command's start-up (`rolex prompt` runs
/// at every prompt). It keeps the binary position-independent (ASLR). glibc
/// understands DT_RELR from 2.36 on, so it is used only when the glibc this
/// is built against (and, for `cargo install`, will run with) is that new.
fn pack_relative_relocs() {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || var("HOST") != var("TARGET")
    {
        return;
    }
    let glibc = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| {
            let v = s.trim().strip_prefix("glibc ")?.to_string();
            let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
            Some((parts.next()??, parts.next()??))
        });
    if glibc.is_some_and(|v| v >= (2, 36)) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

fn main() {
    pack_relative_relocs();
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

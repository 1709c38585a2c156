//! `rolex`: the small front binary. It does the two things that run at
//! every prompt or many times a minute, `rolex prompt` and an `exec` whose
//! role session is in the kernel keyring cache, and hands every other
//! command to `rolex-core`, the whole tool, installed beside it.
//!
//! Why two programs: a position-independent binary of 12.6 MB writes some
//! 19,000 pointers at every start (bench/RESULTS.md), most of `rolex
//! prompt`'s time. This one has a few hundred, and keeps address-space
//! randomisation. Its modules are rolex-core's own files, compiled by path,
//! so both programs decide the same way; what the front cannot decide alone
//! (a flag, a cache miss, a question to ask) goes to rolex-core untouched.

// Shared modules: the front uses part of each.
#![allow(dead_code, unused_imports)]

#[path = "../audit.rs"]
mod audit;
#[path = "../aws/credentials.rs"]
mod aws;
mod cache;
#[path = "../config/mod.rs"]
mod config;
#[path = "../env.rs"]
mod env;
#[path = "../error.rs"]
mod error;
mod exec;
#[path = "../output/vars.rs"]
mod output;
#[path = "../process.rs"]
mod process;
#[path = "../profile.rs"]
mod profile;
#[path = "../cmd/prompt.rs"]
mod prompt;
#[path = "../session/expiry.rs"]
mod session;
// For config's own tests: `clippy --all-targets` compiles them here too.
#[cfg(test)]
#[path = "../schema_doc.rs"]
mod schema_doc;
#[path = "../store/files.rs"]
mod store;
#[path = "../template.rs"]
mod template;
#[path = "../terminal.rs"]
mod terminal;

use std::ffi::OsString;

fn main() {
    // Read, not taken: a command handed over gets the environment untouched
    // (rolex-core takes its private variables out itself); a command run
    // here gets them removed (output::apply_to_command).
    let env = env::Env::from_process();
    if let Some(code) = prompt::fast_path(&env) {
        std::process::exit(code);
    }
    let args: Vec<OsString> = std::env::args_os().collect();
    if let Some(code) = exec::fast_path(&env, &args) {
        std::process::exit(code);
    }
    std::process::exit(hand_over(args));
}

/// Runs rolex-core in this process's place with the same arguments (the
/// name it was called by included) and environment.
fn hand_over(args: Vec<OsString>) -> i32 {
    let err = match core_path() {
        Ok(core) => match run_core(&core, &args) {
            Ok(code) => return code,
            Err(e) => format!("cannot run {}: {e}", core.display()),
        },
        Err(e) => e,
    };
    eprintln!("rolex: {}", terminal::printable(&err));
    eprintln!(
        "  hint: rolex is two programs, rolex and rolex-core, installed side by side; `cargo install --locked --path .` installs both"
    );
    1
}

/// rolex-core beside this program (or beside the file it links to), and
/// never this program itself: a copy of the front named rolex-core, or a
/// rolex-core that links to rolex, would otherwise start itself forever.
fn core_path() -> Result<std::path::PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot tell where rolex is: {e}"))?;
    let name = format!("rolex-core{}", std::env::consts::EXE_SUFFIX);
    let not_core = |what: &std::path::Path| {
        format!(
            "cannot run rolex-core: {} is rolex itself, not rolex-core",
            what.display()
        )
    };
    if exe.file_stem().is_some_and(|stem| stem == "rolex-core") {
        return Err(not_core(&exe));
    }
    let mut core = exe.with_file_name(&name);
    if !core.exists()
        && let Ok(real) = exe.canonicalize()
    {
        core = real.with_file_name(&name);
    }
    match (core.canonicalize(), exe.canonicalize()) {
        (Ok(a), Ok(b)) if a == b => Err(not_core(&core)),
        _ => Ok(core),
    }
}

#[cfg(unix)]
fn run_core(core: &std::path::Path, args: &[OsString]) -> std::io::Result<i32> {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(core);
    if let Some(arg0) = args.first() {
        cmd.arg0(arg0);
    }
    Err(cmd.args(args.iter().skip(1)).exec())
}

#[cfg(not(unix))]
fn run_core(core: &std::path::Path, args: &[OsString]) -> std::io::Result<i32> {
    let status = std::process::Command::new(core)
        .args(args.iter().skip(1))
        .status()?;
    Ok(status.code().unwrap_or(1))
}

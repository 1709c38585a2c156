//! End-to-end tests: the built `rolex` binary against a moto server, a real
//! Secret Service (when the test runner provides one) and real shells.

#![cfg(unix)] // the tests drive Unix shells, tmux and a Secret Service

mod harness;
mod world;

mod aws_config;
mod cache;
mod completion;
mod console;
mod core;
mod docs;
mod errors;
mod first_run;
mod front;
mod generated;
mod hardening;
mod help;
mod organization;
mod secrets;
mod server;
mod shells;
mod sources;
mod tools;

/// The hook files against a fake binary, in real shells (tests/shell-fake).
#[test]
fn hooks_pass_their_own_checks_against_a_fake_binary() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shell-fake/check.sh");
    let out = std::process::Command::new("bash")
        .arg(script)
        .output()
        .unwrap();
    world::ok(&out);
}

//! rolex-core: switch from an IAM user to IAM roles in other AWS accounts,
//! with MFA. The whole tool; the small `rolex` front binary (src/front)
//! hands it every command it does not do itself.

/// `print!` to stdout that returns an error (a closed pipe) instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)?
    }};
}

/// `println!` to stdout that returns an error (a closed pipe) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod audit;
mod aws;
mod browser;
mod cache;
mod cli;
mod cmd;
mod config;
mod endpoint;
mod env;
mod error;
mod mfa;
mod output;
mod process;
mod profile;
#[cfg(test)]
mod schema_doc;
mod session;
mod shell;
mod signin;
mod source;
mod store;
mod template;
mod terminal;

fn main() {
    // First, while this is the only thread: rolex's private variables move
    // from the process environment into the snapshot.
    let env = env::Env::take_from_process();
    // `rolex prompt` runs at every prompt: skip building the whole CLI.
    if let Some(code) = cmd::prompt_fast_path(&env) {
        std::process::exit(code);
    }
    let result = cmd::parse().and_then(|cli| cmd::run(cli, &env));
    std::process::exit(error::exit_code(result));
}

//! rolex: switch from an IAM user to IAM roles in other AWS accounts, with MFA.

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
mod cli;
mod cmd;
mod config;
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
mod source;
mod store;
mod template;

fn main() {
    // `rolex prompt` runs at every prompt: skip building the whole CLI.
    if let Some(code) = cmd::prompt_fast_path() {
        std::process::exit(code);
    }
    let env = env::Env::from_process();
    let result = cmd::parse().and_then(|cli| cmd::run(cli, &env));
    std::process::exit(error::exit_code(result));
}

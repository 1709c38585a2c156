//! rolex: switch from an IAM user to IAM roles in other AWS accounts, with MFA.

mod aws;
mod cli;
mod cmd;
mod config;
mod env;
mod error;
mod mfa;
mod output;
mod profile;
mod session;
mod shell;
mod source;
mod store;
mod template;

fn main() {
    let cli = <cli::Cli as clap::Parser>::parse();
    let env = env::Env::from_process();
    std::process::exit(error::exit_code(cmd::run(cli, &env)));
}

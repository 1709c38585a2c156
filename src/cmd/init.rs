//! `init`, `completions` and the hidden `man`: text generated from rolex
//! itself, with no profile file, store or SDK.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionShell, Shell};
use crate::error::failed;

pub fn init(shell: Shell, prompt: bool) -> anyhow::Result<i32> {
    let exe = std::env::current_exe()
        .map_err(|e| failed(format!("cannot tell where the rolex binary is: {e}")))?;
    out!(
        "{}",
        crate::shell::init(shell, &exe.to_string_lossy(), prompt)
    );
    Ok(0)
}

pub fn completions(shell: CompletionShell) -> anyhow::Result<i32> {
    use clap_complete::Shell as S;
    let s = match shell {
        CompletionShell::Bash => S::Bash,
        CompletionShell::Zsh => S::Zsh,
        CompletionShell::Fish => S::Fish,
        CompletionShell::Powershell => S::PowerShell,
        CompletionShell::Elvish => S::Elvish,
    };
    clap_complete::generate(s, &mut Cli::command(), "rolex", &mut std::io::stdout());
    Ok(0)
}

pub fn man(dir: &Path) -> anyhow::Result<i32> {
    std::fs::create_dir_all(dir)?;
    // The plain version: man pages must not change with every commit.
    clap_mangen::generate_to(Cli::command().version(env!("CARGO_PKG_VERSION")), dir)?;
    Ok(0)
}

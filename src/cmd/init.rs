//! `init`, `completions` and `man`: text generated from rolex itself, with
//! no profile file, store or SDK; and the role names for completion.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionShell, Shell};
use crate::error::failed;

pub fn init(shell: Shell, prompt: bool) -> anyhow::Result<i32> {
    let exe = super::rolex_exe()
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
    let mut script = Vec::new();
    clap_complete::generate(s, &mut Cli::command(), "rolex", &mut script);
    let script = String::from_utf8(script)?;
    out!("{}", with_role_names(shell, &script));
    Ok(0)
}

/// Adds completion of role names (from `rolex __complete-roles`) to clap's
/// static script: bash and fish get a function around it, zsh's ROLE
/// arguments call `_rolex_roles` instead of `_default`.
fn with_role_names(shell: CompletionShell, script: &str) -> String {
    match shell {
        CompletionShell::Bash => {
            format!("{script}{}", include_str!("../shell/complete/roles.bash"))
        }
        CompletionShell::Fish => {
            format!("{script}{}", include_str!("../shell/complete/roles.fish"))
        }
        CompletionShell::Zsh => {
            let end = "if [ \"$funcstack[1]\" = \"_rolex\" ]; then";
            let mut out = String::new();
            for line in script.lines() {
                let t = line.trim_start();
                if line == end {
                    out.push_str(include_str!("../shell/complete/roles.zsh"));
                }
                if t.starts_with("'::role -- ") || t.starts_with("':role -- ") {
                    out.push_str(&line.replace(":_default'", ":_rolex_roles'"));
                } else {
                    out.push_str(line);
                }
                out.push('\n');
            }
            out
        }
        CompletionShell::Powershell | CompletionShell::Elvish => script.to_string(),
    }
}

/// The role names of the profile file, one a line, for shell completion;
/// nothing (and exit 0) when the file cannot be read: a completion must
/// never print errors into the command line.
pub fn complete_roles(env: &crate::env::Env) -> anyhow::Result<i32> {
    if let Ok(config) = crate::config::load(env) {
        for name in config.roles.keys() {
            outln!("{name}");
        }
    }
    Ok(0)
}

/// `man/rolex.5`, the profile file's reference as a man page.
pub const PROFILE_FILE_PAGE: &str = include_str!("../../man/rolex.5");

pub fn man(dir: &Path) -> anyhow::Result<i32> {
    std::fs::create_dir_all(dir)?;
    // The plain version: man pages must not change with every commit.
    clap_mangen::generate_to(Cli::command().version(env!("CARGO_PKG_VERSION")), dir)?;
    // The profile file's page is written by hand (clap makes section 1 only).
    std::fs::write(dir.join("rolex.5"), PROFILE_FILE_PAGE)?;
    Ok(0)
}

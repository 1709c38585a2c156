//! Shell integration: the init hooks (real script files, included at build
//! time), the scripts `switch` and `exit` print for the hook to eval, and the
//! terminal that prompts use.

use crate::cli::{EnvFormat, Shell};
use crate::env::{Env, Saved};
use crate::error::{UserError, failed};
use crate::output::{self, assign_all, fish_quote, pwsh_quote, sh_quote};

const BASH: &str = include_str!("rolex.bash");
const ZSH: &str = include_str!("rolex.zsh");
const FISH: &str = include_str!("rolex.fish");
const PWSH: &str = include_str!("rolex.ps1");
const PROMPT_BASH: &str = include_str!("prompt.bash");
const PROMPT_ZSH: &str = include_str!("prompt.zsh");
const PROMPT_FISH: &str = include_str!("prompt.fish");
const PROMPT_PWSH: &str = include_str!("prompt.ps1");

/// The hook for `shell`, calling the binary at `exe`.
pub fn init(shell: Shell, exe: &str, prompt: bool) -> String {
    let (hook, prompt_hook, quoted) = match shell {
        Shell::Bash => (BASH, PROMPT_BASH, sh_quote(exe)),
        Shell::Zsh => (ZSH, PROMPT_ZSH, sh_quote(exe)),
        Shell::Fish => (FISH, PROMPT_FISH, fish_quote(exe)),
        Shell::Pwsh => (PWSH, PROMPT_PWSH, pwsh_quote(exe)),
    };
    let mut out = hook.replace("@ROLEX@", &quoted);
    if prompt {
        out.push('\n');
        out.push_str(&prompt_hook.replace("@ROLEX@", &quoted));
    }
    out
}

/// The shell the hook said it is, as an output format.
pub fn hook_format(env: &Env) -> Option<EnvFormat> {
    match env.non_empty(crate::env::HOOK_VAR)? {
        "bash" | "zsh" | "sh" => Some(EnvFormat::Sh),
        "fish" => Some(EnvFormat::Fish),
        "pwsh" => Some(EnvFormat::Pwsh),
        _ => None,
    }
}

fn set_saved(shell: EnvFormat, saved: &Saved) -> String {
    let v = saved.encode();
    match shell {
        EnvFormat::Fish => format!("set -g __rolex_saved '{v}'\n"),
        EnvFormat::Pwsh => format!("$global:__rolex_saved = '{v}'\n"),
        _ => format!("__rolex_saved='{v}'\n"),
    }
}

fn clear_saved(shell: EnvFormat) -> String {
    match shell {
        EnvFormat::Fish => "set -e -g __rolex_saved\n".into(),
        EnvFormat::Pwsh => {
            "Remove-Variable -Scope Global -ErrorAction SilentlyContinue __rolex_saved\n".into()
        }
        _ => "unset __rolex_saved\n".into(),
    }
}

/// The hook's saved state: `None` before the first switch; an error when it
/// is there but damaged (rolex could not restore it, and will not guess).
pub fn saved_state(env: &Env) -> Result<Option<Saved>, UserError> {
    let Some(text) = env.non_empty(crate::env::SAVED_VAR) else {
        return Ok(None);
    };
    Saved::decode(text).map(Some).ok_or_else(|| {
        failed("the shell's saved state from before the switch is damaged; nothing was changed")
            .hint("close this shell, or `unset __rolex_saved` and set the AWS variables yourself")
    })
}

/// Before the first switch: every role variable must be one rolex can give
/// back exactly (bytes that are not UTF-8 cannot be).
pub fn check_restorable(env: &Env) -> Result<(), UserError> {
    match env.not_utf8() {
        [] => Ok(()),
        names => Err(failed(format!(
            "{} holds bytes that are not UTF-8, so `rolex exit` could not restore it exactly; nothing was changed",
            names.join(", ")
        ))
        .hint("set it to UTF-8 text, or unset it, before switching")),
    }
}

/// What the hook evals after `rolex switch`: remember the state from before
/// the first switch (kept across role-to-role switches), then set every role
/// variable to its value inside the new role.
pub fn switch_script(shell: EnvFormat, env: &Env, inside: &Env) -> String {
    let saved = env.saved().unwrap_or_else(|| Saved::capture(env));
    let mut out = set_saved(shell, &saved);
    out.push_str(&assign_all(shell, inside));
    out
}

/// What the hook evals after `rolex exit`: every role variable back exactly
/// as it was before the first switch.
pub fn exit_script(shell: EnvFormat, saved: &Saved) -> String {
    let mut original = Env::default();
    saved.apply(&mut original);
    let mut out = String::new();
    for (name, value) in &saved.0 {
        out.push_str(&match value {
            Some(v) => output::export_line(shell, name, v),
            None => output::unset_line(shell, name),
        });
    }
    out.push_str(&clear_saved(shell));
    out
}

/// The controlling terminal, for prompts that must work when stdout is
/// captured by the hook or piped: /dev/tty on Unix, the console on Windows.
pub fn tty_term() -> Option<console::Term> {
    let (input, output) = if cfg!(windows) {
        ("CONIN$", "CONOUT$")
    } else {
        ("/dev/tty", "/dev/tty")
    };
    let read = std::fs::OpenOptions::new().read(true).open(input).ok()?;
    let write = std::fs::OpenOptions::new().write(true).open(output).ok()?;
    Some(console::Term::read_write_pair(read, write))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_render_with_a_quoted_path() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Pwsh] {
            let text = init(shell, "/opt/it's here/rolex", true);
            assert!(!text.contains("@ROLEX@"), "{shell:?}");
            let quoted = match shell {
                Shell::Bash | Shell::Zsh => r"'/opt/it'\''s here/rolex'",
                Shell::Fish => r"'/opt/it\'s here/rolex'",
                Shell::Pwsh => "'/opt/it''s here/rolex'",
            };
            assert!(text.contains(quoted), "{shell:?}: {quoted} not in\n{text}");
        }
    }

    /// Brackets of PowerShell text balance outside strings and comments (no
    /// PowerShell can be installed here to parse it for real).
    fn pwsh_brackets_balance(text: &str) -> Result<(), String> {
        let mut stack = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '#' => {
                    for n in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                }
                '\'' => loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                        }
                        Some('\'') => break,
                        Some(_) => {}
                        None => return Err("unterminated '...'".into()),
                    }
                },
                '"' => loop {
                    match chars.next() {
                        Some('`') => {
                            chars.next();
                        }
                        Some('"') => break,
                        Some(_) => {}
                        None => return Err("unterminated \"...\"".into()),
                    }
                },
                '(' | '{' | '[' => stack.push(c),
                ')' | '}' | ']' => {
                    let open = stack.pop().ok_or(format!("{c} without its opening"))?;
                    if !matches!((open, c), ('(', ')') | ('{', '}') | ('[', ']')) {
                        return Err(format!("{open} closed by {c}"));
                    }
                }
                _ => {}
            }
        }
        if stack.is_empty() {
            Ok(())
        } else {
            Err(format!("unclosed {stack:?}"))
        }
    }

    #[test]
    fn pwsh_hook_renders_to_balanced_powershell() {
        for prompt in [false, true] {
            let text = init(Shell::Pwsh, "C:\\Program Files\\it's\\rolex.exe", prompt);
            assert!(text.contains("function global:rolex {"), "{text}");
            assert!(
                text.contains("'C:\\Program Files\\it''s\\rolex.exe'"),
                "{text}"
            );
            pwsh_brackets_balance(&text).unwrap_or_else(|e| panic!("{e} in\n{text}"));
        }
        let before = Env::from_pairs(&[("AWS_PROFILE", "it's")]);
        let inside = Env::from_pairs(&[("ROLEX_ROLE", "prod")]);
        let script = switch_script(EnvFormat::Pwsh, &before, &inside);
        assert!(script.contains("$Env:ROLEX_ROLE = 'prod'"), "{script}");
        assert!(
            script.contains("Remove-Item -ErrorAction SilentlyContinue Env:AWS_PROFILE"),
            "{script}"
        );
        pwsh_brackets_balance(&script).unwrap();
        let back = exit_script(EnvFormat::Pwsh, &Saved::capture(&before));
        assert!(back.contains("$Env:AWS_PROFILE = 'it''s'"), "{back}");
        pwsh_brackets_balance(&back).unwrap();
        assert!(pwsh_brackets_balance("function f { ( }").is_err());
    }

    #[test]
    fn exit_restores_what_switch_saved() {
        let before = Env::from_pairs(&[("AWS_PROFILE", "dev"), ("AWS_REGION", "")]);
        let inside = Env::from_pairs(&[("AWS_ACCESS_KEY_ID", "ASIA"), ("ROLEX_ROLE", "prod")]);
        let script = switch_script(EnvFormat::Sh, &before, &inside);
        assert!(script.contains("unset AWS_PROFILE"));
        assert!(script.contains("export ROLEX_ROLE='prod'"));
        let saved = Saved::capture(&before);
        let back = exit_script(EnvFormat::Sh, &saved);
        assert!(back.contains("export AWS_PROFILE='dev'"));
        assert!(back.contains("export AWS_REGION=''"));
        assert!(back.contains("unset ROLEX_ROLE"));
        assert!(back.ends_with("unset __rolex_saved\n"));
    }
}

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
    if let Some(names) = env.non_empty(crate::env::UNEXPORTED_VAR)
        && !names.trim().is_empty()
    {
        let names: Vec<&str> = names.split_whitespace().collect();
        return Err(failed(format!(
            "{} set in this shell but not exported, so rolex can neither see nor restore it; nothing was changed",
            names.join(", ")
        ))
        .hint("export it, or unset it, before switching"));
    }
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
pub(crate) mod tests {
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
    fn hooks_know_every_role_variable() {
        for (name, hook) in [("bash", BASH), ("zsh", ZSH), ("fish", FISH)] {
            for var in crate::env::ROLE_VARS {
                assert!(
                    hook.contains(&format!(" {var} "))
                        || hook.contains(&format!(" {var};"))
                        || hook.contains(&format!(" {var}\n")),
                    "{name} hook lacks {var}"
                );
            }
        }
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

    /// Runs `script` in `shell` and returns what it printed (the quoting
    /// tests of both hooks and env formats use it).
    pub(crate) fn run_in(shell: &[&str], script: &str) -> String {
        let out = std::process::Command::new(shell[0])
            .args(&shell[1..])
            .arg(script)
            .env("LC_ALL", "C.UTF-8")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Each role variable unset or set to an arbitrary value.
    fn states() -> impl proptest::strategy::Strategy<Value = Vec<Option<String>>> {
        use proptest::prelude::*;
        let value = prop_oneof![
            any::<String>(),
            "[\'\"\\\\$`\n\r\t %{}()=;&|a-z\u{2018}-\u{201b}]{0,12}",
        ]
        .prop_map(|v| v.replace('\0', ""));
        proptest::collection::vec(proptest::option::of(value), crate::env::ROLE_VARS.len())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

        /// Switch saves the shell's state, the state goes through the hook's
        /// variable (encoded) and back, and the exit script run by the real
        /// shell gives every role variable back: set to the same value, or unset.
        #[test]
        fn exit_restores_any_state_in_real_shells(state in states()) {
            let names = crate::env::ROLE_VARS;
            let pairs: Vec<(&str, &str)> = names
                .iter()
                .zip(&state)
                .filter_map(|(n, v)| Some((*n, v.as_deref()?)))
                .collect();
            let before = Env::from_pairs(&pairs);
            let saved = Saved::decode(&Saved::capture(&before).encode()).unwrap();
            // One line a variable: "+" and its value hex-encoded, or "-".
            let report_sh: String = names
                .iter()
                .map(|n| format!("if [ -n \"${{{n}+x}}\" ]; then printf '+%s\\n' \"$(printf %s \"${n}\" | od -An -v -tx1 | tr -d ' \\n')\"; else echo -; fi\n"))
                .collect();
            let report_fish: String = names
                .iter()
                .map(|n| format!("if set -q {n}; printf '+%s\\n' (printf %s \"${n}\" | od -An -v -tx1 | string join '' | string replace -a ' ' ''); else; echo -; end\n"))
                .collect();
            let expected: String = state
                .iter()
                .map(|v| match v {
                    Some(v) => format!("+{}\n", v.bytes().map(|b| format!("{b:02x}")).collect::<String>()),
                    None => "-\n".to_string(),
                })
                .collect();
            // Start from a shell inside some role, with every variable set.
            let inside: String = names
                .iter()
                .map(|n| format!("export {n}=inside-a-role\n"))
                .collect();
            let sh = format!("{inside}{}{report_sh}", exit_script(EnvFormat::Sh, &saved));
            proptest::prop_assert_eq!(&run_in(&["sh", "-c"], &sh), &expected);
            proptest::prop_assert_eq!(&run_in(&["bash", "--norc", "-c"], &sh), &expected);
            if !state.iter().flatten().any(|v| v.chars().any(|c| ('\u{f600}'..='\u{f6ff}').contains(&c))) {
                let inside_fish: String = names
                    .iter()
                    .map(|n| format!("set -gx {n} inside-a-role\n"))
                    .collect();
                let fish = format!("{inside_fish}{}{report_fish}", exit_script(EnvFormat::Fish, &saved));
                proptest::prop_assert_eq!(&run_in(&["fish", "--no-config", "-c"], &fish), &expected);
            }
        }
    }
}

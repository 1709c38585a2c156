//! A session becomes environment variables, and those become text for
//! shells, JSON, dotenv files or `credential_process`.

use serde_json::json;

mod vars;

pub use vars::*;

use crate::aws::Credentials;
use crate::cli::EnvFormat;
use crate::env::{Env, ROLE_VARS};

impl RoleVars {
    /// The role's variables in a format for eval or tools.
    pub fn render(&self, format: EnvFormat) -> String {
        let mut out = String::new();
        match format {
            EnvFormat::Json => {
                let map: serde_json::Map<String, serde_json::Value> = self
                    .set
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect();
                out = serde_json::to_string_pretty(&map).expect("serialises");
                out.push('\n');
            }
            EnvFormat::Dotenv => {
                for (k, v) in &self.set {
                    out.push_str(&format!("{k}={}\n", dotenv_quote(v)));
                }
            }
            shell => {
                for name in &self.unset {
                    out.push_str(&unset_line(shell, name));
                }
                for (k, v) in &self.set {
                    out.push_str(&export_line(shell, k, v));
                }
            }
        }
        out
    }
}

/// Every role variable set to its value in `target`, or removed.
pub fn assign_all(shell: EnvFormat, target: &Env) -> String {
    let mut out = String::new();
    for name in ROLE_VARS {
        out.push_str(&match target.get(name) {
            Some(v) => export_line(shell, name, v),
            None => unset_line(shell, name),
        });
    }
    out
}

pub fn export_line(shell: EnvFormat, name: &str, value: &str) -> String {
    match shell {
        EnvFormat::Fish => format!("set -gx {name} {}\n", fish_quote(value)),
        EnvFormat::Pwsh => format!("$Env:{name} = {}\n", pwsh_quote(value)),
        _ => format!("export {name}={}\n", sh_quote(value)),
    }
}

pub fn unset_line(shell: EnvFormat, name: &str) -> String {
    match shell {
        EnvFormat::Fish => format!("set -e -g {name}\n"),
        EnvFormat::Pwsh => format!("Remove-Item -ErrorAction SilentlyContinue Env:{name}\n"),
        _ => format!("unset {name}\n"),
    }
}

/// POSIX single quotes: nothing inside is special but `'` itself.
pub fn sh_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', r"'\''"))
}

/// fish single quotes: `\` and `'` are escaped.
pub fn fish_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell single quotes: PowerShell takes `'` and the typographic
/// quotes U+2018..U+201B all as single quotes; each is doubled.
pub fn pwsh_quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('\'');
    for c in v.chars() {
        if matches!(c, '\'' | '\u{2018}'..='\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A dotenv value that POSIX sh reads back exactly (`set -a; . FILE`), as
/// do dotenv readers that follow sh quoting: bare when it has only safe
/// characters, else in single quotes, else (a `'` or a line break inside) in
/// double quotes with `\`, `"`, `$` and `` ` `` escaped.
fn dotenv_quote(v: &str) -> String {
    if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/+=@,".contains(c))
    {
        v.to_string()
    } else if !v.contains('\'') && !v.contains('\n') {
        format!("'{v}'")
    } else {
        let mut out = String::with_capacity(v.len() + 8);
        out.push('"');
        for c in v.chars() {
            if matches!(c, '\\' | '"' | '$' | '`') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }
}

/// AWS `credential_process` output, Version 1.
pub fn credential_process(creds: &Credentials) -> String {
    let mut v = json!({
        "Version": 1,
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
    });
    if let Some(t) = &creds.session_token {
        v["SessionToken"] = json!(t);
    }
    if let Some(e) = &creds.expiration {
        v["Expiration"] = json!(e);
    }
    serde_json::to_string(&v).expect("serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::tests::run_in;
    use std::process::Command;

    const NASTY: &str = "a'b\"c$HOME`x` \\n\\ $(false) \n end";

    #[cfg(unix)]
    #[test]
    fn sh_quoting_round_trips_through_a_real_shell() {
        let script = format!("{}printf %s \"$X\"", export_line(EnvFormat::Sh, "X", NASTY));
        let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), NASTY);
    }

    #[cfg(unix)]
    #[test]
    fn fish_quoting_round_trips_through_fish() {
        // tests/run.sh installs fish; a missing fish is a failure, not a pass.
        let script = format!(
            "{}printf %s \"$X\"",
            export_line(EnvFormat::Fish, "X", NASTY)
        );
        let out = Command::new("fish")
            .arg("--no-config")
            .arg("-c")
            .arg(script)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), NASTY);
    }

    #[test]
    fn pwsh_and_dotenv_quoting() {
        assert_eq!(pwsh_quote("it's $x"), "'it''s $x'");
        assert_eq!(dotenv_quote("AKIA/x+y="), "AKIA/x+y=");
        assert_eq!(dotenv_quote("a $b"), "'a $b'");
        assert_eq!(dotenv_quote("it's $b"), "\"it's \\$b\"");
        assert_eq!(dotenv_quote("it's `id`"), "\"it's \\`id\\`\"");
        assert_eq!(
            pwsh_quote("a\u{2018}b\u{201b}c"),
            "'a\u{2018}\u{2018}b\u{201b}\u{201b}c'"
        );
    }

    /// Reads a PowerShell single-quoted literal the way PowerShell's
    /// tokenizer does: any of `'` U+2018..U+201B opens and closes it, and
    /// one doubled stands for itself. `None` if `text` is not one literal.
    fn pwsh_unquote(text: &str) -> Option<String> {
        let is_quote = |c: char| matches!(c, '\'' | '\u{2018}'..='\u{201b}');
        let mut chars = text.chars().peekable();
        if !chars.next().is_some_and(is_quote) {
            return None;
        }
        let mut out = String::new();
        while let Some(c) = chars.next() {
            if is_quote(c) {
                match chars.next() {
                    Some(d) if is_quote(d) => out.push(d),
                    None => return Some(out),
                    Some(_) => return None,
                }
            } else {
                out.push(c);
            }
        }
        None
    }

    /// Values of every kind: random Unicode, and random mixes of the
    /// characters that mean something to some shell or format.
    fn hostile() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(
                prop::sample::select(vec![
                    "'", "\"", "\\", "$", "`", "$(", "${", "\n", "\r", "\t", " ", "#", ";", "&",
                    "|", "%", "!", "\u{1b}", "\u{2018}", "\u{2019}", "\u{201a}", "\u{201b}",
                    "\u{201c}", "a", "é", "=", "*", "~",
                ]),
                0..24,
            )
            .prop_map(|parts| parts.concat()),
        ]
        .prop_map(|s| s.replace('\0', ""))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        #[test]
        fn every_format_round_trips_any_value(v in hostile()) {
            let sh = format!("{}printf %s \"$X\"", export_line(EnvFormat::Sh, "X", &v));
            proptest::prop_assert_eq!(&run_in(&["sh", "-c"], &sh), &v);
            proptest::prop_assert_eq!(&run_in(&["bash", "--norc", "-c"], &sh), &v);

            let vars = RoleVars { set: vec![("X".into(), v.clone())], unset: vec![] };
            let dotenv = vars.render(EnvFormat::Dotenv);
            let sourced = format!("set -a\n{dotenv}printf %s \"$X\"");
            proptest::prop_assert_eq!(&run_in(&["sh", "-c"], &sourced), &v);
            proptest::prop_assert_eq!(&run_in(&["bash", "--norc", "-c"], &sourced), &v);

            // fish keeps U+F600..U+F6FF for bytes it cannot decode and prints
            // them as those bytes: no quoting can carry them through fish.
            if !v.chars().any(|c| ('\u{f600}'..='\u{f6ff}').contains(&c)) {
                let fish = format!("{}printf %s \"$X\"", export_line(EnvFormat::Fish, "X", &v));
                proptest::prop_assert_eq!(&run_in(&["fish", "--no-config", "-c"], &fish), &v);
            }

            // No PowerShell here: the literal must read back by its rules.
            let pwsh = export_line(EnvFormat::Pwsh, "X", &v);
            let literal = pwsh.strip_prefix("$Env:X = ").and_then(|l| l.strip_suffix('\n'));
            proptest::prop_assert_eq!(literal.and_then(pwsh_unquote), Some(v.clone()));
        }
    }
}

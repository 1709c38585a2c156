//! A session becomes environment variables, and those become text for
//! shells, JSON, dotenv files or `credential_process`.

use serde_json::json;

use crate::aws::Credentials;
use crate::cli::EnvFormat;
use crate::env::{Env, ROLE_VARS};
use crate::profile::Plan;

/// The variables a role sets (name, value) and removes (SPEC "Inside a role").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleVars {
    pub set: Vec<(String, String)>,
    pub unset: Vec<String>,
}

impl RoleVars {
    pub fn new(plan: &Plan, creds: &Credentials, original: &Env) -> Self {
        let mut set = vec![
            ("AWS_ACCESS_KEY_ID".to_string(), creds.access_key_id.clone()),
            (
                "AWS_SECRET_ACCESS_KEY".to_string(),
                creds.secret_access_key.clone(),
            ),
        ];
        let mut unset = vec![
            "AWS_PROFILE".to_string(),
            "AWS_DEFAULT_PROFILE".to_string(),
            "AWS_SECURITY_TOKEN".to_string(),
        ];
        match &creds.session_token {
            Some(t) => set.push(("AWS_SESSION_TOKEN".into(), t.clone())),
            None => unset.push("AWS_SESSION_TOKEN".into()),
        }
        for name in ["AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION"] {
            match &creds.expiration {
                Some(e) => set.push((name.into(), e.clone())),
                None => unset.push(name.into()),
            }
        }
        let region = plan
            .region
            .clone()
            .or_else(|| original.non_empty("AWS_REGION").map(str::to_string))
            .or_else(|| original.non_empty("AWS_DEFAULT_REGION").map(str::to_string));
        if let Some(r) = region {
            set.push(("AWS_REGION".into(), r.clone()));
            set.push(("AWS_DEFAULT_REGION".into(), r));
        }
        set.push(("ROLEX_ROLE".into(), plan.role.clone()));
        set.push(("ROLEX_ACCOUNT".into(), plan.account.clone()));
        match &plan.account_alias {
            Some(a) => set.push(("ROLEX_ACCOUNT_ALIAS".into(), a.clone())),
            None => unset.push("ROLEX_ACCOUNT_ALIAS".into()),
        }
        match &plan.color {
            Some(c) => set.push(("ROLEX_COLOR".into(), c.clone())),
            None => unset.push("ROLEX_COLOR".into()),
        }
        Self { set, unset }
    }

    /// The environment inside the role, starting from `original`.
    pub fn apply(&self, original: &Env) -> Env {
        let mut env = original.clone();
        for name in &self.unset {
            env.remove(name);
        }
        for (k, v) in &self.set {
            env.set(k, v.clone());
        }
        env
    }

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

/// Variables of rolex's own that no child process gets: the hook's saved
/// state (it can hold the original keys) and the file store's passphrase.
pub const PRIVATE_VARS: &[&str] = &[
    crate::env::SAVED_VAR,
    crate::env::HOOK_VAR,
    "ROLEX_FILE_PASSPHRASE",
];

/// Gives a child process the environment `inside`: the role variables set or
/// removed as there, rolex's private ones removed, everything else inherited
/// untouched (variables that are not UTF-8 included).
pub fn apply_to_command(cmd: &mut std::process::Command, inside: &Env) {
    for name in ROLE_VARS {
        match inside.get(name) {
            Some(v) => cmd.env(name, v),
            None => cmd.env_remove(name),
        };
    }
    for name in PRIVATE_VARS {
        cmd.env_remove(name);
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

/// PowerShell single quotes: `'` is doubled.
pub fn pwsh_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

fn dotenv_quote(v: &str) -> String {
    if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/+=@,".contains(c))
    {
        v.to_string()
    } else if !v.contains('\'') && !v.contains('\n') {
        format!("'{v}'")
    } else {
        let escaped = v
            .replace('\\', r"\\")
            .replace('"', "\\\"")
            .replace('\n', r"\n")
            .replace('$', r"\$");
        format!("\"{escaped}\"")
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
    }
}

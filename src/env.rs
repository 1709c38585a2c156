//! The environment is an input: every command reads variables through an
//! [`Env`] snapshot, never through `std::env` directly, so tests and the shell
//! hook's saved state can stand in for the process environment.

use std::collections::BTreeMap;

/// Variables that a role sets or removes; the hook remembers the previous
/// value of each before a switch so that `rolex exit` can restore it exactly.
pub const ROLE_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "ROLEX_ROLE",
    "ROLEX_ACCOUNT",
    "ROLEX_ACCOUNT_ALIAS",
    "ROLEX_COLOR",
    "ROLEX_SUBSHELL",
];

/// Set by the shell hook on each call: which shell evaluates our output.
pub const HOOK_VAR: &str = "ROLEX_HOOK";
/// Set by the shell hook on each call: the state from before the first switch,
/// opaque to the shell. Never passed on to a child process.
pub const SAVED_VAR: &str = "__ROLEX_SAVED";

/// rolex's own variables, which may hold secrets (the hook's saved state can
/// hold the shell's original long-term keys; the file store's passphrase).
/// rolex reads them from its [`Env`] snapshot; no process that rolex causes
/// to run gets them, whether rolex starts it or the AWS SDK does (an AWS
/// profile's `credential_process`).
pub const PRIVATE_VARS: &[&str] = &[SAVED_VAR, HOOK_VAR, UNEXPORTED_VAR, "ROLEX_FILE_PASSPHRASE"];

/// Set by the shell hook on `switch`: the role variables the shell has but
/// does not export (rolex cannot see them, so it could not restore them).
pub const UNEXPORTED_VAR: &str = "__ROLEX_UNEXPORTED";

/// A snapshot of environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// Role variables that were set to bytes that are not UTF-8 (left out
    /// of `vars`): a switch could not give them back exactly.
    not_utf8: Vec<String>,
}

impl Env {
    /// The process environment, taken once at the very start of `main`:
    /// the snapshot keeps rolex's [`PRIVATE_VARS`], the process's own
    /// environment loses them, so that nothing rolex starts, directly or
    /// through the AWS SDK, can inherit them.
    pub fn take_from_process() -> Self {
        let env = Self::from_process();
        hide_private_vars();
        env
    }

    /// The process environment (variables that are not UTF-8 are skipped).
    pub fn from_process() -> Self {
        let mut not_utf8 = Vec::new();
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| {
                let k = k.into_string().ok()?;
                match v.into_string() {
                    Ok(v) => Some((k, v)),
                    Err(_) => {
                        if ROLE_VARS.contains(&k.as_str()) {
                            not_utf8.push(k);
                        }
                        None
                    }
                }
            })
            .collect();
        Self { vars, not_utf8 }
    }

    /// Role variables set to bytes that are not UTF-8.
    pub fn not_utf8(&self) -> &[String] {
        &self.not_utf8
    }

    #[cfg(test)]
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Self {
            vars: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            not_utf8: Vec::new(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// A variable that is set and not empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.vars.insert(name.to_string(), value.into());
    }

    pub fn remove(&mut self, name: &str) {
        self.vars.remove(name);
    }

    /// The saved pre-switch values of the role variables, as handed to us by
    /// the shell hook (`None` when the hook saved nothing).
    pub fn saved(&self) -> Option<Saved> {
        self.non_empty(SAVED_VAR).and_then(Saved::decode)
    }

    /// The environment as it stood before any role was switched to in this
    /// shell: the hook's saved values put back, or, without them (a subshell or
    /// a bare `eval $(rolex env)`), the role's variables taken away.
    pub fn original(&self) -> Env {
        let mut env = self.clone();
        env.remove(SAVED_VAR);
        env.remove(HOOK_VAR);
        if let Some(saved) = self.saved() {
            saved.apply(&mut env);
        } else if self.non_empty("ROLEX_ROLE").is_some() {
            for name in ROLE_VARS {
                env.remove(name);
            }
        }
        env
    }
}

/// Takes [`PRIVATE_VARS`] out of this process's environment.
#[allow(unsafe_code, clippy::disallowed_methods)]
fn hide_private_vars() {
    for name in PRIVATE_VARS {
        if std::env::var_os(name).is_some() {
            // SAFETY: the only caller is `Env::take_from_process`, called
            // first thing in `main`, before rolex or any library has started
            // a thread (the tokio runtime, the SDK and the secret store are
            // all created later), so no other thread can be reading the
            // environment while it changes.
            unsafe { std::env::remove_var(name) };
        }
    }
}

/// The exact previous state (set to a value, or unset) of every role variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved(pub BTreeMap<String, Option<String>>);

impl Saved {
    /// Records the current state of every role variable.
    pub fn capture(env: &Env) -> Self {
        Self(
            ROLE_VARS
                .iter()
                .map(|n| (n.to_string(), env.get(n).map(str::to_string)))
                .collect(),
        )
    }

    pub fn apply(&self, env: &mut Env) {
        for (name, value) in &self.0 {
            match value {
                Some(v) => env.set(name, v.clone()),
                None => env.remove(name),
            }
        }
    }

    /// A compact form made of `[A-Za-z0-9_.=-]` only, so it is safe inside
    /// single quotes in every shell: `NAME=-` for unset, `NAME=+HEX` for a value.
    pub fn encode(&self) -> String {
        let mut out = Vec::new();
        for (name, value) in &self.0 {
            match value {
                None => out.push(format!("{name}=-")),
                Some(v) => {
                    let hex: String = v.bytes().map(|b| format!("{b:02x}")).collect();
                    out.push(format!("{name}=+{hex}"));
                }
            }
        }
        out.join(".")
    }

    /// The state back from [`Saved::encode`]; `None` for anything else,
    /// including names that are not role variables (they would be written
    /// into shell code by `exit`) and names given twice.
    pub fn decode(text: &str) -> Option<Self> {
        let mut map = BTreeMap::new();
        for item in text.split('.') {
            let (name, value) = item.split_once('=')?;
            if !ROLE_VARS.contains(&name) || map.contains_key(name) {
                return None;
            }
            let value = match value.strip_prefix('+') {
                Some(hex) => {
                    if hex.len() % 2 != 0 {
                        return None;
                    }
                    let bytes: Option<Vec<u8>> = (0..hex.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                        .collect();
                    Some(String::from_utf8(bytes?).ok()?)
                }
                None if value == "-" => None,
                None => return None,
            };
            map.insert(name.to_string(), value);
        }
        Some(Self(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_round_trips_awkward_values() {
        let env = Env::from_pairs(&[
            ("AWS_PROFILE", "it's $HOME \"x\" \n y"),
            ("AWS_REGION", ""),
            ("AWS_ACCESS_KEY_ID", "AKIA.=+-"),
        ]);
        let saved = Saved::capture(&env);
        let text = saved.encode();
        assert!(
            text.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.=+-".contains(c))
        );
        assert_eq!(Saved::decode(&text), Some(saved.clone()));
        assert_eq!(saved.0["AWS_REGION"], Some(String::new()));
        assert_eq!(saved.0["AWS_SESSION_TOKEN"], None);
    }

    #[test]
    fn saved_state_names_only_role_variables() {
        assert!(Saved::decode("AWS_PROFILE=+6465").is_some());
        for bad in [
            "X;touch${IFS}/tmp/p=-",
            "PATH=+2f",
            "AWS_PROFILE=-.AWS_PROFILE=+64",
            "AWS_PROFILE",
            "AWS_PROFILE=+6",
            "AWS_PROFILE=+ff",
            "",
        ] {
            assert_eq!(Saved::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn original_puts_saved_values_back() {
        let before = Env::from_pairs(&[("AWS_PROFILE", "dev"), ("HOME", "/h")]);
        let saved = Saved::capture(&before);
        let mut now = before.clone();
        now.remove("AWS_PROFILE");
        now.set("AWS_ACCESS_KEY_ID", "ASIAROLE");
        now.set("ROLEX_ROLE", "prod");
        now.set(SAVED_VAR, saved.encode());
        assert_eq!(now.original(), before);
    }

    #[test]
    fn original_without_saved_state_drops_role_vars() {
        let env = Env::from_pairs(&[
            ("ROLEX_ROLE", "prod"),
            ("AWS_ACCESS_KEY_ID", "ASIA"),
            ("X", "1"),
        ]);
        assert_eq!(env.original(), Env::from_pairs(&[("X", "1")]));
    }
}

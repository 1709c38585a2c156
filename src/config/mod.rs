//! The profile file: its TOML schema ([`schema`]), loading with `include`
//! ([`files`]), and the checks that turn it into a [`Config`] ([`build`],
//! [`role`], [`values`]), every mistake an error naming the file, line and
//! column.

mod build;
mod files;
mod role;
mod schema;
#[cfg(test)]
mod tests;
mod values;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::error::{UserError, usage};

#[cfg(test)]
pub(crate) use schema::schema_tables;
pub use values::{is_region, parse_role_arn, role_duration, unknown};

/// Role session lengths STS accepts: 15 minutes to 12 hours.
pub const ROLE_DURATION: Range<u32> = 900..43201;
/// GetSessionToken lengths STS accepts for an IAM user: 15 minutes to 36 hours.
pub const MFA_SESSION_DURATION: Range<u32> = 900..129601;
/// Prompt colours a role may name.
pub const COLORS: &[&str] = &[
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
];

const DEFAULT_DURATION: u32 = 3600;
const DEFAULT_MFA_SESSION: u32 = 12 * 3600;
const DEFAULT_SESSION_NAME: &str = "{user}";

/// The merged, checked profile file(s).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The main file (absent when there is none: zero configuration).
    pub path: Option<PathBuf>,
    pub defaults: Defaults,
    pub sources: BTreeMap<String, Source>,
    /// Alias -> 12-digit account id.
    pub accounts: BTreeMap<String, String>,
    pub roles: BTreeMap<String, Role>,
}

impl Config {
    /// ROLE as given, else the shell's active role (`ROLEX_ROLE`), else
    /// `defaults.role`.
    pub fn role_to_use(&self, role: Option<String>, env: &Env) -> Option<String> {
        role.or_else(|| env.non_empty("ROLEX_ROLE").map(str::to_string))
            .or_else(|| self.defaults.role.clone())
    }

    /// Whether `role` is a role of the profile file or a role ARN.
    pub fn names_role(&self, role: &str) -> bool {
        self.roles.contains_key(role) || parse_role_arn(role).is_some()
    }
}

#[derive(Debug, Clone)]
pub struct Defaults {
    pub source: Option<String>,
    pub region: Option<String>,
    pub duration: u32,
    pub session_name: String,
    pub role: Option<String>,
    /// A cached session is reused until this many seconds before it expires.
    pub cache_margin: u32,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            source: None,
            region: None,
            duration: DEFAULT_DURATION,
            session_name: DEFAULT_SESSION_NAME.into(),
            role: None,
            cache_margin: 300,
        }
    }
}

/// Where a source's long-term credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// The secret store, filled by `rolex add`.
    Store,
    /// The AWS_* credentials the shell had before any role.
    Env,
    /// A profile of the AWS shared config/credentials files.
    AwsProfile(String),
    /// The AWS default credential chain as it stood before any role.
    DefaultChain,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub kind: SourceKind,
    pub mfa_serial: Option<String>,
    pub mfa_command: Option<String>,
    /// GetSessionToken length; `None` = "off", MFA on every AssumeRole.
    pub mfa_session: Option<u32>,
    /// The profile file that defines it (none for the implicit source).
    pub file: Option<PathBuf>,
}

impl Source {
    /// The implicit source of a profile file with no `[sources]`.
    pub fn default_chain() -> Self {
        Self {
            name: "default".into(),
            kind: SourceKind::DefaultChain,
            mfa_serial: None,
            mfa_command: None,
            mfa_session: None,
            file: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub arn: String,
    pub account: String,
    /// The alias the file used for the account, if any (for the prompt).
    pub account_alias: Option<String>,
    pub source: String,
    pub mfa: bool,
    pub duration: u32,
    pub region: Option<String>,
    pub external_id: Option<String>,
    pub source_identity: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub confirm: bool,
    pub require_reason: bool,
    pub color: Option<String>,
    pub via: Option<String>,
    pub description: Option<String>,
    pub session_name: String,
}

/// Where the profile file is (SPEC "Profile file").
pub fn config_path(env: &Env) -> Option<PathBuf> {
    if let Some(p) = env.non_empty("ROLEX_CONFIG") {
        return Some(PathBuf::from(p));
    }
    if cfg!(windows) {
        return env
            .non_empty("APPDATA")
            .map(PathBuf::from)
            .or_else(dirs::config_dir)
            .map(|d| d.join("rolex").join("config.toml"));
    }
    if let Some(x) = env.non_empty("XDG_CONFIG_HOME") {
        return Some(Path::new(x).join("rolex").join("config.toml"));
    }
    // ~/.config on macOS too (SPEC), so not dirs::config_dir; dirs only
    // finds the home folder when HOME is not set.
    home(env).map(|h| h.join(".config").join("rolex").join("config.toml"))
}

/// The home folder: HOME, else what the OS says.
pub fn home(env: &Env) -> Option<PathBuf> {
    env.non_empty("HOME")
        .map(PathBuf::from)
        .or_else(dirs::home_dir)
}

/// Loads the profile file; a missing default file means zero configuration,
/// a missing file named by `ROLEX_CONFIG` is an error.
pub fn load(env: &Env) -> Result<Config, UserError> {
    let Some(path) = config_path(env) else {
        return build::build(&[]);
    };
    if !path.exists() {
        if env.non_empty("ROLEX_CONFIG").is_some() {
            return Err(usage(format!(
                "{}: no such profile file (from ROLEX_CONFIG)",
                path.display()
            ))
            .hint("create it, or unset ROLEX_CONFIG to use the default location"));
        }
        return Ok(Config {
            path: Some(path),
            ..build::build(&[])?
        });
    }
    let files = files::read_all(&path)?;
    let mut config = build::build(&files)?;
    config.path = Some(path);
    Ok(config)
}

/// Parses a profile file given as text (for tests and `doctor`-like checks).
/// Parses a profile file given as text (for tests and `doctor`-like checks).
#[cfg(test)]
pub fn parse(path: &str, text: &str) -> Result<Config, UserError> {
    let file = schema::FileText {
        path: path.into(),
        text: text.into(),
    };
    let raw = schema::parse_raw(&file)?;
    build::build(&[(file, raw)])
}

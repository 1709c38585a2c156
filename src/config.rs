//! The profile file: its TOML schema, loading (with `include`), and checks
//! that turn every mistake into an error naming the file, line and column.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::env::Env;
use crate::error::{UserError, usage};
use crate::template;

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

// ---- the file as written ----

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    include: Vec<Spanned<String>>,
    defaults: Option<RawDefaults>,
    #[serde(default)]
    sources: BTreeMap<Spanned<String>, RawSource>,
    #[serde(default)]
    accounts: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    roles: BTreeMap<Spanned<String>, RawRole>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    source: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    duration: Option<Spanned<String>>,
    session_name: Option<Spanned<String>>,
    role: Option<Spanned<String>>,
    cache_margin: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    from: Option<Spanned<String>>,
    mfa_serial: Option<Spanned<String>>,
    mfa_command: Option<String>,
    mfa_session: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    account: Option<Spanned<String>>,
    role: Spanned<String>,
    source: Option<Spanned<String>>,
    mfa: Option<bool>,
    duration: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    external_id: Option<String>,
    source_identity: Option<Spanned<String>>,
    tags: Option<BTreeMap<String, Spanned<String>>>,
    confirm: Option<bool>,
    require_reason: Option<bool>,
    color: Option<Spanned<String>>,
    via: Option<Spanned<String>>,
    description: Option<String>,
    session_name: Option<Spanned<String>>,
}

/// The keys of each table of the profile file, for the documentation test.
#[cfg(test)]
pub(crate) fn schema_tables() -> [(&'static str, &'static [&'static str]); 4] {
    use crate::schema_doc::fields_of;
    [
        ("(top level)", fields_of::<RawFile>()),
        ("[defaults]", fields_of::<RawDefaults>()),
        ("[sources.NAME]", fields_of::<RawSource>()),
        ("[roles.NAME]", fields_of::<RawRole>()),
    ]
}

/// One file's text, kept to turn byte offsets into line and column.
struct FileText {
    path: PathBuf,
    text: String,
}

impl FileText {
    fn error(&self, span: Range<usize>, message: impl std::fmt::Display) -> UserError {
        let (line, col) = line_col(&self.text, span.start);
        usage(format!("{}:{line}:{col}: {message}", self.path.display()))
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
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
        return build(&[]);
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
            ..build(&[])?
        });
    }
    let mut files = Vec::new();
    let mut seen = BTreeSet::new();
    read_tree(&path, &mut files, &mut seen)?;
    let mut config = build(&files)?;
    config.path = Some(path);
    Ok(config)
}

/// Parses a profile file given as text (for tests and `doctor`-like checks).
#[cfg(test)]
pub fn parse(path: &str, text: &str) -> Result<Config, UserError> {
    let raw = parse_raw(&FileText {
        path: path.into(),
        text: text.into(),
    })?;
    build(&[(
        FileText {
            path: path.into(),
            text: text.into(),
        },
        raw,
    )])
}

fn read_tree(
    path: &Path,
    files: &mut Vec<(FileText, RawFile)>,
    seen: &mut BTreeSet<PathBuf>,
) -> Result<(), UserError> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if !seen.insert(canonical) {
        return Ok(());
    }
    check_permissions(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| {
        usage(format!(
            "{}: cannot read the profile file: {e}",
            path.display()
        ))
    })?;
    let file = FileText {
        path: path.to_path_buf(),
        text,
    };
    let raw = parse_raw(&file)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let includes: Vec<(PathBuf, Range<usize>)> = raw
        .include
        .iter()
        .map(|i| (dir.join(i.get_ref()), i.span()))
        .collect();
    files.push((file, raw));
    let me = files.len() - 1;
    for (inc, span) in includes {
        if !inc.exists() {
            return Err(files[me].0.error(
                span,
                format!("included file {} does not exist", inc.display()),
            ));
        }
        read_tree(&inc, files, seen)?;
    }
    Ok(())
}

/// A profile file can name a command to run (`mfa_command`), so one that
/// other users could change is refused.
fn check_permissions(path: &Path) -> Result<(), UserError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let refuse = |why: String, fix: String| {
            Err(usage(format!(
                "{}: {why}, and a profile file can name commands to run",
                path.display()
            ))
            .hint(fix))
        };
        let meta = std::fs::metadata(path).map_err(|e| {
            usage(format!(
                "{}: cannot read the profile file: {e}",
                path.display()
            ))
        })?;
        if meta.mode() & 0o022 != 0 {
            return refuse(
                format!(
                    "the profile file is writable by other users (mode {:o})",
                    meta.mode() & 0o777
                ),
                format!("chmod go-w '{}'", path.display()),
            );
        }
        if let Some(me) = crate::process::my_uid()
            && meta.uid() != me
            && meta.uid() != 0
        {
            return refuse(
                format!(
                    "the profile file belongs to another user (uid {})",
                    meta.uid()
                ),
                "copy it to a file of your own".to_string(),
            );
        }
        let dir = path
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        if let Some(dir) = dir
            && let Ok(dm) = std::fs::metadata(&dir)
            && dm.mode() & 0o002 != 0
            && dm.mode() & 0o1000 == 0
        {
            return refuse(
                format!("its folder {} can be written by anyone", dir.display()),
                "keep the profile file in a folder of your own".to_string(),
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn parse_raw(file: &FileText) -> Result<RawFile, UserError> {
    toml::from_str::<RawFile>(&file.text).map_err(|e| {
        let msg = e.message().trim().to_string();
        match e.span() {
            Some(span) => file.error(span, msg),
            None => usage(format!("{}: {msg}", file.path.display())),
        }
    })
}

fn parse_duration(s: &str, range: Range<u32>, what: &str) -> Result<u32, String> {
    let d = humantime::parse_duration(s.trim()).map_err(|e| {
        format!("{what} {s:?} is not a duration ({e}); write it like 30m, 1h or 1h30m")
    })?;
    let secs = u32::try_from(d.as_secs()).unwrap_or(u32::MAX);
    if !range.contains(&secs) {
        return Err(format!(
            "{what} {s:?} is out of range: it must be from {} to {}",
            humantime::format_duration(std::time::Duration::from_secs(range.start.into())),
            humantime::format_duration(std::time::Duration::from_secs((range.end - 1).into()))
        ));
    }
    Ok(secs)
}

/// Parses a role session length from a flag or the file (15m..12h).
pub fn role_duration(s: &str) -> Result<u32, String> {
    parse_duration(s, ROLE_DURATION, "duration")
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_region(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Splits `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
pub fn parse_role_arn(arn: &str) -> Option<(String, String)> {
    let rest = arn.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    let name = resource.strip_prefix("role/")?;
    (partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && is_account_id(account)
        && !name.is_empty())
    .then(|| {
        (
            account.to_string(),
            name.rsplit('/').next().unwrap_or(name).to_string(),
        )
    })
}

fn build(files: &[(FileText, RawFile)]) -> Result<Config, UserError> {
    let mut config = Config::default();

    // Defaults: the first file that sets a key wins (the main file first), so
    // they are applied from the last file to the first.
    for (file, raw) in files.iter().rev() {
        let Some(d) = &raw.defaults else { continue };
        if let Some(s) = &d.source {
            config.defaults.source = Some(s.get_ref().clone());
        }
        if let Some(r) = &d.region {
            if !is_region(r.get_ref()) {
                return Err(file.error(
                    r.span(),
                    format!("{:?} is not an AWS region name", r.get_ref()),
                ));
            }
            config.defaults.region = Some(r.get_ref().clone());
        }
        if let Some(du) = &d.duration {
            config.defaults.duration =
                role_duration(du.get_ref()).map_err(|m| file.error(du.span(), m))?;
        }
        if let Some(sn) = &d.session_name {
            template::check_session_name(sn.get_ref())
                .map_err(|m| file.error(sn.span(), format!("session_name: {m}")))?;
            config.defaults.session_name = sn.get_ref().clone();
        }
        if let Some(r) = &d.role {
            config.defaults.role = Some(r.get_ref().clone());
        }
        if let Some(m) = &d.cache_margin {
            config.defaults.cache_margin = parse_duration(m.get_ref(), 0..3601, "cache_margin")
                .map_err(|e| file.error(m.span(), e))?;
        }
    }

    // Accounts.
    let mut alias_origin: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (file, raw)) in files.iter().enumerate() {
        for (alias, id) in &raw.accounts {
            if !is_account_id(id.get_ref()) {
                return Err(file.error(
                    id.span(),
                    format!(
                        "account {:?}: {:?} is not a 12-digit AWS account id",
                        alias.get_ref(),
                        id.get_ref()
                    ),
                ));
            }
            if let Some(first) = alias_origin.insert(alias.get_ref().clone(), i) {
                return Err(file.error(
                    alias.span(),
                    format!(
                        "account alias {:?} is also defined in {}",
                        alias.get_ref(),
                        files[first].0.path.display()
                    ),
                ));
            }
            config
                .accounts
                .insert(alias.get_ref().clone(), id.get_ref().clone());
        }
    }

    // Sources.
    for (file, raw) in files {
        for (name, s) in &raw.sources {
            let kind = match s.from.as_ref().map(|f| (f.get_ref().as_str(), f.span())) {
                None => SourceKind::Store,
                Some(("env", _)) => SourceKind::Env,
                Some(("default", _)) => SourceKind::DefaultChain,
                Some((f, span)) => match f.strip_prefix("aws-profile:") {
                    Some(p) if !p.is_empty() => SourceKind::AwsProfile(p.to_string()),
                    _ => {
                        return Err(file.error(span, format!("unknown source kind {f:?}: use \"env\", \"default\" or \"aws-profile:NAME\" (or leave `from` out for the secret store)")));
                    }
                },
            };
            if let Some(serial) = &s.mfa_serial {
                let ok = serial.get_ref().starts_with("arn:aws")
                    && serial.get_ref().contains(":mfa/")
                    || serial.get_ref().chars().all(|c| c.is_ascii_alphanumeric())
                        && serial.get_ref().len() >= 9;
                if !ok {
                    return Err(file.error(serial.span(), format!("mfa_serial {:?} is neither an MFA device ARN (arn:aws:iam::ACCOUNT:mfa/NAME) nor a hardware serial number", serial.get_ref())));
                }
            }
            let mfa_session = match &s.mfa_session {
                Some(m) if m.get_ref() == "off" => None,
                Some(m) => Some(
                    parse_duration(m.get_ref(), MFA_SESSION_DURATION, "mfa_session")
                        .map_err(|e| file.error(m.span(), e))?,
                ),
                None => Some(DEFAULT_MFA_SESSION),
            };
            if config.sources.contains_key(name.get_ref()) {
                return Err(file.error(
                    name.span(),
                    format!("source {:?} is defined twice", name.get_ref()),
                ));
            }
            config.sources.insert(
                name.get_ref().clone(),
                Source {
                    name: name.get_ref().clone(),
                    kind,
                    mfa_serial: s.mfa_serial.as_ref().map(|m| m.get_ref().clone()),
                    mfa_command: s.mfa_command.clone(),
                    mfa_session,
                    file: Some(file.path.clone()),
                },
            );
        }
    }
    let implicit_source = if config.sources.is_empty() {
        let s = Source::default_chain();
        config.sources.insert(s.name.clone(), s);
        true
    } else {
        false
    };
    if let Some(ds) = &config.defaults.source
        && !config.sources.contains_key(ds)
    {
        let (file, span) = files
            .iter()
            .find_map(|(f, r)| r.defaults.as_ref()?.source.as_ref().map(|s| (f, s.span())))
            .expect("defaults.source came from a file");
        return Err(file.error(span, unknown("source", ds, config.sources.keys())));
    }
    let fallback_source = config.defaults.source.clone().or_else(|| {
        (config.sources.len() == 1)
            .then(|| config.sources.keys().next().cloned())
            .flatten()
    });

    // Roles.
    let mut role_spans: BTreeMap<String, (usize, Range<usize>)> = BTreeMap::new();
    for (i, (file, raw)) in files.iter().enumerate() {
        for (name, r) in &raw.roles {
            let n = name.get_ref().clone();
            if let Some((first, _)) = role_spans.get(&n) {
                return Err(file.error(
                    name.span(),
                    format!(
                        "role {n:?} is also defined in {}",
                        files[*first].0.path.display()
                    ),
                ));
            }
            role_spans.insert(n.clone(), (i, name.span()));
            let role = build_role(
                file,
                &n,
                r,
                &config,
                fallback_source.as_deref(),
                implicit_source,
            )?;
            config.roles.insert(n, role);
        }
    }

    // `via` must name roles, without loops.
    for (file, raw) in files {
        for (name, r) in &raw.roles {
            let Some(via) = &r.via else { continue };
            if !config.roles.contains_key(via.get_ref()) {
                return Err(file.error(
                    via.span(),
                    unknown("role", via.get_ref(), config.roles.keys()),
                ));
            }
            let mut seen = vec![name.get_ref().clone()];
            let mut next = Some(via.get_ref().clone());
            while let Some(n) = next {
                if seen.contains(&n) {
                    seen.push(n);
                    return Err(file.error(
                        via.span(),
                        format!("`via` makes a loop: {}", seen.join(" -> ")),
                    ));
                }
                seen.push(n.clone());
                next = config.roles[&n].via.clone();
            }
        }
    }

    if let Some(dr) = &config.defaults.role
        && !config.roles.contains_key(dr)
        && parse_role_arn(dr).is_none()
    {
        let (file, span) = files
            .iter()
            .find_map(|(f, r)| r.defaults.as_ref()?.role.as_ref().map(|s| (f, s.span())))
            .expect("defaults.role came from a file");
        return Err(file.error(span, unknown("role", dr, config.roles.keys())));
    }
    Ok(config)
}

fn build_role(
    file: &FileText,
    name: &str,
    r: &RawRole,
    config: &Config,
    fallback_source: Option<&str>,
    implicit_source: bool,
) -> Result<Role, UserError> {
    let here = |span: Range<usize>, msg: String| file.error(span, format!("role {name:?}: {msg}"));
    let (account, account_alias) = match &r.account {
        Some(a) if is_account_id(a.get_ref()) => (Some(a.get_ref().clone()), None),
        Some(a) => match config.accounts.get(a.get_ref()) {
            Some(id) => (Some(id.clone()), Some(a.get_ref().clone())),
            None if a.get_ref().bytes().all(|b| b.is_ascii_digit()) => {
                return Err(here(
                    a.span(),
                    format!("{:?} is not a 12-digit AWS account id", a.get_ref()),
                ));
            }
            None => {
                return Err(here(
                    a.span(),
                    unknown("account alias", a.get_ref(), config.accounts.keys()),
                ));
            }
        },
        None => (None, None),
    };
    let role_text = r.role.get_ref();
    let (arn, account) = if role_text.starts_with("arn:") {
        let Some((arn_account, _)) = parse_role_arn(role_text) else {
            return Err(here(
                r.role.span(),
                format!("{role_text:?} is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
            ));
        };
        if let Some(acc) = &account
            && *acc != arn_account
        {
            return Err(here(
                r.role.span(),
                format!("the ARN's account {arn_account} is not the role's account {acc}"),
            ));
        }
        (role_text.clone(), arn_account)
    } else {
        let Some(account) = account else {
            return Err(here(
                r.role.span(),
                "`account` is missing (or give `role` as a full role ARN)".into(),
            ));
        };
        let ok = !role_text.is_empty()
            && !role_text.starts_with('/')
            && !role_text.ends_with('/')
            && role_text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-/".contains(c));
        if !ok {
            return Err(here(
                r.role.span(),
                format!("{role_text:?} is not an IAM role name or path/name"),
            ));
        }
        (format!("arn:aws:iam::{account}:role/{role_text}"), account)
    };
    let source = match (&r.source, fallback_source) {
        (Some(s), _) => {
            if !config.sources.contains_key(s.get_ref()) || implicit_source {
                return Err(here(
                    s.span(),
                    unknown(
                        "source",
                        s.get_ref(),
                        config.sources.keys().filter(|_| !implicit_source),
                    ),
                ));
            }
            s.get_ref().clone()
        }
        (None, Some(f)) => f.to_string(),
        (None, None) => {
            return Err(here(
                r.role.span(),
                "no `source`, and several sources exist: name one here or set defaults.source"
                    .into(),
            ));
        }
    };
    let src = &config.sources[&source];
    let duration = match &r.duration {
        Some(d) => role_duration(d.get_ref()).map_err(|m| here(d.span(), m))?,
        None => config.defaults.duration,
    };
    let region = match &r.region {
        Some(reg) if !is_region(reg.get_ref()) => {
            return Err(here(
                reg.span(),
                format!("{:?} is not an AWS region name", reg.get_ref()),
            ));
        }
        Some(reg) => Some(reg.get_ref().clone()),
        None => config.defaults.region.clone(),
    };
    let session_name = match &r.session_name {
        Some(sn) => {
            template::check_session_name(sn.get_ref())
                .map_err(|m| here(sn.span(), format!("session_name: {m}")))?;
            sn.get_ref().clone()
        }
        None => config.defaults.session_name.clone(),
    };
    if let Some(si) = &r.source_identity {
        template::check_session_name(si.get_ref())
            .map_err(|m| here(si.span(), format!("source_identity: {m}")))?;
    }
    let mut tags = BTreeMap::new();
    for (k, v) in r.tags.iter().flatten() {
        template::check(v.get_ref()).map_err(|m| here(v.span(), format!("tag {k:?}: {m}")))?;
        tags.insert(k.clone(), v.get_ref().clone());
    }
    if let Some(c) = &r.color
        && !COLORS.contains(&c.get_ref().as_str())
    {
        return Err(here(
            c.span(),
            format!(
                "colour {:?} is not one of {}",
                c.get_ref(),
                COLORS.join(", ")
            ),
        ));
    }
    let mfa = r.mfa.unwrap_or(src.mfa_serial.is_some());
    if mfa && src.mfa_serial.is_none() && r.via.is_none() {
        let span = r.source.as_ref().map_or(r.role.span(), |s| s.span());
        return Err(here(
            span,
            format!("`mfa = true` but source {source:?} has no mfa_serial"),
        ));
    }
    Ok(Role {
        name: name.to_string(),
        arn,
        account,
        account_alias,
        source,
        mfa,
        duration,
        region,
        external_id: r.external_id.clone(),
        source_identity: r.source_identity.as_ref().map(|s| s.get_ref().clone()),
        tags,
        confirm: r.confirm.unwrap_or(false),
        require_reason: r.require_reason.unwrap_or(false),
        color: r.color.as_ref().map(|c| c.get_ref().clone()),
        via: r.via.as_ref().map(|v| v.get_ref().clone()),
        description: r.description.clone(),
        session_name,
    })
}

/// "unknown X "name"", with a did-you-mean when one is close.
pub fn unknown<'a>(what: &str, name: &str, known: impl Iterator<Item = &'a String>) -> String {
    let known: Vec<&String> = known.collect();
    let mut msg = format!("unknown {what} {name:?}");
    if let Some(best) = closest(name, known.iter().map(|s| s.as_str())) {
        msg.push_str(&format!(" (did you mean {best:?}?)"));
    } else if !known.is_empty() && known.len() <= 8 {
        msg.push_str(&format!(
            " (known: {})",
            known
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    msg
}

/// The known name nearest to `name`, if it is near enough to be a typo.
pub fn closest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4) && *d < k.len())
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[defaults]
source = "main"
region = "eu-west-1"
duration = "1h"
session_name = "{user}"
role = "prod-readonly"
cache_margin = "10m"

[sources.main]
mfa_serial = "arn:aws:iam::111111111111:mfa/alice"
mfa_session = "12h"

[sources.shell]
from = "env"

[sources.legacy]
from = "aws-profile:default"

[accounts]
prod = "222222222222"

[roles.prod-admin]
account = "prod"
role = "Admin"
source = "main"
duration = "2h"
region = "us-east-1"
external_id = "xyz"
source_identity = "{user}"
tags = { ticket = "{reason}" }
confirm = true
require_reason = true
color = "red"
description = "Production administrator"

[roles.prod-readonly]
role = "arn:aws:iam::222222222222:role/team/ReadOnly"

[roles.chained]
account = "333333333333"
role = "Deep"
via = "prod-admin"
"#;

    fn err(text: &str) -> String {
        parse("/p/config.toml", text).unwrap_err().message
    }

    #[test]
    fn reads_every_key() {
        let c = parse("/p/config.toml", GOOD).unwrap();
        let admin = &c.roles["prod-admin"];
        assert_eq!(admin.arn, "arn:aws:iam::222222222222:role/Admin");
        assert_eq!(admin.account_alias.as_deref(), Some("prod"));
        assert_eq!(admin.duration, 7200);
        assert!(admin.mfa && admin.confirm && admin.require_reason);
        assert_eq!(admin.tags["ticket"], "{reason}");
        let ro = &c.roles["prod-readonly"];
        assert_eq!(ro.account, "222222222222");
        assert_eq!(ro.source, "main");
        assert_eq!(ro.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            c.sources["legacy"].kind,
            SourceKind::AwsProfile("default".into())
        );
        assert_eq!(c.sources["main"].mfa_session, Some(43200));
        assert_eq!(c.roles["chained"].via.as_deref(), Some("prod-admin"));
        assert_eq!(c.defaults.cache_margin, 600);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = err("[roles.x]\naccount = \"12345\"\nrole = \"A\"\n");
        assert!(e.starts_with("/p/config.toml:2:11: "), "{e}");
        assert!(e.contains("not a 12-digit"), "{e}");
    }

    #[test]
    fn each_mistake_is_an_error() {
        assert!(
            err("[roles.x]\nacount = \"1\"\nrole = \"A\"\n").contains("unknown field `acount`")
        );
        assert!(
            err(
                "[roles.x]\naccount = \"prd\"\nrole = \"A\"\n[accounts]\nprod = \"222222222222\"\n"
            )
            .contains("did you mean \"prod\"")
        );
        assert!(
            err("[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nduration = \"13h\"\n")
                .contains("out of range")
        );
        assert!(
            err("[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nduration = \"10m\"\n")
                .contains("out of range")
        );
        assert!(err("[roles.a]\naccount = \"222222222222\"\nrole = \"A\"\nvia = \"b\"\n[roles.b]\naccount = \"222222222222\"\nrole = \"B\"\nvia = \"a\"\n").contains("loop"));
        assert!(err("[sources.a]\n[sources.b]\n[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nsource = \"c\"\n").contains("unknown source \"c\""));
        assert!(err("[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nsession_name = \"a b {user}\"\n").contains("RoleSessionName"));
        assert!(
            err(
                "[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nsession_name = \"{login}\"\n"
            )
            .contains("unknown placeholder")
        );
        assert!(err("[sources.a]\nfrom = \"envv\"\n").contains("unknown source kind"));
        assert!(err("[accounts]\nprod = \"2222\"\n").contains("12-digit"));
        assert!(err("this is not toml").starts_with("/p/config.toml:1:"));
    }

    #[test]
    fn role_arns_are_understood() {
        assert_eq!(
            parse_role_arn("arn:aws:iam::123456789012:role/a/b/C"),
            Some(("123456789012".into(), "C".into()))
        );
        assert_eq!(parse_role_arn("arn:aws:iam::12345:role/C"), None);
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:user/C"), None);
    }

    #[test]
    fn suggestions() {
        let known = ["prod-admin".to_string(), "staging-admin".to_string()];
        assert_eq!(
            closest("prod-amdin", known.iter().map(|s| s.as_str())),
            Some("prod-admin")
        );
        assert_eq!(closest("zzz", known.iter().map(|s| s.as_str())), None);
    }
}

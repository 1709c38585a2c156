//! The profile file as written: serde types that mirror the TOML, with
//! spans kept so that every later error can name a line and column.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{UserError, usage};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    pub defaults: Option<RawDefaults>,
    #[serde(default)]
    pub sources: BTreeMap<Spanned<String>, RawSource>,
    #[serde(default)]
    pub accounts: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub roles: BTreeMap<Spanned<String>, RawRole>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub source: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    pub duration: Option<Spanned<String>>,
    pub session_name: Option<Spanned<String>>,
    pub role: Option<Spanned<String>>,
    pub cache_margin: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub from: Option<Spanned<String>>,
    pub mfa_serial: Option<Spanned<String>>,
    pub mfa_command: Option<String>,
    pub mfa_session: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub account: Option<Spanned<String>>,
    pub role: Spanned<String>,
    pub source: Option<Spanned<String>>,
    pub mfa: Option<bool>,
    pub duration: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    pub external_id: Option<String>,
    pub source_identity: Option<Spanned<String>>,
    pub tags: Option<BTreeMap<String, Spanned<String>>>,
    pub confirm: Option<bool>,
    pub require_reason: Option<bool>,
    pub color: Option<Spanned<String>>,
    pub via: Option<Spanned<String>>,
    pub description: Option<String>,
    pub session_name: Option<Spanned<String>>,
}

/// One file's text, kept to turn byte offsets into line and column.
pub struct FileText {
    pub path: PathBuf,
    pub text: String,
}

impl FileText {
    pub fn error(&self, span: Range<usize>, message: impl std::fmt::Display) -> UserError {
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

pub fn parse_raw(file: &FileText) -> Result<RawFile, UserError> {
    toml::from_str::<RawFile>(&file.text).map_err(|e| {
        let msg = e.message().trim().to_string();
        match e.span() {
            Some(span) => file.error(span, msg),
            None => usage(format!("{}: {msg}", file.path.display())),
        }
    })
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

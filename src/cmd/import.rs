//! `rolex import`: the role profiles of the AWS config file (`role_arn`,
//! `source_profile` or `credential_source`, `mfa_serial`, ...) as rolex
//! roles and sources; printed for review, or written with `--write`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Ctx;
use crate::error::{failed, usage};
use crate::terminal::printable;

/// The sections of an AWS config file: profile name -> key -> value.
pub(super) fn parse_ini(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let section = section.trim();
            let name = section
                .strip_prefix("profile ")
                .map(str::trim)
                .unwrap_or(section);
            current = Some(name.to_string());
            out.entry(name.to_string()).or_default();
        } else if let (Some(sec), Some((k, v))) = (&current, line.split_once('=')) {
            out.entry(sec.clone())
                .or_default()
                .insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    out
}

/// `AWS_CONFIG_FILE`, else `~/.aws/config`.
pub(super) fn aws_config_path(ctx: &Ctx) -> Option<PathBuf> {
    ctx.env
        .non_empty("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| crate::config::home(ctx.env).map(|h| h.join(".aws").join("config")))
}

pub fn import(ctx: &Ctx, write: bool) -> anyhow::Result<i32> {
    let (path, text) = read_aws_config(ctx)?;
    let profiles = parse_ini(&text);
    let mut sources = toml_edit::Table::new();
    sources.set_implicit(true);
    let mut roles = toml_edit::Table::new();
    roles.set_implicit(true);
    let mut imported = 0;
    for (name, p) in &profiles {
        let Some(arn) = p.get("role_arn") else {
            continue;
        };
        if ctx.config.roles.contains_key(name) {
            eprintln!(
                "rolex: role {} is in the profile file already; skipped",
                printable(name)
            );
            continue;
        }
        if crate::config::parse_role_arn(arn).is_none() {
            eprintln!(
                "rolex: profile {}: {:?} is not a role ARN; skipped",
                printable(name),
                printable(arn)
            );
            continue;
        }
        let Some(source) = source_of(p, &profiles, &mut sources) else {
            eprintln!(
                "rolex: profile {} has role_arn but neither source_profile nor credential_source; skipped",
                printable(name)
            );
            continue;
        };
        roles.insert(
            name,
            toml_edit::Item::Table(role_table(name, p, arn, source)),
        );
        imported += 1;
    }
    // Sources rolex has already keep their own definition.
    let existing: Vec<String> = sources
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| ctx.config.sources.contains_key(k))
        .collect();
    for k in existing {
        sources.remove(&k);
    }
    if imported == 0 {
        eprintln!("rolex: no role profiles to import in {}", path.display());
        return Ok(0);
    }
    let mut doc = toml_edit::DocumentMut::new();
    doc.insert("sources", toml_edit::Item::Table(sources));
    doc.insert("roles", toml_edit::Item::Table(roles));
    if !write {
        out!("# rolex roles from {}\n{}", path.display(), doc);
        eprintln!(
            "rolex: {imported} role(s); add them to the profile file, or run `rolex import --write`"
        );
        return Ok(0);
    }
    let target = ctx.profile_path()?;
    let text = merged(&target, &doc)?;
    check_loads(ctx.env, &target, &text)?;
    crate::cmd::secrets::write_file(&target, &text)?;
    eprintln!("rolex: wrote {imported} role(s) into {}", target.display());
    Ok(0)
}

/// The AWS config file's path and text; a missing file says what to do
/// instead (a first run has nothing to import).
fn read_aws_config(ctx: &Ctx) -> Result<(PathBuf, String), crate::error::UserError> {
    let path = aws_config_path(ctx)
        .ok_or_else(|| usage("no AWS config file: set AWS_CONFIG_FILE or HOME"))?;
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok((path, text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(failed(format!(
            "no AWS config file at {}: no role profiles to import",
            path.display()
        ))
        .hint(
            "point AWS_CONFIG_FILE at yours, or write roles into the profile file yourself:
    [roles.prod-admin]
    account = \"222222222222\"
    role = \"Admin\"",
        )),
        Err(e) => Err(failed(format!(
            "cannot read the AWS config file {}: {e}",
            path.display()
        ))),
    }
}

/// The rolex source a role profile assumes from, added to `sources`:
/// `aws-NAME` for `source_profile = NAME` (with the `mfa_serial` of the
/// profile or of its source profile), `default` for `credential_source`.
fn source_of(
    p: &BTreeMap<String, String>,
    profiles: &BTreeMap<String, BTreeMap<String, String>>,
    sources: &mut toml_edit::Table,
) -> Option<String> {
    match (p.get("source_profile"), p.get("credential_source")) {
        (Some(sp), _) => {
            let source_name = format!("aws-{sp}");
            let entry = sources.entry(&source_name).or_insert(toml_edit::table());
            let t = entry.as_table_mut().expect("made as a table");
            t.insert("from", toml_edit::value(format!("aws-profile:{sp}")));
            if let Some(serial) = p
                .get("mfa_serial")
                .or(profiles.get(sp).and_then(|s| s.get("mfa_serial")))
                && !t.contains_key("mfa_serial")
            {
                t.insert("mfa_serial", toml_edit::value(serial.clone()));
            }
            Some(source_name)
        }
        (None, Some(_)) => {
            let entry = sources.entry("default").or_insert(toml_edit::table());
            entry
                .as_table_mut()
                .expect("made as a table")
                .insert("from", toml_edit::value("default"));
            Some("default".to_string())
        }
        (None, None) => None,
    }
}

/// A rolex role entry for the AWS profile `name` (`role_arn` = `arn`).
fn role_table(
    name: &str,
    p: &BTreeMap<String, String>,
    arn: &str,
    source: String,
) -> toml_edit::Table {
    let mut role = toml_edit::Table::new();
    role.insert("role", toml_edit::value(arn));
    role.insert("source", toml_edit::value(source));
    if let Some(v) = p.get("external_id") {
        role.insert("external_id", toml_edit::value(v.clone()));
    }
    if let Some(v) = p
        .get("duration_seconds")
        .and_then(|d| d.parse::<u64>().ok())
    {
        let d = humantime::format_duration(std::time::Duration::from_secs(v));
        role.insert("duration", toml_edit::value(d.to_string()));
    }
    if let Some(v) = p.get("role_session_name") {
        role.insert("session_name", toml_edit::value(v.clone()));
    }
    if let Some(v) = p.get("region") {
        role.insert("region", toml_edit::value(v.clone()));
    }
    role.insert(
        "description",
        toml_edit::value(format!("imported from AWS profile {name}")),
    );
    role
}

/// The profile file's text with the new tables added, keeping what is there.
fn merged(
    target: &std::path::Path,
    new: &toml_edit::DocumentMut,
) -> Result<String, crate::error::UserError> {
    let old = std::fs::read_to_string(target).unwrap_or_default();
    let mut doc: toml_edit::DocumentMut = old
        .parse()
        .map_err(|e| usage(format!("{}: {e}", target.display())))?;
    for section in ["sources", "roles"] {
        let Some(new_tables) = new.get(section).and_then(|i| i.as_table()) else {
            continue;
        };
        let t = doc.entry(section).or_insert(toml_edit::table());
        if let Some(t) = t.as_table_mut() {
            t.set_implicit(true);
            for (k, v) in new_tables.iter() {
                if !t.contains_key(k) {
                    t.insert(k, v.clone());
                }
            }
        }
    }
    Ok(doc.to_string())
}

/// Loads `text` with the real loader as if it were the profile file at
/// `target` (a private file next to it, so includes resolve the same), so
/// that the profile file is only replaced by one rolex can load.
fn check_loads(
    env: &crate::env::Env,
    target: &std::path::Path,
    text: &str,
) -> Result<(), crate::error::UserError> {
    super::profile_text_loads(env, target, text).map_err(|e| {
        failed(format!(
            "the imported roles would not load, so {} was not changed: {}",
            target.display(),
            e.message
        ))
        .hint("fix the AWS profile (or import without --write and edit what it prints)")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_aws_config_sections() {
        let p = super::parse_ini(
            "[default]\nregion = eu-west-1\n\n[profile prod]\nrole_arn = arn:aws:iam::1:role/A\n# c\nsource_profile = default\n",
        );
        assert_eq!(p["default"]["region"], "eu-west-1");
        assert_eq!(p["prod"]["source_profile"], "default");
    }
}

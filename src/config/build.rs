//! The parsed files become one checked [`Config`]: defaults, accounts,
//! sources and roles merged in order, and every reference resolved.

use std::collections::BTreeMap;
use std::ops::Range;

use super::role::build_role;
use super::schema::{FileText, RawFile, RawSource};
use super::values::{is_account_id, is_region, parse_duration, role_duration, unknown};
use super::{Config, DEFAULT_MFA_SESSION, MFA_SESSION_DURATION, Source, SourceKind};
use crate::error::UserError;
use crate::template;

pub fn build(files: &[(FileText, RawFile)]) -> Result<Config, UserError> {
    let mut config = Config::default();
    build_defaults(files, &mut config)?;
    build_accounts(files, &mut config)?;
    build_sources(files, &mut config)?;
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
    build_roles(files, &mut config, implicit_source)?;
    check_via(files, &config)?;
    if let Some(dr) = &config.defaults.role
        && !config.names_role(dr)
    {
        let (file, span) = files
            .iter()
            .find_map(|(f, r)| r.defaults.as_ref()?.role.as_ref().map(|s| (f, s.span())))
            .expect("defaults.role came from a file");
        return Err(file.error(span, unknown("role", dr, config.roles.keys())));
    }
    Ok(config)
}

/// Defaults: the first file that sets a key wins (the main file first), so
/// they are applied from the last file to the first.
fn build_defaults(files: &[(FileText, RawFile)], config: &mut Config) -> Result<(), UserError> {
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
    Ok(())
}

fn build_accounts(files: &[(FileText, RawFile)], config: &mut Config) -> Result<(), UserError> {
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
    Ok(())
}

fn build_sources(files: &[(FileText, RawFile)], config: &mut Config) -> Result<(), UserError> {
    for (file, raw) in files {
        for (name, s) in &raw.sources {
            let source = build_source(file, name.get_ref(), s)?;
            if config.sources.contains_key(name.get_ref()) {
                return Err(file.error(
                    name.span(),
                    format!("source {:?} is defined twice", name.get_ref()),
                ));
            }
            config.sources.insert(name.get_ref().clone(), source);
        }
    }
    Ok(())
}

fn build_source(file: &FileText, name: &str, s: &RawSource) -> Result<Source, UserError> {
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
        let ok = serial.get_ref().starts_with("arn:aws") && serial.get_ref().contains(":mfa/")
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
    Ok(Source {
        name: name.to_string(),
        kind,
        mfa_serial: s.mfa_serial.as_ref().map(|m| m.get_ref().clone()),
        mfa_command: s.mfa_command.clone(),
        mfa_session,
        file: Some(file.path.clone()),
    })
}

fn build_roles(
    files: &[(FileText, RawFile)],
    config: &mut Config,
    implicit_source: bool,
) -> Result<(), UserError> {
    let fallback_source = config.defaults.source.clone().or_else(|| {
        (config.sources.len() == 1)
            .then(|| config.sources.keys().next().cloned())
            .flatten()
    });
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
                config,
                fallback_source.as_deref(),
                implicit_source,
            )?;
            config.roles.insert(n, role);
        }
    }
    Ok(())
}

/// `via` must name roles, without loops.
fn check_via(files: &[(FileText, RawFile)], config: &Config) -> Result<(), UserError> {
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
    Ok(())
}

//! One `[roles.NAME]` table becomes a [`Role`].

use std::collections::BTreeMap;
use std::ops::Range;

use super::schema::{FileText, RawRole};
use super::values::{is_account_id, is_region, parse_role_arn, role_duration, unknown};
use super::{COLORS, Config, Role};
use crate::error::UserError;
use crate::template;

pub fn build_role(
    file: &FileText,
    name: &str,
    r: &RawRole,
    config: &Config,
    fallback_source: Option<&str>,
    implicit_source: bool,
) -> Result<Role, UserError> {
    let here = |span: Range<usize>, msg: String| file.error(span, format!("role {name:?}: {msg}"));
    let (account, account_alias) = account(r, config, &here)?;
    let (arn, account) = arn(r, account, &here)?;
    let source = source(r, config, fallback_source, implicit_source, &here)?;
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
    let (session_name, tags) = templates(r, config, &here)?;
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

/// The session name and tag templates, checked: the session name (the
/// role's or the default) and the tags.
fn templates(
    r: &RawRole,
    config: &Config,
    here: &impl Fn(Range<usize>, String) -> UserError,
) -> Result<(String, BTreeMap<String, String>), UserError> {
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
    Ok((session_name, tags))
}

/// The role's account id, and the alias the file named it by.
fn account(
    r: &RawRole,
    config: &Config,
    here: &impl Fn(Range<usize>, String) -> UserError,
) -> Result<(Option<String>, Option<String>), UserError> {
    Ok(match &r.account {
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
    })
}

/// The role's ARN and account, from a full ARN or from `account` + name.
fn arn(
    r: &RawRole,
    account: Option<String>,
    here: &impl Fn(Range<usize>, String) -> UserError,
) -> Result<(String, String), UserError> {
    let role_text = r.role.get_ref();
    Ok(if role_text.starts_with("arn:") {
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
    })
}

/// The source the role starts from: its own, else the fallback.
fn source(
    r: &RawRole,
    config: &Config,
    fallback_source: Option<&str>,
    implicit_source: bool,
    here: &impl Fn(Range<usize>, String) -> UserError,
) -> Result<String, UserError> {
    Ok(match (&r.source, fallback_source) {
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
    })
}

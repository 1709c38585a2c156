//! Role name -> a fully resolved plan of STS calls. Pure: no I/O.

use std::collections::BTreeMap;

use crate::config::{self, Config, Role, Source};
use crate::error::{UserError, usage};
use crate::template::{self, Values};

/// STS caps a role session assumed with chained or GetSessionToken
/// credentials at one hour.
pub const CHAINED_MAX: u32 = 3600;

/// Flags that override the profile file for one call.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub duration: Option<u32>,
    pub region: Option<String>,
    pub reason: Option<String>,
}

/// One AssumeRole call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub role: String,
    pub arn: String,
    pub session_name: String,
    pub duration: u32,
    pub external_id: Option<String>,
    pub source_identity: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// Everything needed to get a role session, decided before any network call.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The role's name in the profile file (or its ARN for an ad-hoc role).
    pub role: String,
    pub account: String,
    pub account_alias: Option<String>,
    pub region: Option<String>,
    pub color: Option<String>,
    pub description: Option<String>,
    pub source: Source,
    /// Whether the first hop needs MFA.
    pub mfa: bool,
    /// AssumeRole calls in order: the `via` roles first, the role last.
    pub hops: Vec<Hop>,
    pub confirm: bool,
}

impl Plan {
    /// A fingerprint of everything that makes a cached role session fit this
    /// plan: a session made with other parameters, or from another identity
    /// (`identity`: which keys or profile the source stood for), is not reused.
    pub fn fingerprint(&self, identity: &str) -> String {
        let mut text = format!(
            "{}|{}|{}|{identity}",
            self.source.name,
            self.mfa,
            self.source.mfa_serial.as_deref().unwrap_or("")
        );
        for h in &self.hops {
            text.push_str(&format!("|{h:?}"));
        }
        format!("{:016x}", fnv1a(text.as_bytes()))
    }

    /// Which identity the source stands for in the environment rolex was
    /// started from (`original`), for sources whose keys live outside rolex:
    /// a session made from other keys must not be reused.
    pub fn identity(&self, original: &crate::env::Env) -> String {
        match &self.source.kind {
            config::SourceKind::Store => String::new(),
            config::SourceKind::AwsProfile(p) => format!("profile:{p}"),
            config::SourceKind::Env | config::SourceKind::DefaultChain => {
                match original.non_empty("AWS_ACCESS_KEY_ID") {
                    Some(k) => format!("key:{k}"),
                    None => format!(
                        "profile:{}",
                        original.non_empty("AWS_PROFILE").unwrap_or("default")
                    ),
                }
            }
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

/// Resolves ROLE (a name from the file, or a role ARN) into a plan.
pub fn resolve(
    config: &Config,
    name: &str,
    over: &Overrides,
    values: &Values,
) -> Result<Plan, UserError> {
    let role = match config.roles.get(name) {
        Some(r) => r.clone(),
        None => ad_hoc(config, name)?,
    };
    if role.require_reason && over.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(
            usage(format!("role {:?} requires a reason", role.name)).hint(format!(
                "rolex ... {} --reason \"what you are about to do\"",
                role.name
            )),
        );
    }
    // The chain: via roles first.
    let mut chain = vec![role.clone()];
    while let Some(via) = &chain.last().expect("not empty").via {
        chain.push(config.roles[via].clone());
    }
    chain.reverse();
    let first = &chain[0];
    let source = config.sources[&first.source].clone();
    let hops: Vec<Hop> = chain
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut duration = if i + 1 == chain.len() {
                over.duration.unwrap_or(r.duration)
            } else {
                r.duration
            };
            if chain.len() > 1 {
                duration = duration.min(CHAINED_MAX);
            }
            hop(r, duration, values, over.reason.as_deref())
        })
        .collect();
    Ok(Plan {
        role: role.name.clone(),
        account: role.account.clone(),
        account_alias: role.account_alias.clone(),
        region: over.region.clone().or(role.region.clone()),
        color: role.color.clone(),
        description: role.description.clone(),
        mfa: first.mfa,
        source,
        hops,
        confirm: role.confirm,
    })
}

fn hop(r: &Role, duration: u32, values: &Values, reason: Option<&str>) -> Hop {
    let values = Values {
        role: r.name.clone(),
        account: r.account.clone(),
        reason: reason.unwrap_or("").to_string(),
        ..values.clone()
    };
    Hop {
        role: r.name.clone(),
        arn: r.arn.clone(),
        session_name: template::session_name(&r.session_name, &values),
        duration,
        external_id: r.external_id.clone(),
        source_identity: r
            .source_identity
            .as_ref()
            .map(|t| template::session_name(t, &values)),
        tags: r
            .tags
            .iter()
            .map(|(k, t)| {
                (
                    k.clone(),
                    template::render(t, &values, |v| v.chars().take(256).collect()),
                )
            })
            .collect(),
    }
}

/// A role given as a full ARN on the command line, with the file's defaults.
fn ad_hoc(config: &Config, name: &str) -> Result<Role, UserError> {
    let Some((account, _)) = config::parse_role_arn(name) else {
        let mut err = usage(config::unknown("role", name, config.roles.keys()));
        if config.roles.is_empty() {
            let where_ = config
                .path
                .as_ref()
                .map_or("the profile file".to_string(), |p| p.display().to_string());
            err = err.hint(format!(
                "add [roles.{name}] to {where_}, or give a role ARN"
            ));
        } else {
            err = err.hint("`rolex list` shows the roles");
        }
        return Err(err);
    };
    let source = config
        .defaults
        .source
        .clone()
        .or_else(|| (config.sources.len() == 1).then(|| config.sources.keys().next().cloned()).flatten())
        .ok_or_else(|| usage("several sources and no defaults.source: rolex cannot tell which one to assume this ARN from"))?;
    let alias = config
        .accounts
        .iter()
        .find(|(_, id)| **id == account)
        .map(|(a, _)| a.clone());
    Ok(Role {
        name: name.to_string(),
        arn: name.to_string(),
        account,
        account_alias: alias,
        mfa: config
            .sources
            .get(&source)
            .is_some_and(|s| s.mfa_serial.is_some()),
        source,
        duration: config.defaults.duration,
        region: config.defaults.region.clone(),
        external_id: None,
        source_identity: None,
        tags: BTreeMap::new(),
        confirm: false,
        require_reason: false,
        color: None,
        via: None,
        description: None,
        session_name: config.defaults.session_name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[sources.main]
mfa_serial = "arn:aws:iam::111111111111:mfa/alice"
[accounts]
prod = "222222222222"
[roles.org]
account = "999999999999"
role = "OrgAdmin"
duration = "4h"
[roles.deep]
account = "prod"
role = "Deep"
via = "org"
session_name = "rolex-{user}-{role}"
[roles.tagged]
account = "prod"
role = "T"
require_reason = true
tags = { ticket = "{reason}" }
"#;

    fn values() -> Values {
        Values {
            user: "alice".into(),
            host: "box".into(),
            ..Default::default()
        }
    }

    #[test]
    fn via_makes_a_chain_capped_at_one_hour() {
        let c = config::parse("/c.toml", FILE).unwrap();
        let p = resolve(&c, "deep", &Overrides::default(), &values()).unwrap();
        assert_eq!(p.hops.len(), 2);
        assert_eq!(p.hops[0].arn, "arn:aws:iam::999999999999:role/OrgAdmin");
        assert_eq!(p.hops[0].duration, 3600);
        assert_eq!(p.hops[1].session_name, "rolex-alice-deep");
        assert!(p.mfa);
        assert_eq!(p.account_alias.as_deref(), Some("prod"));
    }

    #[test]
    fn reasons_are_required_and_fill_tags() {
        let c = config::parse("/c.toml", FILE).unwrap();
        let e = resolve(&c, "tagged", &Overrides::default(), &values()).unwrap_err();
        assert!(e.message.contains("requires a reason"));
        let over = Overrides {
            reason: Some("INC-42 disk".into()),
            ..Default::default()
        };
        let p = resolve(&c, "tagged", &over, &values()).unwrap();
        assert_eq!(p.hops[0].tags["ticket"], "INC-42 disk");
    }

    #[test]
    fn arns_work_without_a_profile_entry_and_typos_get_suggestions() {
        let c = config::parse("/c.toml", FILE).unwrap();
        let p = resolve(
            &c,
            "arn:aws:iam::222222222222:role/X",
            &Overrides::default(),
            &values(),
        )
        .unwrap();
        assert_eq!(p.account_alias.as_deref(), Some("prod"));
        let e = resolve(&c, "dep", &Overrides::default(), &values()).unwrap_err();
        assert!(e.message.contains("did you mean \"deep\""), "{}", e.message);
    }

    #[test]
    fn fingerprints_change_with_parameters() {
        let c = config::parse("/c.toml", FILE).unwrap();
        let a = resolve(&c, "org", &Overrides::default(), &values()).unwrap();
        let b = resolve(
            &c,
            "org",
            &Overrides {
                duration: Some(900),
                ..Default::default()
            },
            &values(),
        )
        .unwrap();
        assert_ne!(a.fingerprint(""), b.fingerprint(""));
        assert_ne!(a.fingerprint("AKIA1"), a.fingerprint("AKIA2"));
    }
}

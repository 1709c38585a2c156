//! `rolex import --organization`: the accounts of the AWS Organization the
//! current credentials can see become `[accounts]` aliases, and each gets a
//! role entry for one role name (default `OrganizationAccountAccessRole`).
//! What the profile file has already is kept and reported, never replaced.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::Ctx;
use crate::aws::OrgAccount;
use crate::env::Env;
use crate::error::{UserError, failed, usage};

/// The role AWS Organizations creates in every account it creates.
pub const DEFAULT_ROLE: &str = "OrganizationAccountAccessRole";

/// A lower-case alias from an account name: `Prod EU (main)` -> `prod-eu-main`.
pub fn alias_of(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "account".into()
    } else {
        out
    }
}

/// The part of a role entry's name that names the role: `Admin` -> `admin`.
fn role_suffix(role: &str) -> String {
    if role == DEFAULT_ROLE {
        "org-access".into()
    } else {
        alias_of(role.rsplit('/').next().unwrap_or(role))
    }
}

/// What an import adds, and what it leaves alone (and why).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// alias -> account id
    pub aliases: BTreeMap<String, String>,
    /// role entry name -> (alias, role name, account name)
    pub roles: BTreeMap<String, (String, String, String)>,
    pub kept: Vec<String>,
}

/// Decides aliases and roles. Stable across reruns: an account that has an
/// alias keeps it; a new alias that is taken gets the account id's last four
/// digits; sorting by account id makes the choice independent of the order
/// AWS lists accounts in.
pub fn plan(
    accounts: &[OrgAccount],
    management: &str,
    role: &str,
    existing_aliases: &BTreeMap<String, String>,
    existing_roles: &BTreeSet<String>,
) -> Plan {
    let mut p = Plan::default();
    let mut taken: BTreeMap<String, String> = existing_aliases.clone();
    let by_id: BTreeMap<&str, &str> = existing_aliases
        .iter()
        .map(|(a, id)| (id.as_str(), a.as_str()))
        .collect();
    let mut sorted: Vec<&OrgAccount> = accounts.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    for acct in sorted {
        if !acct.active {
            p.kept.push(format!(
                "account {} ({}) is not active; skipped",
                acct.id, acct.name
            ));
            continue;
        }
        if role == DEFAULT_ROLE && acct.id == management {
            p.kept.push(format!(
                "account {} ({}) is the management account, which has no {DEFAULT_ROLE}; skipped",
                acct.id, acct.name
            ));
            continue;
        }
        let alias = match by_id.get(acct.id.as_str()) {
            Some(a) => {
                p.kept
                    .push(format!("account {} keeps its alias {a}", acct.id));
                a.to_string()
            }
            None => {
                let base = alias_of(&acct.name);
                let alias = if taken.contains_key(&base) {
                    let tail = &acct.id[acct.id.len().saturating_sub(4)..];
                    let mut other = format!("{base}-{tail}");
                    let mut n = 2;
                    while taken.contains_key(&other) {
                        other = format!("{base}-{tail}-{n}");
                        n += 1;
                    }
                    p.kept.push(format!(
                        "alias {base} is taken by account {}; account {} is {other}",
                        taken[&base], acct.id
                    ));
                    other
                } else {
                    base
                };
                taken.insert(alias.clone(), acct.id.clone());
                p.aliases.insert(alias.clone(), acct.id.clone());
                alias
            }
        };
        let entry = format!("{alias}-{}", role_suffix(role));
        if existing_roles.contains(&entry) {
            p.kept.push(format!(
                "role {entry} is in the profile file already; kept as it is"
            ));
            continue;
        }
        p.roles
            .insert(entry, (alias, role.to_string(), acct.name.clone()));
    }
    p
}

pub fn import(ctx: &Ctx, role: &str, write: bool) -> anyhow::Result<i32> {
    let region = ctx
        .config
        .defaults
        .region
        .clone()
        .unwrap_or_else(|| "us-east-1".into());
    let sessions = ctx.sessions()?;
    let aws = sessions.client(&region)?;
    let creds = aws.default_chain_credentials().map_err(|e| {
        failed(format!("no credentials to read the organization with: {}", e.message))
            .hint("run it as a role that may call organizations:ListAccounts, e.g. `rolex exec org-reader -- rolex import --organization`")
    })?;
    let (accounts, management) = aws.organization_accounts(&creds)?;
    let existing_aliases: BTreeMap<String, String> = ctx
        .config
        .accounts
        .iter()
        .map(|(a, id)| (a.clone(), id.clone()))
        .collect();
    let existing_roles: BTreeSet<String> = ctx.config.roles.keys().cloned().collect();
    let p = plan(
        &accounts,
        &management,
        role,
        &existing_aliases,
        &existing_roles,
    );
    for k in &p.kept {
        eprintln!("rolex: {k}");
    }
    let doc = render(&p);
    if p.roles.is_empty() && p.aliases.is_empty() {
        eprintln!(
            "rolex: nothing new in the organization's {} account(s)",
            accounts.len()
        );
        return Ok(0);
    }
    if !write {
        out!("{doc}");
        eprintln!(
            "rolex: {} alias(es) and {} role(s) from {} account(s); `rolex import --organization --write` adds them to the profile file",
            p.aliases.len(),
            p.roles.len(),
            accounts.len()
        );
        return Ok(0);
    }
    let target = ctx.profile_path()?;
    write_merged(ctx.env, &target, &p)?;
    eprintln!(
        "rolex: wrote {} alias(es) and {} role(s) into {}",
        p.aliases.len(),
        p.roles.len(),
        target.display()
    );
    Ok(0)
}

fn role_table(alias: &str, role: &str, name: &str) -> toml_edit::Table {
    let mut t = toml_edit::Table::new();
    t.insert("account", toml_edit::value(alias));
    t.insert("role", toml_edit::value(role));
    t.insert(
        "description",
        toml_edit::value(format!("{name} (AWS Organizations)")),
    );
    t
}

fn render(p: &Plan) -> String {
    let mut doc = toml_edit::DocumentMut::new();
    let mut accounts = toml_edit::Table::new();
    for (alias, id) in &p.aliases {
        accounts.insert(alias, toml_edit::value(id.clone()));
    }
    let mut roles = toml_edit::Table::new();
    roles.set_implicit(true);
    for (entry, (alias, role, name)) in &p.roles {
        roles.insert(entry, toml_edit::Item::Table(role_table(alias, role, name)));
    }
    doc.insert("accounts", toml_edit::Item::Table(accounts));
    doc.insert("roles", toml_edit::Item::Table(roles));
    doc.to_string()
}

/// Adds the plan to the profile file, keeping every other byte; the result
/// must load before it replaces the file.
fn write_merged(env: &Env, target: &Path, p: &Plan) -> Result<(), UserError> {
    let old = match std::fs::read_to_string(target) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(failed(format!("cannot read {}: {e}", target.display()))),
    };
    let mut doc: toml_edit::DocumentMut = old
        .parse()
        .map_err(|e| usage(format!("{}: {e}", target.display())))?;
    let accounts = doc.entry("accounts").or_insert(toml_edit::table());
    let accounts = accounts
        .as_table_mut()
        .ok_or_else(|| usage(format!("{}: [accounts] is not a table", target.display())))?;
    for (alias, id) in &p.aliases {
        // Never over what the file has (an include may have changed since).
        if accounts.contains_key(alias) {
            return Err(failed(format!(
                "alias {alias} is already in {}; nothing was changed",
                target.display()
            )));
        }
        accounts.insert(alias, toml_edit::value(id.clone()));
    }
    let roles = doc.entry("roles").or_insert(toml_edit::table());
    let roles = roles
        .as_table_mut()
        .ok_or_else(|| usage(format!("{}: [roles] is not a table", target.display())))?;
    roles.set_implicit(true);
    for (entry, (alias, role, name)) in &p.roles {
        if roles.contains_key(entry) {
            return Err(failed(format!(
                "role {entry} is already in {}; nothing was changed",
                target.display()
            )));
        }
        roles.insert(entry, toml_edit::Item::Table(role_table(alias, role, name)));
    }
    replace_checked(env, target, &doc.to_string())
}

/// Replaces the profile file with `text` only if the result loads (with its
/// includes).
fn replace_checked(env: &Env, target: &Path, text: &str) -> Result<(), UserError> {
    super::profile_text_loads(env, target, text).map_err(|e| {
        failed(format!(
            "the imported accounts would not load ({}); the profile file was not changed",
            e.message
        ))
        .hint("with several sources, set [defaults] source so that the new roles have one")
    })?;
    crate::cmd::secrets::write_file(target, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(id: &str, name: &str) -> OrgAccount {
        OrgAccount {
            id: id.into(),
            name: name.into(),
            active: true,
        }
    }

    #[test]
    fn aliases_are_lower_case_unique_and_stable() {
        assert_eq!(alias_of("Prod EU (main)"), "prod-eu-main");
        assert_eq!(alias_of("--"), "account");
        let accounts = [
            acct("111111111111", "Management"),
            acct("333333333333", "Prod"),
            acct("222222222222", "prod"),
        ];
        let mut existing = BTreeMap::new();
        existing.insert("staging".to_string(), "444444444444".to_string());
        let p = plan(
            &accounts,
            "111111111111",
            DEFAULT_ROLE,
            &existing,
            &BTreeSet::new(),
        );
        assert_eq!(p.aliases["prod"], "222222222222");
        assert_eq!(p.aliases["prod-3333"], "333333333333");
        assert!(!p.aliases.values().any(|id| id == "111111111111"));
        assert_eq!(p.roles["prod-org-access"].1, DEFAULT_ROLE);
        // Many accounts of one name whose ids end alike still get one alias each.
        let same = [
            acct("100000001234", "Sandbox"),
            acct("200000001234", "Sandbox"),
            acct("300000001234", "Sandbox"),
        ];
        let s = plan(&same, "", "Admin", &BTreeMap::new(), &BTreeSet::new());
        assert_eq!(s.aliases.len(), 3, "{:?}", s.aliases);
        assert_eq!(s.roles.len(), 3);
        // Listed in another order: the same result.
        let reversed: Vec<_> = accounts.iter().rev().cloned().collect();
        assert_eq!(
            plan(
                &reversed,
                "111111111111",
                DEFAULT_ROLE,
                &existing,
                &BTreeSet::new()
            ),
            p
        );
        // Rerun after writing: nothing new.
        let mut after = existing.clone();
        after.extend(p.aliases.clone());
        let roles: BTreeSet<String> = p.roles.keys().cloned().collect();
        let again = plan(&accounts, "111111111111", DEFAULT_ROLE, &after, &roles);
        assert!(again.aliases.is_empty() && again.roles.is_empty());
    }
}

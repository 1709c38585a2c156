//! `rolex list`: the roles of the profile file and their cached sessions.

use serde_json::json;

use super::Ctx;
use crate::config::Role;
use crate::error::UserError;
use crate::session::format_left;
use crate::terminal::printable;

pub fn list(ctx: &Ctx, json_out: bool) -> anyhow::Result<i32> {
    ctx.first_run("no roles to list")?;
    let (rows, store_error) = rows(ctx)?;
    if json_out {
        print_json(&rows)?;
    } else if rows.is_empty() {
        outln!("no roles: add [roles.NAME] to the profile file");
    } else {
        print_table(&rows)?;
    }
    if let Some(e) = store_error {
        eprintln!(
            "rolex: cached sessions not shown: {}",
            printable(&e.message)
        );
    }
    Ok(0)
}

/// A role and the seconds its cached session has left.
type Row<'a> = (&'a Role, Option<i64>);

/// Every role with its cached session, from one read of the cache; a cache
/// that cannot be read leaves the sessions out and says why.
fn rows<'a>(ctx: &'a Ctx) -> anyhow::Result<(Vec<Row<'a>>, Option<UserError>)> {
    let mut sessions = ctx.sessions()?;
    let mut store_error = None;
    if !ctx.common.no_cache
        && let Err(e) = sessions.cache().all()
    {
        store_error = Some(e);
    }
    let mut rows = Vec::new();
    for role in ctx.config.roles.values() {
        let left = if ctx.common.no_cache || store_error.is_some() {
            None
        } else {
            match sessions.cached_seconds_left(&role.name) {
                Ok(l) => l,
                Err(e) => {
                    store_error = Some(e);
                    None
                }
            }
        };
        rows.push((role, left));
    }
    Ok((rows, store_error))
}

fn print_json(rows: &[Row]) -> anyhow::Result<()> {
    let items: Vec<_> = rows
        .iter()
        .map(|(r, left)| {
            json!({
                "name": r.name,
                "account": r.account,
                "account_alias": r.account_alias,
                "role_arn": r.arn,
                "source": r.source,
                "mfa": r.mfa,
                "via": r.via,
                "description": r.description,
                "cached_seconds_left": left,
            })
        })
        .collect();
    outln!("{}", serde_json::to_string_pretty(&items)?);
    Ok(())
}

fn print_table(rows: &[Row]) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    outln!(
        "{:<20} {:<26} {:<4} {:<8} ROLE ARN",
        "ROLE",
        "ACCOUNT",
        "MFA",
        "CACHED"
    );
    // One write for the whole table, not one per line.
    let mut table = String::new();
    for (r, left) in rows {
        let account = match &r.account_alias {
            Some(a) => format!("{} ({})", printable(a), r.account),
            None => r.account.clone(),
        };
        let cached = left.map_or("-".to_string(), format_left);
        let _ = writeln!(
            table,
            "{:<20} {:<26} {:<4} {:<8} {}",
            printable(&r.name),
            account,
            if r.mfa { "yes" } else { "no" },
            cached,
            printable(&r.arn)
        );
    }
    out!("{table}");
    Ok(())
}

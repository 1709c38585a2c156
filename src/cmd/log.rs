//! `rolex log`: the local audit trail.

use crate::audit;
use crate::env::Env;
use crate::error::{failed, usage};

pub fn log(env: &Env, since: Option<&str>, json: bool) -> anyhow::Result<i32> {
    let cutoff = match since {
        Some(s) => {
            let d = humantime::parse_duration(s).map_err(|e| {
                usage(format!(
                    "--since {s:?} is not a duration ({e}); write it like 24h or 7d"
                ))
            })?;
            let d = time::Duration::try_from(d)
                .map_err(|_| usage(format!("--since {s:?} is too long")))?;
            Some(time::OffsetDateTime::now_utc() - d)
        }
        None => None,
    };
    let entries = audit::read(env).map_err(|e| {
        failed(format!(
            "cannot read the audit trail {}: {e}",
            audit::path(env).display()
        ))
    })?;
    let entries: Vec<_> = entries
        .into_iter()
        .filter(|e| {
            match (
                cutoff,
                time::OffsetDateTime::parse(
                    &e.time,
                    &time::format_description::well_known::Rfc3339,
                ),
            ) {
                (Some(c), Ok(t)) => t >= c,
                (Some(_), Err(_)) => false,
                (None, _) => true,
            }
        })
        .collect();
    if json {
        for e in &entries {
            outln!("{}", serde_json::to_string(e)?);
        }
        return Ok(0);
    }
    if entries.is_empty() {
        outln!("no entries in {}", audit::path(env).display());
        return Ok(0);
    }
    outln!(
        "{:<20} {:<18} {:<20} {:<13} {:<12} REASON",
        "TIME (UTC)",
        "EVENT",
        "ROLE",
        "ACCOUNT",
        "USER"
    );
    for e in &entries {
        let when: String = e.time.replace('T', " ").chars().take(19).collect();
        let event = if e.new_session || e.event == "exit" {
            e.event.clone()
        } else {
            format!("{} (cached)", e.event)
        };
        outln!(
            "{:<20} {:<18} {:<20} {:<13} {:<12} {}",
            when,
            event,
            e.role,
            e.account.as_deref().unwrap_or("-"),
            e.user,
            e.reason.as_deref().unwrap_or("")
        );
    }
    Ok(0)
}

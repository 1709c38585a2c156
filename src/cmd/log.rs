//! `rolex log`: the local audit trail.

use crate::audit;
use crate::env::Env;
use crate::error::{UserError, failed, usage};
use crate::terminal::printable;

/// The earliest time `--since SINCE` shows, counted back from `now`; `None`
/// when it reaches back before any time there can be (everything is shown).
fn cutoff(
    since: &str,
    now: time::OffsetDateTime,
) -> Result<Option<time::OffsetDateTime>, UserError> {
    let d = humantime::parse_duration(since).map_err(|e| {
        usage(format!(
            "--since {since:?} is not a duration ({e}); write it like 24h or 7d"
        ))
    })?;
    Ok(time::Duration::try_from(d)
        .ok()
        .and_then(|d| now.checked_sub(d)))
}

pub fn log(env: &Env, since: Option<&str>, json: bool) -> anyhow::Result<i32> {
    let cutoff = match since {
        Some(s) => cutoff(s, time::OffsetDateTime::now_utc())?,
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
            printable(&when),
            printable(&event),
            printable(&e.role),
            printable(e.account.as_deref().unwrap_or("-")),
            printable(&e.user),
            printable(e.reason.as_deref().unwrap_or(""))
        );
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::cutoff;

    #[test]
    fn since_further_back_than_time_itself_shows_everything() {
        let now = time::OffsetDateTime::now_utc();
        assert_eq!(
            cutoff("1h", now).unwrap(),
            Some(now - time::Duration::hours(1))
        );
        for huge in ["300000y", "500000000y", "18446744073709551615s"] {
            assert_eq!(cutoff(huge, now).unwrap(), None, "{huge}");
        }
        assert!(cutoff("soon", now).is_err());
        assert!(cutoff("9999999999999y", now).is_err());
    }
}

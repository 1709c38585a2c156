//! How long a session has left. Environment and clock only, so the small
//! `rolex` front binary and `rolex prompt` can share it.

use crate::env::Env;

/// Seconds from now until an RFC 3339 time (negative once past).
pub fn seconds_left(expiration: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(expiration, &time::format_description::well_known::Rfc3339)
        .ok()?;
    Some((t - time::OffsetDateTime::now_utc()).whole_seconds())
}

/// "42m", "1h05m", "30s".
pub fn format_left(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{}s", s.max(0)),
        s if s < 3600 => format!("{}m", s / 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// The shell's role and how long ago its session ran out, if it has.
pub fn expired_role(env: &Env) -> Option<(&str, i64)> {
    let role = env.non_empty("ROLEX_ROLE")?;
    let left = seconds_left(env.non_empty("AWS_CREDENTIAL_EXPIRATION")?)?;
    (left <= 0).then_some((role, -left))
}

/// Says on stderr that the shell's role has expired, if it has.
pub fn warn_if_expired(env: &Env) {
    if let Some((role, ago)) = expired_role(env) {
        let role = crate::terminal::printable(role);
        eprintln!(
            "rolex: the session of role {role} expired {} ago; `rolex switch {role}` renews it, `rolex exit` leaves it",
            format_left(ago)
        );
    }
}

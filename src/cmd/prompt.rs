//! `rolex prompt`: runs at every prompt, so it reads the environment and
//! nothing else: no profile file, no secret store, no SDK.

use std::io::Write;

use crate::env::Env;
use crate::session::{format_left, seconds_left};
use crate::terminal::printable;

const DEFAULT_FORMAT: &str = "{role}@{alias} {left}{mark}";
/// Under this many seconds left, the segment carries a warning mark.
const WARN_SECS: i64 = 300;

/// `rolex prompt` with the plain flags, parsed by hand so that the prompt does
/// not pay for building the whole clap command tree. Anything unusual
/// (`--help`, an unknown flag) returns `None` and goes through clap.
pub fn fast_path(env: &Env) -> Option<i32> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != "prompt" {
        return None;
    }
    let (mut format, mut shell, mut no_color) = (None, None, false);
    while let Some(arg) = args.next() {
        let arg = arg.into_string().ok()?;
        match arg.as_str() {
            "--no-color" => no_color = true,
            "--format" => format = Some(args.next()?.into_string().ok()?),
            "--shell" => shell = Some(args.next()?.into_string().ok()?),
            _ => match arg.split_once('=') {
                Some(("--format", v)) => format = Some(v.to_string()),
                Some(("--shell", v)) => shell = Some(v.to_string()),
                _ => return None,
            },
        }
    }
    Some(crate::error::exit_code(run(
        env,
        format.as_deref(),
        shell.as_deref(),
        no_color,
    )))
}

pub fn run(
    env: &Env,
    format: Option<&str>,
    shell: Option<&str>,
    no_color: bool,
) -> anyhow::Result<i32> {
    let text = segment(env, format, shell, no_color);
    if !text.is_empty() {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
    }
    Ok(0)
}

/// The segment, or "" outside a role.
pub fn segment(env: &Env, format: Option<&str>, shell: Option<&str>, no_color: bool) -> String {
    let Some(role) = env.non_empty("ROLEX_ROLE") else {
        return String::new();
    };
    let account = env.non_empty("ROLEX_ACCOUNT").unwrap_or("");
    let alias = env.non_empty("ROLEX_ACCOUNT_ALIAS").unwrap_or(account);
    let left = env
        .non_empty("AWS_CREDENTIAL_EXPIRATION")
        .and_then(seconds_left);
    let (left_text, mark) = match left {
        Some(s) if s <= 0 => ("expired".to_string(), "!"),
        Some(s) if s < WARN_SECS => (format_left(s), "!"),
        Some(s) => (format_left(s), ""),
        None => (String::new(), ""),
    };
    // The values come from the environment (and from there from a profile
    // file): no control characters, and no `%` that zsh would expand.
    let clean = |v: &str| {
        let v = printable(v);
        if shell == Some("zsh") {
            v.replace('%', "%%")
        } else {
            v.into_owned()
        }
    };
    let text = format
        .unwrap_or(DEFAULT_FORMAT)
        .replace("{role}", &clean(role))
        .replace("{account}", &clean(account))
        .replace("{alias}", &clean(alias))
        .replace("{left}", &left_text)
        .replace("{mark}", mark);
    let text = text.trim_end().to_string();
    let color = if left.is_some_and(|s| s < WARN_SECS) {
        Some("yellow")
    } else {
        env.non_empty("ROLEX_COLOR")
    };
    match color.and_then(ansi) {
        Some(code) if !no_color && env.get("NO_COLOR").is_none_or(str::is_empty) => {
            let (open, close) = match shell {
                Some("bash") => ("\x01", "\x02"),
                Some("zsh") => ("%{", "%}"),
                _ => ("", ""),
            };
            format!("{open}\x1b[{code}m{close}{text}{open}\x1b[0m{close}")
        }
        _ => text,
    }
}

fn ansi(color: &str) -> Option<&'static str> {
    Some(match color {
        "black" => "30",
        "red" => "31",
        "green" => "32",
        "yellow" => "33",
        "blue" => "34",
        "magenta" => "35",
        "cyan" => "36",
        "white" => "37",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(exp: &str, color: Option<&str>) -> Env {
        let mut e = Env::from_pairs(&[
            ("ROLEX_ROLE", "prod-admin"),
            ("ROLEX_ACCOUNT", "222222222222"),
            ("ROLEX_ACCOUNT_ALIAS", "prod"),
            ("AWS_CREDENTIAL_EXPIRATION", exp),
        ]);
        if let Some(c) = color {
            e.set("ROLEX_COLOR", c);
        }
        e
    }

    fn in_minutes(m: i64) -> String {
        (time::OffsetDateTime::now_utc() + time::Duration::seconds(m * 60 + 30))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    }

    #[test]
    fn shows_role_alias_and_time_left() {
        assert_eq!(
            segment(&env(&in_minutes(42), None), None, None, false),
            "prod-admin@prod 42m"
        );
        assert_eq!(segment(&Env::default(), None, None, false), "");
    }

    #[test]
    fn marks_low_and_expired_sessions() {
        assert_eq!(
            segment(&env(&in_minutes(3), None), None, None, true),
            "prod-admin@prod 3m!"
        );
        assert_eq!(
            segment(&env("2001-01-01T00:00:00Z", None), None, None, true),
            "prod-admin@prod expired!"
        );
    }

    #[test]
    fn colours_unless_told_not_to() {
        let e = env(&in_minutes(42), Some("red"));
        assert_eq!(
            segment(&e, None, None, false),
            "\x1b[31mprod-admin@prod 42m\x1b[0m"
        );
        assert_eq!(
            segment(&e, None, Some("bash"), false),
            "\x01\x1b[31m\x02prod-admin@prod 42m\x01\x1b[0m\x02"
        );
        assert_eq!(segment(&e, None, None, true), "prod-admin@prod 42m");
        let mut n = e.clone();
        n.set("NO_COLOR", "1");
        assert_eq!(segment(&n, Some("[{role}]"), None, false), "[prod-admin]");
    }

    #[test]
    fn values_cannot_drive_the_terminal_or_the_zsh_prompt() {
        let mut e = env(&in_minutes(42), None);
        e.set("ROLEX_ROLE", "prod\x1b]0;pwned\x07\r\n%F{red}");
        e.set("ROLEX_ACCOUNT_ALIAS", "a\u{9b}2J\u{202e}");
        let zsh = segment(&e, None, Some("zsh"), true);
        assert_eq!(
            zsh,
            "prod\\u{1b}]0;pwned\\u{7}\\r\\n%%F{red}@a\\u{9b}2J\\u{202e} 42m"
        );
        let bash = segment(&e, None, Some("bash"), true);
        assert!(!bash.chars().any(char::is_control), "{bash:?}");
        assert!(bash.contains("%F{red}"), "{bash:?}");
    }
}

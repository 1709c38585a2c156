//! `console`: the AWS Management Console as the role, through the
//! federation endpoint (getSigninToken, then the login URL), signing out of
//! the browser's previous console session first.

use super::Ctx;
use crate::browser;
use crate::config::SourceKind;
use crate::env::Env;
use crate::error::failed;
use crate::profile::Plan;
use crate::session;
use crate::signin::{self, Endpoints, Target, TokenError};

pub fn console(
    ctx: &Ctx,
    role: Option<String>,
    print: bool,
    service: Option<String>,
    destination: Option<String>,
    no_logout: bool,
) -> anyhow::Result<i32> {
    let role = match ctx.pick_role(role) {
        Ok(r) => r,
        Err(_) if crate::shell::tty_term().is_some() => super::switch::pick(ctx)?,
        Err(e) => return Err(e.into()),
    };
    let plan = ctx.plan(&role)?;
    let arn = &plan.hops.last().expect("a plan has a hop").arn;
    // Everything that can be wrong with the request is found before MFA.
    let endpoints = Endpoints::for_role(
        arn,
        ctx.env.non_empty("ROLEX_SIGNIN_URL"),
        ctx.env.non_empty("ROLEX_CONSOLE_URL"),
    )?;
    let original = ctx.env.original();
    let target = match (&service, &destination) {
        (Some(s), _) => Target::Service(s),
        (_, Some(url)) => Target::Url(url),
        _ => Target::Home,
    };
    let destination = signin::destination(&endpoints.console, &region(&plan, &original), target)?;
    let opener = if print { None } else { browser::find(ctx.env)? };
    ctx.confirm(&plan)?;
    let mut sessions = ctx.sessions()?;
    let session = sessions.role(&plan)?;
    let duration = console_duration(&plan, sessions.original());
    let json = signin::session_json(&session.credentials)?;
    let token = signin::signin_token(&signin::token_request_url(
        &endpoints.signin,
        &json,
        duration,
    ))
    .map_err(|e| token_error(e, &plan.role, &endpoints.signin, duration))?;
    let login = signin::login_url(&endpoints.signin, &destination, &token);
    let url = if no_logout {
        login
    } else {
        signin::logout_url(&endpoints.signin, &login)
    };
    ctx.audit("console", &plan, &session);
    let account = plan.account_alias.as_deref().unwrap_or(&plan.account);
    let lasting = match duration {
        Some(d) => format!("a {} console session", session::format_left(d.into())),
        None => "a console session that AWS ends with the role session".to_string(),
    };
    match opener {
        None => {
            outln!("{url}");
            eprintln!(
                "rolex: sign-in URL for {} in {account} on stdout ({lasting}); it is a secret and works once within 15 minutes",
                plan.role
            );
        }
        Some(opener) => {
            let dir = crate::store::private_dir(ctx.env)?;
            eprintln!(
                "rolex: opening the AWS console as {} in {account} ({lasting})",
                plan.role
            );
            browser::open(&opener, &url, &dir, ctx.env)?;
        }
    }
    Ok(0)
}

/// The console's region: the role's (or `--region`), else the shell's, else
/// us-east-1.
fn region(plan: &Plan, original: &Env) -> String {
    plan.region
        .as_deref()
        .or(original.non_empty("AWS_REGION"))
        .or(original.non_empty("AWS_DEFAULT_REGION"))
        .unwrap_or("us-east-1")
        .to_string()
}

/// `SessionDuration` for getSigninToken: the role's duration, but only for a
/// role session assumed with long-term keys. AWS refuses it for role-chained
/// sessions (a `via` chain, an MFA session, a source that is itself a
/// session); where rolex cannot tell (an AWS profile, the default chain
/// without keys in the environment) it is left out too.
fn console_duration(plan: &Plan, original: &Env) -> Option<u32> {
    let base_is_session = match plan.source.kind {
        SourceKind::Store => Some(false),
        SourceKind::Env | SourceKind::DefaultChain => original
            .non_empty("AWS_ACCESS_KEY_ID")
            .map(|_| original.non_empty("AWS_SESSION_TOKEN").is_some()),
        SourceKind::AwsProfile(_) => None,
    };
    let chained = plan.hops.len() > 1
        || base_is_session
            .is_none_or(|temporary| temporary || session::via_mfa_session(plan, temporary));
    let last = plan.hops.last().expect("a plan has a hop");
    (!chained).then(|| {
        last.duration.clamp(
            *signin::SESSION_DURATION.start(),
            *signin::SESSION_DURATION.end(),
        )
    })
}

fn token_error(e: TokenError, role: &str, host: &str, duration: Option<u32>) -> anyhow::Error {
    let err = match e {
        TokenError::Refused(status) => {
            let hint = match duration {
                Some(d) => format!(
                    "the role session may have expired, or AWS refused a console session of {}: `rolex clear {role}` and try again, or a shorter --duration",
                    session::format_left(d.into())
                ),
                None => {
                    format!("the role session may have expired: `rolex clear {role}` and try again")
                }
            };
            failed(format!(
                "the AWS sign-in endpoint {host} refused the session of role {role} (HTTP {status})"
            ))
            .hint(hint)
        }
        TokenError::Network(why) => failed(format!(
            "cannot reach the AWS sign-in endpoint {host}: {why}"
        ))
        .hint("check the network, and ROLEX_SIGNIN_URL if it is set"),
        TokenError::BadAnswer(why) => failed(format!(
            "the AWS sign-in endpoint {host} gave no sign-in token: {why}"
        ))
        .hint("check ROLEX_SIGNIN_URL if it is set"),
    };
    err.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use crate::profile::{Overrides, resolve};
    use crate::template::Values;

    const FILE: &str = r#"
[sources.keys]
mfa_serial = "arn:aws:iam::111111111111:mfa/alice"
mfa_session = "off"
[sources.session]
mfa_serial = "arn:aws:iam::111111111111:mfa/alice"
mfa_session = "12h"
[roles.direct]
account = "222222222222"
role = "A"
source = "keys"
duration = "2h"
[roles.from-mfa-session]
account = "222222222222"
role = "B"
source = "session"
[roles.long-from-mfa-session]
account = "222222222222"
role = "C"
source = "session"
duration = "4h"
[roles.chained]
account = "333333333333"
role = "D"
source = "keys"
via = "direct"
"#;

    fn duration(role: &str, env: &[(&str, &str)]) -> Option<u32> {
        let c = config::parse("/c.toml", FILE).unwrap();
        let plan = resolve(&c, role, &Overrides::default(), &Values::default()).unwrap();
        console_duration(&plan, &Env::from_pairs(env))
    }

    #[test]
    fn session_duration_only_for_sessions_assumed_with_long_term_keys() {
        assert_eq!(duration("direct", &[]), Some(7200));
        // GetSessionToken first: role chaining, AWS would refuse it.
        assert_eq!(duration("from-mfa-session", &[]), None);
        // Longer than an MFA session allows: assumed directly with MFA.
        assert_eq!(duration("long-from-mfa-session", &[]), Some(14400));
        assert_eq!(duration("chained", &[]), None);
    }

    #[test]
    fn sources_that_are_sessions_themselves_get_no_session_duration() {
        let file = FILE.replace("[sources.keys]\n", "[sources.keys]\nfrom = \"env\"\n");
        let c = config::parse("/c.toml", &file).unwrap();
        let plan = resolve(&c, "direct", &Overrides::default(), &Values::default()).unwrap();
        let env = |pairs: &[(&str, &str)]| console_duration(&plan, &Env::from_pairs(pairs));
        assert_eq!(env(&[("AWS_ACCESS_KEY_ID", "AKIA1")]), Some(7200));
        assert_eq!(
            env(&[("AWS_ACCESS_KEY_ID", "ASIA1"), ("AWS_SESSION_TOKEN", "t")]),
            None
        );
        assert_eq!(env(&[]), None, "keys from somewhere rolex cannot see");
    }
}

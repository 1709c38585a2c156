//! `rolex status`: the active role of this shell, from the environment;
//! `--check` asks STS who the shell's credentials really are.

use serde_json::json;

use super::Ctx;
use crate::aws::Sts;
use crate::error::{Exit, failed};
use crate::session::{format_left, seconds_left};
use crate::source::from_env_vars;
use crate::terminal::printable;

pub fn status(ctx: &Ctx, json_out: bool, check: bool) -> anyhow::Result<i32> {
    let env = ctx.env;
    let role = env.non_empty("ROLEX_ROLE");
    let account = env.non_empty("ROLEX_ACCOUNT");
    let alias = env.non_empty("ROLEX_ACCOUNT_ALIAS");
    let expiration = env.non_empty("AWS_CREDENTIAL_EXPIRATION");
    let left = expiration.and_then(seconds_left);
    let identity = if check {
        let creds = from_env_vars(env)
            .ok_or_else(|| failed("this shell has no AWS keys in its environment to check"))?;
        let region = env.non_empty("AWS_REGION").unwrap_or("us-east-1");
        let sessions = ctx.sessions()?;
        Some(sessions.client(region)?.get_caller_identity(&creds)?)
    } else {
        None
    };
    if json_out {
        let v = json!({
            "active": role.is_some(),
            "role": role,
            "account": account,
            "account_alias": alias,
            "expiration": expiration,
            "seconds_left": left,
            "subshell": env.non_empty("ROLEX_SUBSHELL").is_some(),
            "identity": identity,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        match role {
            Some(r) => {
                let acct = match alias {
                    Some(a) => format!("{a} ({})", account.unwrap_or("?")),
                    None => account.unwrap_or("?").to_string(),
                };
                let time = match left {
                    Some(s) if s <= 0 => "expired".to_string(),
                    Some(s) => format!("{} left", format_left(s)),
                    None => "expiry unknown".to_string(),
                };
                outln!(
                    "role {} in account {}, {time}",
                    printable(r),
                    printable(&acct)
                );
            }
            None => outln!("no role active"),
        }
        if let Some(id) = &identity {
            outln!("STS says: {}", printable(&id.arn));
        }
    }
    if let (Some(id), Some(acct)) = (&identity, account)
        && id.account != acct
    {
        eprintln!(
            "rolex: the credentials belong to account {}, not {}",
            printable(&id.account),
            printable(acct)
        );
        return Err(Exit(1).into());
    }
    if role.is_none() && identity.is_none() {
        return Err(Exit(1).into());
    }
    if left.is_some_and(|s| s <= 0) {
        return Err(Exit(1).into());
    }
    Ok(0)
}

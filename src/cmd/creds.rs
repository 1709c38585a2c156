//! `exec`, `env` and `credential-process`: a role session handed to a
//! command, to a shell or tool, or to an AWS SDK.

use std::process::Command;

use super::Ctx;
use crate::cli::EnvFormat;
use crate::error::{UserError, failed};
use crate::output::{self, RoleVars};
use crate::profile::Plan;
use crate::session::{Session, Sessions};

/// ROLE (or the default one) resolved, confirmed, and its session: cached
/// or new. What `exec`, `exec --server` and `env` start with.
pub(super) fn role_session<'c>(
    ctx: &'c Ctx,
    role: Option<String>,
) -> Result<(Plan, Sessions<'c>, Session), UserError> {
    let role = ctx.pick_role(role)?;
    let plan = ctx.plan(&role)?;
    ctx.confirm(&plan)?;
    let mut sessions = ctx.sessions()?;
    let session = sessions.role(&plan)?;
    Ok((plan, sessions, session))
}

pub fn exec(ctx: &Ctx, role: Option<String>, command: &[String]) -> anyhow::Result<i32> {
    let (plan, sessions, session) = role_session(ctx, role)?;
    let inside =
        RoleVars::new(&plan, &session.credentials, sessions.original()).apply(sessions.original());
    ctx.audit("exec", &plan, &session);
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..]);
    output::apply_to_command(&mut cmd, &inside);
    crate::process::run_replacing(cmd, &command[0])
}

pub fn env(ctx: &Ctx, role: Option<String>, format: EnvFormat) -> anyhow::Result<i32> {
    let (plan, sessions, session) = role_session(ctx, role)?;
    ctx.audit("env", &plan, &session);
    let vars = RoleVars::new(&plan, &session.credentials, sessions.original());
    out!("{}", vars.render(format));
    Ok(0)
}

pub fn credential_process(ctx: &Ctx, role: &str) -> anyhow::Result<i32> {
    if called_by_credential_process() {
        return Err(failed("rolex credential-process called itself: the AWS profile its source reads runs rolex again")
            .hint("give the role a source that does not use a rolex credential_process profile (for example from = \"env\" or rolex add)")
            .into());
    }
    let plan = ctx.plan(role)?;
    let mut sessions = ctx.sessions()?;
    let session = sessions.role(&plan)?;
    if session.new {
        ctx.audit("credential-process", &plan, &session);
    }
    if session.credentials.session_token.is_none() {
        return Err(failed("STS returned no session token").into());
    }
    out!("{}", output::credential_process(&session.credentials));
    Ok(0)
}

/// Whether an ancestor process is `rolex credential-process` too: an AWS
/// profile whose `credential_process` runs rolex, used as rolex's own source,
/// would otherwise start processes without end. Linux only (/proc).
fn called_by_credential_process() -> bool {
    let me = std::fs::read_link("/proc/self/exe").ok();
    let mut pid = std::process::id();
    for _ in 0..8 {
        let Some(parent) = crate::process::parent_of(pid) else {
            return false;
        };
        if parent <= 1 {
            return false;
        }
        let cmdline = std::fs::read(format!("/proc/{parent}/cmdline")).unwrap_or_default();
        let exe = std::fs::read_link(format!("/proc/{parent}/exe")).ok();
        if exe.is_some()
            && exe == me
            && cmdline
                .split(|b| *b == 0)
                .any(|a| a == b"credential-process")
        {
            return true;
        }
        pid = parent;
    }
    false
}

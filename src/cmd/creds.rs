//! `exec`, `env` and `credential-process`: a role session handed to a
//! command, to a shell or tool, or to an AWS SDK.

use std::process::Command;

use super::Ctx;
use crate::cli::EnvFormat;
use crate::env::{HOOK_VAR, SAVED_VAR};
use crate::error::{Exit, failed};
use crate::output::{self, RoleVars};

pub fn exec(ctx: &Ctx, role: Option<String>, command: &[String]) -> anyhow::Result<i32> {
    let role = ctx.pick_role(role)?;
    let plan = ctx.plan(&role)?;
    ctx.confirm(&plan)?;
    let mut sessions = ctx.sessions()?;
    let session = sessions.role(&plan)?;
    let inside =
        RoleVars::new(&plan, &session.credentials, sessions.original()).apply(sessions.original());
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..]).env_clear();
    for (k, v) in inside
        .iter()
        .filter(|(k, _)| ![SAVED_VAR, HOOK_VAR, "ROLEX_FILE_PASSPHRASE"].contains(k))
    {
        cmd.env(k, v);
    }
    run_replacing(cmd, &command[0])
}

/// Runs the command in rolex's place (Unix: exec), so its exit status and
/// signals are its own.
fn run_replacing(mut cmd: Command, name: &str) -> anyhow::Result<i32> {
    let not_run = |e: std::io::Error| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            127
        } else {
            126
        };
        eprintln!("rolex: cannot run {name}: {e}");
        anyhow::Error::new(Exit(code))
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        Err(not_run(cmd.exec()))
    }
    #[cfg(not(unix))]
    {
        let status = cmd.status().map_err(not_run)?;
        Ok(status.code().unwrap_or(1))
    }
}

pub fn env(ctx: &Ctx, role: Option<String>, format: EnvFormat) -> anyhow::Result<i32> {
    let role = ctx.pick_role(role)?;
    let plan = ctx.plan(&role)?;
    ctx.confirm(&plan)?;
    let mut sessions = ctx.sessions()?;
    let session = sessions.role(&plan)?;
    let vars = RoleVars::new(&plan, &session.credentials, sessions.original());
    print!("{}", vars.render(format));
    Ok(0)
}

pub fn credential_process(ctx: &Ctx, role: &str) -> anyhow::Result<i32> {
    let plan = ctx.plan(role)?;
    let mut sessions = ctx.sessions()?;
    let session = sessions.role(&plan)?;
    if session.credentials.session_token.is_none() {
        return Err(failed("STS returned no session token").into());
    }
    print!("{}", output::credential_process(&session.credentials));
    Ok(0)
}

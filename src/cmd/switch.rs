//! `switch` and `exit`: with the shell hook, print a script for the current
//! shell to eval; without it, a subshell.

use std::process::Command;

use super::Ctx;
use crate::error::{failed, usage};
use crate::output::RoleVars;
use crate::session;
use crate::shell;
use crate::terminal::printable;

pub fn switch(ctx: &Ctx, role: Option<String>, subshell: bool, nest: bool) -> anyhow::Result<i32> {
    let hook = if subshell {
        None
    } else {
        shell::hook_format(ctx.env)
    };
    if hook.is_none()
        && !nest
        && let Some(active) = ctx
            .env
            .non_empty("ROLEX_SUBSHELL")
            .and(ctx.env.non_empty("ROLEX_ROLE"))
    {
        return Err(usage(format!("this shell is already a rolex subshell (role {active}); a subshell in it would stack roles"))
            .hint("`exit` it first, or pass --nest to start one anyway")
            .into());
    }
    if hook.is_some() && shell::saved_state(ctx.env)?.is_none() {
        shell::check_restorable(ctx.env)?;
    }
    let role = match role {
        Some(r) => r,
        None => pick(ctx)?,
    };
    let plan = ctx.plan(&role)?;
    ctx.confirm(&plan)?;
    let mut sessions = ctx.sessions()?;
    let session = sessions.role(&plan)?;
    ctx.audit("switch", &plan, &session);
    let vars = RoleVars::new(&plan, &session.credentials, sessions.original());
    let inside = vars.apply(sessions.original());
    let left = session
        .credentials
        .expiration
        .as_deref()
        .and_then(session::seconds_left)
        .map(session::format_left);
    let until = left.map_or(String::new(), |l| format!(" for {l}"));
    let account = plan.account_alias.clone().unwrap_or(plan.account.clone());
    if let Some(format) = hook {
        out!("{}", shell::switch_script(format, ctx.env, &inside));
        eprintln!(
            "rolex: now {} in {}{until}",
            printable(&plan.role),
            printable(&account)
        );
        return Ok(0);
    }
    run_subshell(ctx, &plan, inside, &account, &until)
}

/// Without the hook: a subshell with the role's environment and a marker
/// naming this process, so `rolex exit` inside can end it.
fn run_subshell(
    ctx: &Ctx,
    plan: &crate::profile::Plan,
    mut inside: crate::env::Env,
    account: &str,
    until: &str,
) -> anyhow::Result<i32> {
    inside.set("ROLEX_SUBSHELL", std::process::id().to_string());
    // Windows has no SHELL: its command interpreter is ComSpec (cmd.exe).
    let fallback = if cfg!(windows) {
        ctx.env.non_empty("ComSpec").unwrap_or("cmd.exe")
    } else {
        "/bin/sh"
    };
    let shell_path = ctx.env.non_empty("SHELL").unwrap_or(fallback).to_string();
    eprintln!(
        "rolex: starting {} as {} in {}{until}; `exit` or Ctrl-D leaves it",
        printable(&shell_path),
        printable(&plan.role),
        printable(account)
    );
    let mut cmd = Command::new(&shell_path);
    crate::output::apply_to_command(&mut cmd, &inside);
    let status = cmd
        .status()
        .map_err(|e| failed(format!("cannot start {shell_path}: {e}")))?;
    eprintln!("rolex: left {}", printable(&plan.role));
    ctx.audit_exit(&plan.role, Some(&plan.account));
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            Some(1) => return Ok(0), // ended by `rolex exit`
            Some(n) => return Ok(128 + n),
            None => {}
        }
    }
    Ok(status.code().unwrap_or(0))
}

/// The fuzzy picker over the profile file's roles.
pub(super) fn pick(ctx: &Ctx) -> anyhow::Result<String> {
    let names: Vec<&String> = ctx.config.roles.keys().collect();
    if names.is_empty() {
        ctx.first_run("no roles to pick from")?;
        return Err(usage("the profile file has no roles to pick from")
            .hint("name a role ARN, or add [roles.NAME]")
            .into());
    }
    let items: Vec<String> = ctx
        .config
        .roles
        .values()
        .map(|r| {
            let acct = r.account_alias.clone().unwrap_or(r.account.clone());
            format!(
                "{:<20} {:<14} {}",
                r.name,
                acct,
                r.description.as_deref().unwrap_or("")
            )
        })
        .collect();
    let term = shell::tty_term().ok_or_else(|| {
        usage("no role named and no terminal to pick one on").hint("rolex switch ROLE")
    })?;
    let chosen = dialoguer::FuzzySelect::new()
        .with_prompt("Role")
        .items(&items)
        .default(0)
        // A page, not 2,000 lines: each keystroke redraws only what shows.
        .max_length(15)
        .interact_on_opt(&term)
        .map_err(|e| failed(format!("cannot show the role picker: {e}")))?;
    match chosen {
        Some(i) => Ok(names[i].clone()),
        None => Err(failed("no role picked; nothing was changed").into()),
    }
}

pub fn exit(ctx: &Ctx) -> anyhow::Result<i32> {
    let env = ctx.env;
    let role = env.non_empty("ROLEX_ROLE");
    let saved = match shell::hook_format(env) {
        Some(_) => shell::saved_state(env)?,
        None => None,
    };
    if let (Some(format), Some(saved)) = (shell::hook_format(env), saved) {
        out!("{}", shell::exit_script(format, &saved));
        eprintln!("rolex: left {}", printable(role.unwrap_or("the role")));
        if let Some(r) = role {
            ctx.audit_exit(r, env.non_empty("ROLEX_ACCOUNT"));
        }
        return Ok(0);
    }
    if let Some(owner) = env.non_empty("ROLEX_SUBSHELL") {
        return end_subshell(owner, role.unwrap_or("the role"));
    }
    match role {
        Some(r) => Err(failed(format!("role {r} was set in this shell without the rolex hook, so rolex cannot change it back"))
            .hint("close this shell, or load the hook: eval \"$(rolex init bash)\" (zsh, fish, pwsh likewise)")
            .into()),
        None => Err(failed("no role is active in this shell").into()),
    }
}

/// Ends the subshell rolex started: our parent is that shell, and its
/// parent is the rolex process named in ROLEX_SUBSHELL.
fn end_subshell(owner: &str, role: &str) -> anyhow::Result<i32> {
    #[cfg(unix)]
    {
        let shell_pid = std::os::unix::process::parent_id();
        if let Some(grandparent) = crate::process::parent_of(shell_pid)
            && grandparent.to_string() != owner
        {
            return Err(
                failed("rolex exit must be run at the prompt of the rolex subshell")
                    .hint("or type `exit`")
                    .into(),
            );
        }
        eprintln!("rolex: leaving {}", printable(role));
        let ok = Command::new("kill")
            .arg("-HUP")
            .arg(shell_pid.to_string())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Ok(0)
        } else {
            Err(failed("cannot end the subshell").hint("type `exit`").into())
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (owner, role);
        Err(failed("rolex exit cannot end a subshell on this system")
            .hint("type `exit`")
            .into())
    }
}

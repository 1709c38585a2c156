//! `rolex doctor`: checks the setup end to end, without assuming any role,
//! and explains each problem in plain words with what to do.

use super::Ctx;
use crate::aws::Sts;
use crate::config::SourceKind;
use crate::error::UserError;
use crate::session::{Sessions, format_left, seconds_left};
use crate::terminal::printable;

#[derive(Default)]
struct Report {
    problems: usize,
}

impl Report {
    fn ok(&self, what: impl AsRef<str>) -> anyhow::Result<()> {
        outln!("  ok       {}", printable(what.as_ref()));
        Ok(())
    }

    fn note(&self, what: impl AsRef<str>) -> anyhow::Result<()> {
        outln!("  note     {}", printable(what.as_ref()));
        Ok(())
    }

    fn problem(&mut self, what: impl AsRef<str>, fix: Option<&str>) -> anyhow::Result<()> {
        self.problems += 1;
        outln!("  PROBLEM  {}", printable(what.as_ref()));
        if let Some(f) = fix {
            // A fix of several lines stays under its first one.
            let lines: Vec<String> = f.lines().map(|l| printable(l).into_owned()).collect();
            outln!("           fix: {}", lines.join("\n                "));
        }
        Ok(())
    }

    fn error(&mut self, e: &UserError) -> anyhow::Result<()> {
        self.problem(&e.message, e.hint.as_deref())
    }
}

/// A profile file that does not load: the one problem worth reporting.
pub fn broken_profile(e: UserError) -> anyhow::Result<i32> {
    let mut r = Report::default();
    outln!("profile file");
    r.error(&e)?;
    Ok(2)
}

pub fn doctor(ctx: &Ctx, role: Option<&str>) -> anyhow::Result<i32> {
    let mut r = Report::default();
    profile_file(ctx, &mut r)?;
    let mut sessions = ctx.sessions()?;
    secret_store(ctx, &mut sessions, &mut r)?;
    session_cache(ctx, &mut sessions, &mut r)?;
    let sources: Vec<String> = match role {
        Some(name) => match ctx.plan(name) {
            Ok(plan) => vec![plan.source.name.clone()],
            Err(e) => {
                outln!("role {}", printable(name));
                r.error(&e)?;
                return Ok(r.problems.min(1) as i32);
            }
        },
        None => ctx.config.sources.keys().cloned().collect(),
    };
    for name in &sources {
        outln!("source {}", printable(name));
        source(ctx, &sessions, name, &mut r)?;
    }
    if let Some(name) = role {
        outln!("role {}", printable(name));
        role_plan(ctx, &mut sessions, name, &mut r)?;
    }
    shell(ctx, &mut r)?;
    if r.problems == 0 {
        outln!("no problems found");
        Ok(0)
    } else {
        outln!("{} problem(s) found", r.problems);
        Ok(1)
    }
}

fn profile_file(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    let c = &ctx.config;
    outln!("profile file");
    match &c.path {
        Some(p) if p.exists() => r.ok(format!(
            "{} ({} roles, {} sources)",
            p.display(),
            c.roles.len(),
            c.sources.len()
        )),
        Some(p) => {
            let e = super::first_run::no_profile_file(
                p,
                "no roles yet (role ARNs work, with the AWS default chain)",
            );
            r.error(&e)
        }
        None => r.note("no HOME and no ROLEX_CONFIG: zero configuration"),
    }
}

fn secret_store(ctx: &Ctx, sessions: &mut Sessions, r: &mut Report) -> anyhow::Result<()> {
    let needs_store = ctx
        .config
        .sources
        .values()
        .any(|s| s.kind == SourceKind::Store);
    outln!("secret store");
    let backend = ctx.env.non_empty("ROLEX_BACKEND").unwrap_or("keyring");
    match sessions
        .store()
        .and_then(|s| s.get("doctor/probe").map(|_| s.name()))
    {
        Ok(name) => r.ok(format!("{name} (ROLEX_BACKEND={backend}) answers")),
        Err(e) if needs_store => r.error(&e),
        Err(e) => r.note(format!(
            "{} (no source keeps its key there, so nothing needs it)",
            e.message
        )),
    }
}

fn session_cache(ctx: &Ctx, sessions: &mut Sessions, r: &mut Report) -> anyhow::Result<()> {
    outln!("session cache");
    match crate::cache::kernel_unavailable(ctx.env) {
        None => match sessions.cache().name() {
            Ok(name) => r.ok(format!("cached sessions live in the {name}, never on disk")),
            Err(e) => r.error(&e),
        },
        Some(why) => r.note(format!(
            "the kernel keyring cannot hold sessions here ({why}): they are kept in the secret store, which makes a cached command slower"
        )),
    }
}

/// A source's keys (GetCallerIdentity), its MFA device, its MFA session.
fn source(ctx: &Ctx, sessions: &Sessions, name: &str, r: &mut Report) -> anyhow::Result<()> {
    let c = &ctx.config;
    let source = &c.sources[name];
    let region = c
        .defaults
        .region
        .clone()
        .unwrap_or_else(|| "us-east-1".into());
    let aws = sessions.client(&region)?;
    let store = if source.kind == SourceKind::Store {
        crate::store::open(ctx.env).ok()
    } else {
        None
    };
    let creds = match crate::source::credentials(
        source,
        &ctx.env.original(),
        ctx.env.non_empty("ROLEX_ROLE").is_some(),
        aws,
        store.as_deref(),
    ) {
        Ok(c) => c,
        Err(e) => return r.error(&e),
    };
    let who = match aws.get_caller_identity(&creds) {
        Ok(w) => w,
        Err(e) => return r.error(&e),
    };
    r.ok(format!("its keys work: {}", who.arn))?;
    let Some(serial) = &source.mfa_serial else {
        return r.note("no mfa_serial: roles of this source are assumed without MFA");
    };
    let serial_account = serial.split(':').nth(4).unwrap_or("");
    if serial.starts_with("arn:") && serial_account != who.account {
        r.problem(
            format!(
                "mfa_serial {serial} is in account {serial_account}, the keys in {}",
                who.account
            ),
            Some("use the MFA device of the same IAM user: rolex add finds it"),
        )?;
    } else if who.arn.contains(":user/") {
        let user = who.arn.rsplit('/').next().unwrap_or("");
        match aws.list_mfa_devices(&creds, user) {
            Ok(devices) if devices.iter().any(|d| d == serial) => {
                r.ok(format!("MFA device {serial} belongs to {user}"))?
            }
            Ok(devices) => r.problem(
                format!(
                    "MFA device {serial} is not one of {user}'s ({})",
                    if devices.is_empty() {
                        "none".to_string()
                    } else {
                        devices.join(", ")
                    }
                ),
                Some("fix mfa_serial in the profile file (rolex add offers the right one)"),
            )?,
            Err(e) => r.note(format!(
                "cannot list the user's MFA devices, so mfa_serial is unchecked: {}",
                e.message
            ))?,
        }
    }
    match source.mfa_session {
        Some(d) => r.note(format!(
            "one MFA code opens a {} MFA session for roles of up to 1h",
            format_left(d.into())
        )),
        None => r.note("mfa_session = \"off\": every AssumeRole asks for a code"),
    }
}

fn role_plan(ctx: &Ctx, sessions: &mut Sessions, name: &str, r: &mut Report) -> anyhow::Result<()> {
    let plan = ctx.plan(name)?;
    for hop in &plan.hops {
        r.ok(format!(
            "AssumeRole {} as {:?} for {}",
            hop.arn,
            hop.session_name,
            format_left(hop.duration.into())
        ))?;
    }
    match sessions.cached_seconds_left(&plan.role) {
        Ok(Some(left)) => r.ok(format!("a cached session has {} left", format_left(left))),
        Ok(None) => r.note("no cached session: the next use asks STS (and MFA if needed)"),
        Err(e) => r.note(format!("cached sessions unreadable: {}", e.message)),
    }
}

fn shell(ctx: &Ctx, r: &mut Report) -> anyhow::Result<()> {
    outln!("shell");
    match ctx.env.non_empty(crate::env::HOOK_VAR) {
        Some(shell) => r.ok(format!("the {shell} hook is loaded: switch and exit change this shell"))?,
        None => r.note("no shell hook here: `rolex switch` starts a subshell (eval \"$(rolex init bash)\" in ~/.bashrc changes that)")?,
    }
    let Some(active) = ctx.env.non_empty("ROLEX_ROLE") else {
        return Ok(());
    };
    match ctx
        .env
        .non_empty("AWS_CREDENTIAL_EXPIRATION")
        .and_then(seconds_left)
    {
        Some(s) if s <= 0 => r.problem(
            format!("role {active} is active but its session has expired"),
            Some(&format!("rolex switch {active} (or rolex exit)")),
        ),
        Some(s) => r.ok(format!("role {active} is active, {} left", format_left(s))),
        None => r.note(format!("role {active} is active")),
    }
}

//! `rolex exec [ROLE] -- CMD` when the role's session is in the kernel
//! keyring cache: the same steps as rolex-core's `exec` (the profile file,
//! the plan, the cache entry that fits it, the audit entry, the command in
//! rolex's place), in a binary that starts in a fraction of the time.
//! Anything else (an option, a miss, a role to confirm, a broken profile
//! file) returns `None`, and rolex-core does the whole command.

use std::ffi::OsString;

use crate::env::Env;
use crate::profile::{Overrides, Plan};
use crate::template::Values;

/// The command's exit code (or rolex's, when it cannot be started), or
/// `None` to hand the command over.
pub fn fast_path(env: &Env, args: &[OsString]) -> Option<i32> {
    let (role, command) = parse(args)?;
    let (plan, original, credentials, who) = cached(env, role)?;
    let inside = crate::output::RoleVars::new(&plan, &credentials, &original).apply(&original);
    let entry = crate::audit::Entry::for_session(
        "exec",
        &plan,
        (&who.0, &who.1),
        None,
        &credentials,
        false,
    );
    crate::audit::record(env, &entry);
    let mut cmd = std::process::Command::new(&command[0]);
    cmd.args(&command[1..]);
    crate::output::apply_to_command(&mut cmd, &inside);
    Some(crate::error::exit_code(crate::process::run_replacing(
        cmd,
        &command[0],
    )))
}

/// `exec [ROLE] -- CMD...` with no options, every word UTF-8.
fn parse(args: &[OsString]) -> Option<(Option<String>, Vec<String>)> {
    let words: Vec<&str> = args
        .iter()
        .skip(1)
        .map(|a| a.to_str())
        .collect::<Option<_>>()?;
    let (head, command) = words.split_at(words.iter().position(|w| *w == "--")?);
    let command = &command[1..];
    let role = match head {
        ["exec"] => None,
        ["exec", role] if !role.starts_with('-') && !role.is_empty() => Some(role.to_string()),
        _ => return None,
    };
    if command.is_empty() {
        return None;
    }
    Some((role, command.iter().map(|w| w.to_string()).collect()))
}

/// Who and where, for the audit trail.
type Who = (String, String);

/// The plan of ROLE (or the active or default role), the environment the
/// shell had before any role, and the cached session that fits the plan.
fn cached(env: &Env, role: Option<String>) -> Option<(Plan, Env, crate::aws::Credentials, Who)> {
    // rolex-core says an expired shell role ran out, and decides the cache.
    if crate::session::expired_role(env).is_some()
        || !matches!(crate::cache::wanted(env), Ok("auto" | "kernel"))
    {
        return None;
    }
    let config = crate::config::load(env).ok()?;
    let role = role
        .or_else(|| env.non_empty("ROLEX_ROLE").map(str::to_string))
        .or_else(|| config.defaults.role.clone())?;
    if !config.roles.contains_key(&role) && crate::config::parse_role_arn(&role).is_none() {
        return None;
    }
    let who = (crate::process::user_name(env), crate::process::hostname());
    let values = Values {
        user: who.0.clone(),
        host: who.1.clone(),
        ..Values::default()
    };
    let plan = crate::profile::resolve(&config, &role, &Overrides::default(), &values).ok()?;
    if plan.confirm {
        return None;
    }
    let original = env.original();
    let fingerprint = plan.fingerprint(&plan.identity(&original));
    let hit = kernel_lookup(env, &crate::cache::role_key(&plan.role))?;
    if !hit.fits(&fingerprint, config.defaults.cache_margin.into()) {
        return None;
    }
    Some((plan, original, hit.credentials, who))
}

#[cfg(target_os = "linux")]
fn kernel_lookup(env: &Env, key: &str) -> Option<crate::cache::Cached> {
    use crate::cache::Backend;
    let kernel = crate::cache::kernel::Kernel::open(env).ok()?;
    kernel.get(key).ok()?
}

#[cfg(not(target_os = "linux"))]
fn kernel_lookup(_env: &Env, _key: &str) -> Option<crate::cache::Cached> {
    None
}

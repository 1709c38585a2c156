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
    let hit = cached(env, role)?;
    let inside = crate::output::RoleVars::new(&hit.plan, &hit.credentials, &hit.original)
        .apply(&hit.original);
    let entry = crate::audit::Entry::for_session(
        "exec",
        &hit.plan,
        (&hit.values.user, &hit.values.host),
        None,
        &hit.credentials,
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

/// A role's plan whose session is in the kernel keyring cache.
struct Hit {
    plan: Plan,
    /// The environment the shell had before any role.
    original: Env,
    credentials: crate::aws::Credentials,
    /// Who and where, for the session name and the audit trail.
    values: Values,
}

/// ROLE (or the active or default role), if its cached session fits.
fn cached(env: &Env, role: Option<String>) -> Option<Hit> {
    // rolex-core says an expired shell role ran out, and decides the cache.
    if crate::session::expired_role(env).is_some()
        || !matches!(crate::cache::wanted(env), Ok("auto" | "kernel"))
    {
        return None;
    }
    let config = crate::config::load(env).ok()?;
    let role = config.role_to_use(role, env)?;
    if !config.names_role(&role) {
        return None;
    }
    let values = Values {
        user: crate::process::user_name(env),
        host: crate::process::hostname(),
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
    Some(Hit {
        plan,
        original,
        credentials: hit.credentials,
        values,
    })
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

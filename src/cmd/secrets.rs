//! `add`, `remove`, `rotate` and `clear`: long-term keys and cached sessions
//! in the secret store.

use std::path::Path;

use super::Ctx;
use crate::aws::{Credentials, Sts};
use crate::cache::{SessionCache, mfa_key, role_key};
use crate::config::SourceKind;
use crate::error::{UserError, failed, usage};
use crate::source::{from_env_vars, store_key};

/// A store source named in the profile file, or one not yet in it.
fn check_store_source(ctx: &Ctx, name: &str) -> Result<(), UserError> {
    match ctx.config.sources.get(name) {
        Some(s)
            if s.kind != SourceKind::Store
                && ctx.config.path.is_some()
                && !(s.kind == SourceKind::DefaultChain && name == "default") =>
        {
            Err(usage(format!(
                "source {name:?} takes its keys from elsewhere ({:?}), not from the secret store",
                s.kind
            ))
            .hint(format!(
                "remove `from` from [sources.{name}] to keep its key in the secret store"
            )))
        }
        _ => Ok(()),
    }
}

fn region(ctx: &Ctx) -> String {
    ctx.common
        .region
        .clone()
        .or(ctx.config.defaults.region.clone())
        .or(ctx.env.non_empty("AWS_REGION").map(str::to_string))
        .unwrap_or_else(|| "us-east-1".into())
}

fn mask(key_id: &str) -> String {
    let tail: String = key_id
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

pub fn add(ctx: &Ctx, name: &str, from_env: bool) -> anyhow::Result<i32> {
    check_store_source(ctx, name)?;
    let creds = if from_env {
        from_env_vars(&ctx.env.original())
            .map(|c| Credentials {
                session_token: None,
                ..c
            })
            .ok_or_else(|| {
                usage("--from-env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
            })?
    } else {
        ask_key()?
    };
    let mut sessions = ctx.sessions()?;
    let aws = sessions.client(&region(ctx))?;
    let who = aws.get_caller_identity(&creds).map_err(|e| {
        let msg = format!("the key does not work, so it was not stored: {}", e.message);
        UserError { message: msg, ..e }
    })?;
    let user = if who.arn.contains(":user/") {
        aws.get_user_name(&creds).ok()
    } else {
        None
    };
    let devices = match &user {
        Some(u) => aws.list_mfa_devices(&creds, u).unwrap_or_default(),
        None => Vec::new(),
    };
    sessions
        .store()?
        .set(&store_key(name), &serde_json::to_string(&creds)?)?;
    // Sessions made with an older key of this source are dropped.
    forget_source(sessions.cache(), name)?;
    eprintln!(
        "rolex: stored key {} of {} for source {name} in the {}",
        mask(&creds.access_key_id),
        who.arn,
        sessions.store()?.name()
    );
    let current = ctx
        .config
        .sources
        .get(name)
        .and_then(|s| s.mfa_serial.clone());
    match devices.as_slice() {
        [] => eprintln!(
            "rolex: no MFA device found for this user; roles that require MFA will be refused"
        ),
        [serial, ..] if current.as_deref() == Some(serial.as_str()) => {}
        [serial, ..] => offer_mfa_serial(ctx, name, serial)?,
    }
    Ok(0)
}

fn ask_key() -> Result<Credentials, UserError> {
    let term = crate::shell::tty_term().ok_or_else(|| {
        usage("no terminal to ask for the key on")
            .hint("pass --from-env with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY set")
    })?;
    let access_key_id: String = dialoguer::Input::new()
        .with_prompt("Access key id")
        .interact_text_on(&term)
        .map_err(|e| failed(format!("cannot read the key: {e}")))?;
    let secret_access_key = dialoguer::Password::new()
        .with_prompt("Secret access key")
        .interact_on(&term)
        .map_err(|e| failed(format!("cannot read the key: {e}")))?;
    Ok(Credentials {
        access_key_id: access_key_id.trim().into(),
        secret_access_key: secret_access_key.trim().into(),
        session_token: None,
        expiration: None,
    })
}

/// Offers to write `mfa_serial` into the profile file, keeping its comments
/// and layout.
fn offer_mfa_serial(ctx: &Ctx, name: &str, serial: &str) -> Result<(), UserError> {
    // The file that defines the source (it may be an include), else the main one.
    let defined_in = ctx.config.sources.get(name).and_then(|s| s.file.clone());
    let Some(path) = defined_in.or(ctx.config.path.clone()) else {
        eprintln!("rolex: MFA device {serial}; add mfa_serial = {serial:?} to [sources.{name}]");
        return Ok(());
    };
    let yes = ctx.common.yes
        || match crate::shell::tty_term() {
            Some(term) => dialoguer::Confirm::new()
                .with_prompt(format!(
                    "Write mfa_serial = {serial:?} into [sources.{name}] of {}?",
                    path.display()
                ))
                .default(true)
                .interact_on(&term)
                .unwrap_or(false),
            None => false,
        };
    if !yes {
        eprintln!(
            "rolex: MFA device {serial}; add mfa_serial = {serial:?} to [sources.{name}] in {}",
            path.display()
        );
        return Ok(());
    }
    write_mfa_serial(&path, name, serial)?;
    eprintln!(
        "rolex: wrote mfa_serial for source {name} into {}",
        path.display()
    );
    Ok(())
}

pub fn write_mfa_serial(path: &Path, name: &str, serial: &str) -> Result<(), UserError> {
    // Write through a symbolic link (dotfiles), not over it.
    let path = &path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| usage(format!("{}: {e}", path.display())))?;
    let sources = doc.entry("sources").or_insert(toml_edit::table());
    if let Some(t) = sources.as_table_mut() {
        t.set_implicit(true);
    }
    let source = sources
        .as_table_like_mut()
        .ok_or_else(|| usage(format!("{}: `sources` is not a table", path.display())))?
        .entry(name)
        .or_insert(toml_edit::table());
    source
        .as_table_like_mut()
        .ok_or_else(|| usage(format!("{}: sources.{name} is not a table", path.display())))?
        .insert("mfa_serial", toml_edit::value(serial));
    write_file(path, &doc.to_string())
}

/// Writes a profile file whole (beside, then renamed; mode 0600), through a
/// symbolic link rather than over it.
pub fn write_file(path: &Path, text: &str) -> Result<(), UserError> {
    crate::store::replace_file(path, text.as_bytes(), true)
}

pub fn remove(ctx: &Ctx, name: &str) -> anyhow::Result<i32> {
    let mut sessions = ctx.sessions()?;
    let store = sessions.store()?;
    let had = store.get(&store_key(name))?.is_some();
    store.delete(&store_key(name))?;
    let dropped = forget_source(sessions.cache(), name)?;
    if had {
        eprintln!(
            "rolex: removed the key of source {name} and {dropped} cached session(s) made from it"
        );
        Ok(0)
    } else {
        eprintln!(
            "rolex: no key was stored for source {name}; dropped {dropped} cached session(s) made from it"
        );
        Ok(1)
    }
}

/// Forgets every cached session made from source `name`: its MFA session
/// and the role sessions made from it, role ARNs and roles no longer in the
/// profile file included. Returns how many.
fn forget_source(cache: &mut SessionCache, name: &str) -> Result<usize, UserError> {
    let mut keys: Vec<String> = cache
        .all()?
        .iter()
        .filter(|(_, c)| c.source == name)
        .map(|(k, _)| k.clone())
        .collect();
    keys.push(mfa_key(name));
    keys.sort();
    keys.dedup();
    let n = cache.all()?.keys().filter(|k| keys.contains(k)).count();
    cache.remove(&keys)?;
    Ok(n)
}

pub fn rotate(ctx: &Ctx, name: &str) -> anyhow::Result<i32> {
    check_store_source(ctx, name)?;
    let sessions = ctx.sessions()?;
    let store = crate::store::open(ctx.env)?;
    let old: Credentials = match store.get(&store_key(name))? {
        Some(v) => serde_json::from_str(&v)
            .map_err(|_| failed(format!("the stored key of source {name:?} is damaged")))?,
        None => {
            return Err(failed(format!("no key is stored for source {name:?}"))
                .hint(format!("rolex add {name}"))
                .into());
        }
    };
    let region = region(ctx);
    let aws = sessions.client(&region)?;
    let user = aws.get_user_name(&old)?;
    let keys = aws.list_access_keys(&old, &user)?;
    if keys.len() >= 2 {
        let others: Vec<String> = keys
            .iter()
            .filter(|k| **k != old.access_key_id)
            .map(|k| mask(k))
            .collect();
        return Err(failed(format!("IAM user {user} already has two access keys, the most IAM allows; the other one is {}", others.join(", ")))
            .hint(format!("delete the key you do not use: aws iam delete-access-key --user-name {user} --access-key-id ID"))
            .into());
    }
    let new = aws.create_access_key(&old, &user)?;
    // IAM is eventually consistent: a new key can take some seconds to work.
    let mut works = false;
    for attempt in 0..10 {
        if aws.get_caller_identity(&new).is_ok() {
            works = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(500 * (attempt + 1)));
    }
    if !works {
        let _ = aws.delete_access_key(&old, &user, &new.access_key_id);
        return Err(failed(
            "the new key did not work within 30 s; it was deleted and the old key is kept",
        )
        .into());
    }
    let text = serde_json::to_string(&new)?;
    let aws_new_delete = |e: UserError| {
        let _ = aws.delete_access_key(&old, &user, &new.access_key_id);
        e
    };
    store.set(&store_key(name), &text).map_err(aws_new_delete)?;
    forget_source(&mut SessionCache::new(ctx.env), name)?;
    if let Err(e) = aws.delete_access_key(&new, &user, &old.access_key_id) {
        return Err(failed(format!(
            "stored the new key {}, but deleting the old key {} failed: {}",
            mask(&new.access_key_id),
            mask(&old.access_key_id),
            e.message
        ))
        .hint(format!(
            "delete it by hand: aws iam delete-access-key --user-name {user} --access-key-id {}",
            old.access_key_id
        ))
        .into());
    }
    eprintln!(
        "rolex: rotated source {name}: new key {} stored, old key {} deleted",
        mask(&new.access_key_id),
        mask(&old.access_key_id)
    );
    Ok(0)
}

pub fn clear(ctx: &Ctx, role: Option<String>, all: bool) -> anyhow::Result<i32> {
    let mut sessions = ctx.sessions()?;
    let cache = sessions.cache();
    if all {
        // Everything this store ever cached, whatever the profile file says
        // now: roles by ARN, removed roles, MFA sessions of removed sources.
        cache.clear()?;
        eprintln!("rolex: cleared every cached role and MFA session");
        return Ok(0);
    }
    let role = match role.or_else(|| ctx.env.non_empty("ROLEX_ROLE").map(str::to_string)) {
        Some(r) => r,
        None => return Err(usage("name a role to clear, or pass --all").into()),
    };
    cache.remove(&[role_key(&role)])?;
    eprintln!("rolex: cleared the cached session of {role}");
    Ok(0)
}

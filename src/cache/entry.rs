//! What the session cache holds and how backends keep it. Nothing here
//! opens a store, so the small `rolex` front binary can share it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::aws::Credentials;
use crate::env::Env;
use crate::error::{UserError, usage};

/// One cached session.
#[derive(Clone, Serialize, Deserialize)]
pub struct Cached {
    /// The source the session was made from (`remove SOURCE` forgets it).
    pub source: String,
    /// What it was made for: every AssumeRole parameter and the source's
    /// identity (role sessions), or the MFA serial and identity (MFA sessions).
    pub fingerprint: String,
    pub credentials: Credentials,
}

impl Cached {
    /// Seconds until the session expires (negative once past).
    pub fn seconds_left(&self) -> Option<i64> {
        self.credentials
            .expiration
            .as_deref()
            .and_then(crate::session::seconds_left)
    }

    /// Whether this session was made for `fingerprint` and has more than
    /// `margin` seconds left: good to use.
    pub fn fits(&self, fingerprint: &str, margin: i64) -> bool {
        self.fingerprint == fingerprint && self.seconds_left().is_some_and(|s| s > margin)
    }
}

/// Cache key of a role's session.
pub fn role_key(role: &str) -> String {
    format!("role/{role}")
}

/// Cache key of a source's MFA session.
pub fn mfa_key(source: &str) -> String {
    format!("mfa/{source}")
}

/// Where cached sessions are kept.
pub trait Backend {
    /// Every cached session of this store.
    fn load(&self) -> Result<BTreeMap<String, Cached>, UserError>;
    /// One cached session; backends that can look one up cheaply do.
    fn get(&self, key: &str) -> Result<Option<Cached>, UserError> {
        Ok(self.load()?.remove(key))
    }
    /// Whether [`get`](Self::get) is cheaper than [`load`](Self::load).
    fn lookups(&self) -> bool {
        false
    }
    /// Keeps a session for `keep` seconds at most.
    fn put(&self, key: &str, value: &Cached, keep: u64) -> Result<(), UserError>;
    fn remove(&self, keys: &[String]) -> Result<(), UserError>;
    /// Forgets every session of this store, whatever made it.
    fn clear(&self) -> Result<(), UserError>;
    /// For messages: "kernel keyring", "OS keyring", ...
    fn name(&self) -> String;
}

/// Which cache `ROLEX_SESSION_CACHE` asks for: `kernel` (Linux default),
/// `store` (the secret store).
pub fn wanted(env: &Env) -> Result<&'static str, UserError> {
    match env.non_empty("ROLEX_SESSION_CACHE") {
        None | Some("auto") => Ok("auto"),
        Some("kernel") => Ok("kernel"),
        Some("store") => Ok("store"),
        Some(other) => Err(usage(format!(
            "ROLEX_SESSION_CACHE={other:?}: use \"kernel\" or \"store\""
        ))),
    }
}

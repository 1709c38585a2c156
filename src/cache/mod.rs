//! The session cache: role sessions and MFA sessions, read at most once per
//! process and looked up in memory.
//!
//! On Linux the sessions live in the kernel keyring of the user (`@u`),
//! each with a timeout that ends it before it would be used no more, never
//! on disk and never in the Secret Service ([`kernel`]). Where the kernel
//! keyring is not available (some containers forbid keyctl), or on other
//! systems, they are kept as one item of the secret store ([`StoreCache`]),
//! read once and rewritten under a lock.

mod entry;
#[cfg(target_os = "linux")]
mod kernel;

pub use entry::*;

use std::collections::BTreeMap;

use crate::env::Env;
use crate::error::{UserError, failed};
use crate::store::{self, SecretStore};

/// Why the kernel keyring cannot hold sessions here, if it cannot.
pub fn kernel_unavailable(env: &Env) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        kernel::Kernel::open(env).err()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = env;
        Some("the kernel keyring exists on Linux only".into())
    }
}

/// The sessions of one process: loaded on first use, at most once.
pub struct SessionCache<'a> {
    env: &'a Env,
    backend: Option<Box<dyn Backend + 'a>>,
    entries: Option<BTreeMap<String, Cached>>,
    /// Single lookups made so far (backends with cheap lookups).
    looked_up: BTreeMap<String, Option<Cached>>,
    /// Said once: the cache failed and is off for this process.
    broken: bool,
}

impl<'a> SessionCache<'a> {
    pub fn new(env: &'a Env) -> Self {
        Self {
            env,
            backend: None,
            entries: None,
            looked_up: BTreeMap::new(),
            broken: false,
        }
    }

    /// A cache over a given backend (tests).
    #[cfg(test)]
    pub fn with_backend(env: &'a Env, backend: Box<dyn Backend + 'a>) -> Self {
        Self {
            env,
            backend: Some(backend),
            entries: None,
            looked_up: BTreeMap::new(),
            broken: false,
        }
    }

    fn backend(&mut self) -> Result<&dyn Backend, UserError> {
        if self.backend.is_none() {
            self.backend = Some(open(self.env)?);
        }
        Ok(self.backend.as_deref().expect("just set"))
    }

    /// The backend's name, opening it if needed.
    pub fn name(&mut self) -> Result<String, UserError> {
        Ok(self.backend()?.name())
    }

    /// Every cached session, read once.
    pub fn all(&mut self) -> Result<&BTreeMap<String, Cached>, UserError> {
        if self.entries.is_none() {
            let loaded = self.backend()?.load()?;
            self.entries = Some(loaded);
        }
        Ok(self.entries.as_ref().expect("just loaded"))
    }

    /// Forgets what was read, so the next lookup reads the backend again:
    /// after waiting for another process that may have cached sessions.
    pub fn reload(&mut self) {
        self.entries = None;
        self.looked_up.clear();
    }

    /// The cached session under `key`, if any (fresh or not): from what was
    /// read, or one lookup where the backend has cheap ones (the kernel
    /// keyring), else by reading everything once.
    pub fn get(&mut self, key: &str) -> Result<Option<Cached>, UserError> {
        if let Some(entries) = &self.entries {
            return Ok(entries.get(key).cloned());
        }
        if let Some(hit) = self.looked_up.get(key) {
            return Ok(hit.clone());
        }
        if self.backend()?.lookups() {
            let hit = self.backend()?.get(key)?;
            self.looked_up.insert(key.to_string(), hit.clone());
            return Ok(hit);
        }
        Ok(self.all()?.get(key).cloned())
    }

    /// Like [`get`](Self::get), but a cache that cannot be read is said once
    /// on stderr and then counts as empty: it must never block the work.
    pub fn get_or_warn(&mut self, key: &str) -> Option<Cached> {
        if self.broken {
            return None;
        }
        match self.get(key) {
            Ok(v) => v,
            Err(e) => {
                self.warn("cached sessions cannot be read", &e);
                None
            }
        }
    }

    /// Keeps a session until `margin` seconds before it expires. A cache that
    /// cannot be written is said once; the session is still used.
    pub fn put(&mut self, key: &str, value: Cached, margin: i64) {
        let keep = value.seconds_left().unwrap_or(0) - margin;
        if keep <= 0 || self.broken {
            return;
        }
        let result = self.backend().and_then(|b| b.put(key, &value, keep as u64));
        match result {
            Ok(()) => {
                if let Some(entries) = &mut self.entries {
                    entries.insert(key.to_string(), value.clone());
                }
                self.looked_up.insert(key.to_string(), Some(value));
            }
            Err(e) => self.warn("the new session is not cached", &e),
        }
    }

    pub fn remove(&mut self, keys: &[String]) -> Result<(), UserError> {
        self.backend()?.remove(keys)?;
        if let Some(entries) = &mut self.entries {
            for k in keys {
                entries.remove(k);
            }
        }
        for k in keys {
            self.looked_up.insert(k.clone(), None);
        }
        Ok(())
    }

    /// Forgets every session this store ever cached.
    pub fn clear(&mut self) -> Result<(), UserError> {
        self.backend()?.clear()?;
        self.entries = Some(BTreeMap::new());
        self.looked_up.clear();
        Ok(())
    }

    fn warn(&mut self, what: &str, e: &UserError) {
        if !self.broken {
            eprintln!("rolex: {what}: {}", e.message);
            if let Some(h) = &e.hint {
                eprintln!("  hint: {h}");
            }
        }
        self.broken = true;
    }
}

/// Opens the cache this machine and `ROLEX_SESSION_CACHE` allow.
pub fn open<'a>(env: &'a Env) -> Result<Box<dyn Backend + 'a>, UserError> {
    let wanted = wanted(env)?;
    #[cfg(target_os = "linux")]
    if wanted != "store" {
        match kernel::Kernel::open(env) {
            Ok(k) => return Ok(Box::new(k)),
            Err(why) if wanted == "kernel" => {
                return Err(
                    failed(format!("the kernel keyring cannot hold sessions: {why}"))
                        .hint("unset ROLEX_SESSION_CACHE to keep sessions in the secret store"),
                );
            }
            Err(_) => {}
        }
    }
    #[cfg(not(target_os = "linux"))]
    if wanted == "kernel" {
        return Err(crate::error::usage(
            "ROLEX_SESSION_CACHE=kernel: the kernel keyring exists on Linux only",
        ));
    }
    Ok(Box::new(StoreCache::new(env)))
}

/// Name of the secret-store item that holds every cached session.
pub const STORE_ITEM: &str = "sessions";

/// Sessions as one item of the secret store: one read per process, and
/// every change made under a lock on the freshest copy, so concurrent
/// processes never lose each other's sessions.
pub struct StoreCache<'a> {
    env: &'a Env,
    store: std::cell::OnceCell<Box<dyn SecretStore>>,
}

impl<'a> StoreCache<'a> {
    pub fn new(env: &'a Env) -> Self {
        Self {
            env,
            store: std::cell::OnceCell::new(),
        }
    }

    /// A cache over a store that is already open (tests).
    #[cfg(test)]
    pub fn over(env: &'a Env, store: Box<dyn SecretStore>) -> Self {
        let cache = Self::new(env);
        let _ = cache.store.set(store);
        cache
    }

    fn store(&self) -> Result<&dyn SecretStore, UserError> {
        if self.store.get().is_none() {
            let _ = self.store.set(store::open(self.env)?);
        }
        Ok(self.store.get().expect("just set").as_ref())
    }

    fn read(&self) -> Result<BTreeMap<String, Cached>, UserError> {
        match self.store()?.get(STORE_ITEM)? {
            None => Ok(BTreeMap::new()),
            Some(text) => serde_json::from_str(&text).map_err(|e| {
                failed(format!("the cached sessions are damaged ({e})"))
                    .hint("`rolex clear --all` deletes them; nothing else is lost")
            }),
        }
    }

    /// Read, change and write back under the store's cache lock. A damaged
    /// copy is replaced, not kept: it only ever held temporary sessions.
    fn update(&self, f: impl FnOnce(&mut BTreeMap<String, Cached>)) -> Result<(), UserError> {
        let dir = store::private_dir(self.env)?;
        let _lock = store::lock(&dir.join("cache.lock"), None)?;
        // A store that cannot be read stops the change (writing would wipe
        // the others' sessions); a damaged copy is replaced.
        let mut map: BTreeMap<String, Cached> = match self.store()?.get(STORE_ITEM)? {
            Some(text) => serde_json::from_str(&text).unwrap_or_default(),
            None => BTreeMap::new(),
        };
        map.retain(|_, c| c.seconds_left().is_some_and(|s| s > 0));
        f(&mut map);
        let text = serde_json::to_string(&map).expect("sessions serialise");
        self.store()?.set(STORE_ITEM, &text)
    }
}

impl Backend for StoreCache<'_> {
    fn load(&self) -> Result<BTreeMap<String, Cached>, UserError> {
        self.read()
    }

    fn put(&self, key: &str, value: &Cached, _keep: u64) -> Result<(), UserError> {
        self.update(|m| {
            m.insert(key.to_string(), value.clone());
        })
    }

    fn remove(&self, keys: &[String]) -> Result<(), UserError> {
        self.update(|m| {
            for k in keys {
                m.remove(k);
            }
        })
    }

    fn clear(&self) -> Result<(), UserError> {
        let dir = store::private_dir(self.env)?;
        // Under the lock: a concurrent change cannot write the old list back.
        let _lock = store::lock(&dir.join("cache.lock"), None)?;
        let store = self.store()?;
        store.delete(STORE_ITEM)?;
        // Before 0.2 every session was an item of its own, listed in an index.
        if let Ok(Some(index)) = store.get("index/roles") {
            for key in serde_json::from_str::<Vec<String>>(&index).unwrap_or_default() {
                store.delete(&key)?;
            }
            store.delete("index/roles")?;
        }
        Ok(())
    }

    fn name(&self) -> String {
        self.store()
            .map(|s| s.name().to_string())
            .unwrap_or_else(|_| "secret store".into())
    }
}

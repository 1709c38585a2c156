//! Sessions in the Linux kernel keyring of the user (`@u`): one `user` key
//! per session, named `rolex:NS:KEY`, with a timeout that ends it `margin`
//! seconds before the session expires. `NS` names the store the sessions
//! belong to (backend and data folder), because the user keyring is shared
//! by every process of the uid, whatever its HOME or XDG folders.
//!
//! Kernel quotas are small for users other than root
//! (`/proc/sys/kernel/keys/maxbytes`, 20,000 bytes by default: about fifteen
//! sessions); when a new session does not fit, the sessions closest to their
//! end make room for it.

use std::collections::BTreeMap;

use linux_keyutils::{
    Key, KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, LinkNode, Permission,
};
use sha2::{Digest, Sha256};

use super::{Backend, Cached};
use crate::env::Env;
use crate::error::{UserError, failed};

/// More than `/proc/sys/kernel/keys/root_maxkeys` allows by default.
const MAX_LINKS: usize = 1 << 20;

pub struct Kernel {
    ring: KeyRing,
    prefix: String,
}

impl Kernel {
    /// The user keyring, if this process may use it (some containers'
    /// seccomp filters forbid keyctl).
    pub fn open(env: &Env) -> Result<Self, String> {
        let ring = KeyRing::from_special_id(KeyRingIdentifier::User, true)
            .map_err(|e| format!("keyctl refused: {e:?}"))?;
        Ok(Self {
            ring,
            prefix: format!("rolex:{}:", namespace(env)),
        })
    }

    fn ours(&self) -> Result<Vec<(String, Key)>, UserError> {
        // The buffer must hold every link: the kernel reports the full size
        // whatever the buffer. Room for more keys than the kernel lets even
        // root hold (kernel.keys.root_maxkeys is 1,000,000); the memory is
        // reserved, not touched.
        let links = self.ring.get_links(MAX_LINKS).map_err(kernel_error)?;
        Ok(links
            .iter()
            .filter_map(|node| match node {
                LinkNode::Key(k) => Some(*k),
                LinkNode::KeyRing(_) => None,
            })
            .filter_map(|k| {
                let meta = k.metadata().ok()?;
                let key = meta.get_description().strip_prefix(&self.prefix)?;
                Some((key.to_string(), k))
            })
            .collect())
    }

    fn add(&self, key: &str, payload: &[u8], keep: u64) -> Result<(), KeyError> {
        let k = self
            .ring
            .add_key(&format!("{}{key}", self.prefix), payload)?;
        // Every process of the user may use it, possessor or not (a login
        // session keyring that does not link @u must not hide it).
        let perms = KeyPermissionsBuilder::builder()
            .posessor(Permission::ALL)
            .user(
                Permission::VIEW
                    | Permission::READ
                    | Permission::WRITE
                    | Permission::SEARCH
                    | Permission::SETATTR,
            )
            .build();
        k.set_perms(perms)?;
        k.set_timeout(usize::try_from(keep).unwrap_or(usize::MAX))
    }
}

/// A short name for the store the sessions belong to.
fn namespace(env: &Env) -> String {
    let backend = crate::store::backend(env).unwrap_or("keyring");
    let dir = crate::store::data_dir(env);
    let mut h = Sha256::new();
    h.update(backend.as_bytes());
    h.update([0]);
    h.update(dir.as_os_str().as_encoded_bytes());
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn kernel_error(e: KeyError) -> UserError {
    failed(format!("the kernel keyring failed: {e:?}"))
        .hint("`rolex doctor` checks it; ROLEX_SESSION_CACHE=store keeps sessions in the secret store instead")
}

impl Backend for Kernel {
    fn load(&self) -> Result<BTreeMap<String, Cached>, UserError> {
        let mut map = BTreeMap::new();
        for (key, k) in self.ours()? {
            // Expired or revoked keys linger until the kernel collects them.
            let Ok(bytes) = k.read_to_vec() else { continue };
            if let Ok(v) = serde_json::from_slice::<Cached>(&bytes) {
                map.insert(key, v);
            }
        }
        Ok(map)
    }

    fn get(&self, key: &str) -> Result<Option<Cached>, UserError> {
        let k = match self.ring.search(&format!("{}{key}", self.prefix)) {
            Ok(k) => k,
            Err(
                KeyError::KeyDoesNotExist
                | KeyError::KeyExpired
                | KeyError::KeyRevoked
                | KeyError::KeyRejected,
            ) => return Ok(None),
            Err(e) => return Err(kernel_error(e)),
        };
        Ok(k.read_to_vec()
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok()))
    }

    fn lookups(&self) -> bool {
        true
    }

    fn put(&self, key: &str, value: &Cached, keep: u64) -> Result<(), UserError> {
        let payload = serde_json::to_vec(value).expect("a session serialises");
        let mut room: Option<Vec<(i64, Key)>> = None;
        loop {
            match self.add(key, &payload, keep) {
                Ok(()) => return Ok(()),
                Err(KeyError::QuotaExceeded) => {
                    // Make room: drop the session closest to its end.
                    let queue = match &mut room {
                        Some(q) => q,
                        None => {
                            let mut q: Vec<(i64, Key)> = self
                                .ours()?
                                .into_iter()
                                .filter(|(k, _)| k != key)
                                .map(|(_, k)| {
                                    let left = k
                                        .read_to_vec()
                                        .ok()
                                        .and_then(|b| serde_json::from_slice::<Cached>(&b).ok())
                                        .and_then(|c| c.seconds_left())
                                        .unwrap_or(i64::MIN);
                                    (left, k)
                                })
                                .collect();
                            q.sort_by_key(|(left, _)| std::cmp::Reverse(*left));
                            room.insert(q)
                        }
                    };
                    match queue.pop() {
                        Some((_, k)) => {
                            let _ = k.invalidate();
                            // The kernel gives the quota back when its
                            // collector has run, a moment later: wait for
                            // that before making more room.
                            for _ in 0..20 {
                                std::thread::sleep(std::time::Duration::from_millis(10));
                                match self.add(key, &payload, keep) {
                                    Ok(()) => return Ok(()),
                                    Err(KeyError::QuotaExceeded) => {}
                                    Err(e) => return Err(kernel_error(e)),
                                }
                            }
                        }
                        None => {
                            return Err(failed(
                                "the kernel keyring quota of this user is full",
                            )
                            .hint("raise /proc/sys/kernel/keys/maxbytes, or set ROLEX_SESSION_CACHE=store"));
                        }
                    }
                }
                Err(e) => return Err(kernel_error(e)),
            }
        }
    }

    fn remove(&self, keys: &[String]) -> Result<(), UserError> {
        for (key, k) in self.ours()? {
            if keys.contains(&key) {
                k.invalidate().map_err(kernel_error)?;
            }
        }
        Ok(())
    }

    fn clear(&self) -> Result<(), UserError> {
        for (_, k) in self.ours()? {
            k.invalidate().map_err(kernel_error)?;
        }
        Ok(())
    }

    fn name(&self) -> String {
        "kernel keyring".into()
    }
}

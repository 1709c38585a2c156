//! The OS secret store (Secret Service, macOS Keychain, Windows Credential
//! Manager) through the `keyring` crate, with a time limit on every call.

use std::sync::mpsc;
use std::time::Duration;

use super::SecretStore;
use crate::env::Env;
use crate::error::{UserError, failed};

const SERVICE: &str = "rolex";

/// How long one call may take before rolex gives up on the store. A
/// Secret Service that accepts the connection and never answers would
/// otherwise hang rolex (and every shell prompt waiting for it) forever.
const DEFAULT_TIMEOUT_SECS: u64 = 20;

pub struct Keyring {
    timeout: Duration,
}

impl Keyring {
    pub fn new(env: &Env) -> Self {
        let secs = env
            .non_empty("ROLEX_STORE_TIMEOUT")
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|s| *s > 0)
            .unwrap_or(DEFAULT_TIMEOUT_SECS);
        Self {
            timeout: Duration::from_secs(secs),
        }
    }

    /// Runs one keyring call on a thread of its own and waits at most the
    /// time limit for it. A call left hanging dies with the process.
    fn call<T: Send + 'static>(
        &self,
        key: &str,
        op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<keyring::Result<T>, UserError> {
        let entry = keyring::Entry::new(SERVICE, key).map_err(keyring_error)?;
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("rolex-keyring".into())
            .spawn(move || {
                let _ = tx.send(op(entry));
            })
            .map_err(|e| failed(format!("cannot start a thread for the OS keyring: {e}")))?;
        rx.recv_timeout(self.timeout).map_err(|_| {
            failed(format!(
                "the OS keyring did not answer within {} s",
                self.timeout.as_secs()
            ))
            .hint("check that the Secret Service (gnome-keyring, KeePassXC) is running and not stuck, or set ROLEX_BACKEND=file")
        })
    }
}

fn keyring_error(e: keyring::Error) -> UserError {
    let hint = "start a Secret Service (gnome-keyring, KeePassXC) and unlock it, or set ROLEX_BACKEND=file";
    match e {
        keyring::Error::NoStorageAccess(inner) => failed(format!(
            "the OS keyring is locked or refused access: {inner}"
        ))
        .hint(hint),
        // Linux without a session bus or a Secret Service: rolex's words
        // for it, the platform's text for anything else.
        keyring::Error::PlatformFailure(inner) if inner.to_string().contains("dbus") => failed(
            "the OS keyring is not reachable: no Secret Service (such as gnome-keyring) on a D-Bus session",
        )
        .hint(hint),
        keyring::Error::PlatformFailure(inner) => {
            failed(format!("the OS keyring is not reachable: {inner}")).hint(hint)
        }
        other => failed(format!("the OS keyring failed: {other}")).hint(hint),
    }
}

impl SecretStore for Keyring {
    fn get(&self, key: &str) -> Result<Option<String>, UserError> {
        match self.call(key, |e| e.get_password())? {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), UserError> {
        let value = value.to_string();
        self.call(key, move |e| e.set_password(&value))?
            .map_err(keyring_error)
    }

    fn delete(&self, key: &str) -> Result<(), UserError> {
        match self.call(key, |e| e.delete_credential())? {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn name(&self) -> &'static str {
        "OS keyring"
    }
}

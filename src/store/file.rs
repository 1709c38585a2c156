//! An age-encrypted file (scrypt passphrase) for headless machines.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{SecretStore, lock, private_dir, write_private};
use crate::env::Env;
use crate::error::{UserError, failed};

/// scrypt work factor (log2 N) of every file rolex encrypts: each guess at
/// the passphrase costs an attacker 2^18 scrypt rounds (about a second),
/// whichever file they attack. There is no cheaper file: cached sessions
/// live in the kernel keyring (`crate::cache`), and where they cannot, the
/// session file is encrypted just like the key file.
pub const WORK_FACTOR: u8 = 18;

/// Files are refused above this work factor (a file from a much faster
/// machine, or a denial of service planted by someone else).
const MAX_WORK_FACTOR: u8 = 22;

/// `keys.age` holds the long-term keys (`source/NAME`); `sessions.age` the
/// session cache where the kernel keyring is not available.
pub struct FileStore {
    dir: PathBuf,
    passphrase: age::secrecy::SecretString,
}

impl FileStore {
    pub fn new(env: &Env) -> Result<Self, UserError> {
        let dir = private_dir(env)?;
        let passphrase = match env.get("ROLEX_FILE_PASSPHRASE") {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => ask_passphrase(&dir)?,
        };
        let store = Self {
            dir,
            passphrase: age::secrecy::SecretString::from(passphrase),
        };
        store.drop_weak_session_file();
        Ok(store)
    }

    fn file_for(&self, key: &str) -> PathBuf {
        let name = if key.starts_with("source/") {
            "keys.age"
        } else {
            "sessions.age"
        };
        self.dir.join(name)
    }

    /// Before 0.2, `sessions.age` was encrypted at scrypt 2^11 with the same
    /// passphrase as the keys: a cheap target for guessing it. It only ever
    /// held temporary sessions, so such a file is deleted, not re-encrypted.
    fn drop_weak_session_file(&self) {
        let path = self.dir.join("sessions.age");
        if let Some(wf) = work_factor_of(&path)
            && wf < WORK_FACTOR
        {
            match fs::remove_file(&path) {
                Ok(()) => eprintln!(
                    "rolex: deleted {} (cached sessions encrypted at a weaker work factor, 2^{wf}); sessions will be made anew",
                    path.display()
                ),
                Err(e) => eprintln!(
                    "rolex: cannot delete the weak session file {}: {e}",
                    path.display()
                ),
            }
        }
    }

    fn read(&self, path: &Path) -> Result<BTreeMap<String, String>, UserError> {
        let mut bytes = Vec::new();
        match File::open(path) {
            Ok(mut f) => f
                .read_to_end(&mut bytes)
                .map_err(|e| failed(format!("cannot read {}: {e}", path.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(failed(format!("cannot read {}: {e}", path.display()))),
        };
        let mut identity = age::scrypt::Identity::new(self.passphrase.clone());
        identity.set_max_work_factor(MAX_WORK_FACTOR);
        let corrupt = |why: String| {
            failed(format!("the encrypted store {} cannot be read: {why}", path.display()))
                .hint("the file is damaged; move it aside and run `rolex add` again (nothing was changed)")
        };
        let plain = age::decrypt(&identity, &bytes).map_err(|e| match e {
            age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => {
                failed(format!(
                    "wrong passphrase for the encrypted store {}",
                    path.display()
                ))
                .hint("check ROLEX_FILE_PASSPHRASE")
            }
            other => corrupt(other.to_string()),
        })?;
        serde_json::from_slice(&plain).map_err(|e| corrupt(e.to_string()))
    }

    fn write(&self, path: &Path, map: &BTreeMap<String, String>) -> Result<(), UserError> {
        let plain = serde_json::to_vec(map).expect("a map of strings serialises");
        let mut recipient = age::scrypt::Recipient::new(self.passphrase.clone());
        recipient.set_work_factor(WORK_FACTOR);
        let cipher = age::encrypt(&recipient, &plain)
            .map_err(|e| failed(format!("cannot encrypt the store: {e}")))?;
        write_private(path, &cipher)
    }

    fn update(
        &self,
        key: &str,
        f: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> Result<(), UserError> {
        let path = self.file_for(key);
        let _lock = lock(&self.dir.join("store.lock"), None)?;
        // A new file takes the passphrase it is given: check it against the
        // other file first, so a typo cannot split the store in two.
        let keys = self.dir.join("keys.age");
        if !path.exists() && path != keys && keys.exists() {
            self.read(&keys)?;
        }
        let mut map = self.read(&path)?;
        f(&mut map);
        self.write(&path, &map)
    }
}

/// The scrypt work factor in an age file's header (`-> scrypt SALT N`).
fn work_factor_of(path: &Path) -> Option<u8> {
    let mut head = [0u8; 512];
    let n = File::open(path).ok()?.read(&mut head).ok()?;
    let text = String::from_utf8_lossy(&head[..n]);
    text.lines()
        .find_map(|l| l.strip_prefix("-> scrypt "))
        .and_then(|rest| rest.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

fn ask_passphrase(dir: &Path) -> Result<String, UserError> {
    let tty = crate::shell::tty_term().ok_or_else(|| {
        failed("the file store needs a passphrase and there is no terminal to ask on")
            .hint("set ROLEX_FILE_PASSPHRASE")
    })?;
    dialoguer::Password::new()
        .with_prompt(format!("Passphrase for {}", dir.display()))
        .interact_on(&tty)
        .map_err(|e| failed(format!("cannot read the passphrase: {e}")))
}

impl SecretStore for FileStore {
    fn get(&self, key: &str) -> Result<Option<String>, UserError> {
        Ok(self.read(&self.file_for(key))?.remove(key))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), UserError> {
        self.update(key, |m| {
            m.insert(key.to_string(), value.to_string());
        })
    }

    fn delete(&self, key: &str) -> Result<(), UserError> {
        let path = self.file_for(key);
        if !path.exists() {
            return Ok(());
        }
        if key == crate::cache::STORE_ITEM {
            // The session file holds nothing else: delete it whole, so that
            // even a damaged one can be cleared.
            let _lock = lock(&self.dir.join("store.lock"), None)?;
            return fs::remove_file(&path)
                .map_err(|e| failed(format!("cannot delete {}: {e}", path.display())));
        }
        self.update(key, |m| {
            m.remove(key);
        })
    }

    fn name(&self) -> &'static str {
        "encrypted file store"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path, pass: &str) -> FileStore {
        let env = Env::from_pairs(&[
            ("XDG_DATA_HOME", dir.to_str().unwrap()),
            ("ROLEX_FILE_PASSPHRASE", pass),
        ]);
        FileStore::new(&env).unwrap()
    }

    #[test]
    fn round_trip_permissions_and_one_work_factor_for_every_file() {
        let t = tempfile::tempdir().unwrap();
        let s = store(t.path(), "pw");
        s.set("sessions", "secret-session").unwrap();
        s.set("source/main", "secret-key").unwrap();
        assert_eq!(
            s.get("sessions").unwrap().as_deref(),
            Some("secret-session")
        );
        assert_eq!(s.get("role/y").unwrap(), None);
        for name in ["keys.age", "sessions.age"] {
            let file = t.path().join("rolex").join(name);
            let bytes = fs::read(&file).unwrap();
            assert!(!String::from_utf8_lossy(&bytes).contains("secret-"));
            assert_eq!(work_factor_of(&file), Some(WORK_FACTOR), "{name}");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{name}");
            }
        }
        s.delete("sessions").unwrap();
        assert_eq!(s.get("sessions").unwrap(), None);
    }

    #[test]
    fn a_session_file_at_a_weaker_work_factor_is_deleted() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("rolex");
        fs::create_dir_all(&dir).unwrap();
        let mut weak =
            age::scrypt::Recipient::new(age::secrecy::SecretString::from("pw".to_string()));
        weak.set_work_factor(11);
        let cipher = age::encrypt(&weak, b"{}").unwrap();
        fs::write(dir.join("sessions.age"), cipher).unwrap();
        assert_eq!(work_factor_of(&dir.join("sessions.age")), Some(11));
        store(t.path(), "pw");
        assert!(!dir.join("sessions.age").exists());
    }

    #[test]
    fn wrong_passphrase_and_truncation_are_clear_and_lose_nothing() {
        let t = tempfile::tempdir().unwrap();
        store(t.path(), "right").set("source/x", "v").unwrap();
        let e = store(t.path(), "wrong").get("source/x").unwrap_err();
        assert!(e.message.contains("wrong passphrase"), "{}", e.message);
        let e = store(t.path(), "wrong").set("source/y", "w").unwrap_err();
        assert!(e.message.contains("wrong passphrase"));
        assert_eq!(
            store(t.path(), "right").get("source/x").unwrap().as_deref(),
            Some("v")
        );
        let file = t.path().join("rolex/keys.age");
        let bytes = fs::read(&file).unwrap();
        fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        let e = store(t.path(), "right").get("source/x").unwrap_err();
        assert!(e.message.contains("cannot be read"), "{}", e.message);
    }
}

//! The secret store: long-term keys and cached sessions, behind one small
//! trait, with two backends chosen by `ROLEX_BACKEND` (SPEC.md).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::error::{UserError, failed, usage};

/// Key/value storage for secrets. Keys are like `source/main`, `role/prod`.
pub trait SecretStore {
    fn get(&self, key: &str) -> Result<Option<String>, UserError>;
    fn set(&self, key: &str, value: &str) -> Result<(), UserError>;
    /// Deletes; a missing key is not an error.
    fn delete(&self, key: &str) -> Result<(), UserError>;
    /// A short name for messages.
    fn name(&self) -> &'static str;
}

/// rolex's own folder for the file store and lock files.
pub fn data_dir(env: &Env) -> PathBuf {
    let base = env
        .non_empty("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| crate::config::home(env).map(|h| h.join(".local").join("share")))
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(|| PathBuf::from(".rolex"));
    base.join("rolex")
}

fn private_dir(env: &Env) -> Result<PathBuf, UserError> {
    let dir = data_dir(env);
    fs::create_dir_all(&dir)
        .map_err(|e| failed(format!("cannot create {}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // The folder holds the encrypted store and the lock files: it must be
        // ours and closed to others.
        let refuse = |why: String| {
            failed(format!("{}: {why}", dir.display()))
                .hint("use a folder of your own (XDG_DATA_HOME)")
        };
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| refuse(format!("cannot make it private: {e}")))?;
        if let (Ok(meta), Some(me)) = (fs::metadata(&dir), crate::process::my_uid())
            && meta.uid() != me
        {
            return Err(refuse(format!(
                "it belongs to another user (uid {})",
                meta.uid()
            )));
        }
    }
    Ok(dir)
}

/// Opens the backend `ROLEX_BACKEND` names (default: the OS keyring).
pub fn open(env: &Env) -> Result<Box<dyn SecretStore>, UserError> {
    match env.non_empty("ROLEX_BACKEND").unwrap_or("keyring") {
        "keyring" => Ok(Box::new(Keyring)),
        "file" => Ok(Box::new(FileStore::new(env)?)),
        other => Err(usage(format!(
            "ROLEX_BACKEND={other:?} is not a backend: use \"keyring\" or \"file\""
        ))),
    }
}

/// The OS secret store through the `keyring` crate.
pub struct Keyring;

const SERVICE: &str = "rolex";

impl Keyring {
    fn entry(key: &str) -> Result<keyring::Entry, UserError> {
        keyring::Entry::new(SERVICE, key).map_err(keyring_error)
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
        match Self::entry(key)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), UserError> {
        Self::entry(key)?.set_password(value).map_err(keyring_error)
    }

    fn delete(&self, key: &str) -> Result<(), UserError> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn name(&self) -> &'static str {
        "OS keyring"
    }
}

/// An age-encrypted file (scrypt passphrase) for headless machines.
///
/// Long-term keys and sessions are kept in two files: the keys at age's
/// default scrypt work factor (about a second, paid only when new
/// credentials are made), the sessions at a lower one, so that a cached
/// `rolex exec` stays fast. Sessions expire within hours; keys do not.
pub struct FileStore {
    dir: PathBuf,
    passphrase: age::secrecy::SecretString,
}

/// scrypt work factor (log2 N) for the session file.
const SESSION_WORK_FACTOR: u8 = 11;

impl FileStore {
    fn new(env: &Env) -> Result<Self, UserError> {
        let dir = private_dir(env)?;
        let passphrase = match env.get("ROLEX_FILE_PASSPHRASE") {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => ask_passphrase(&dir)?,
        };
        Ok(Self {
            dir,
            passphrase: age::secrecy::SecretString::from(passphrase),
        })
    }

    fn file_for(&self, key: &str) -> PathBuf {
        let name = if key.starts_with("source/") {
            "keys.age"
        } else {
            "sessions.age"
        };
        self.dir.join(name)
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
        identity.set_max_work_factor(22);
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
        if path.ends_with("sessions.age") {
            recipient.set_work_factor(SESSION_WORK_FACTOR);
        }
        let cipher = age::encrypt(&recipient, &plain)
            .map_err(|e| failed(format!("cannot encrypt the store: {e}")))?;
        // Write beside, then rename: a crash leaves the old file whole.
        let tmp = path.with_extension("tmp");
        let mut opts = OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(&tmp)
            .map_err(|e| failed(format!("cannot write {}: {e}", tmp.display())))?;
        f.write_all(&cipher)
            .and_then(|_| f.sync_all())
            .map_err(|e| failed(format!("cannot write {}: {e}", tmp.display())))?;
        fs::rename(&tmp, path).map_err(|e| failed(format!("cannot write {}: {e}", path.display())))
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
        if !self.file_for(key).exists() {
            return Ok(());
        }
        self.update(key, |m| {
            m.remove(key);
        })
    }

    fn name(&self) -> &'static str {
        "encrypted file store"
    }
}

/// An exclusive lock on a file beside the store, held until dropped.
pub struct Lock(#[allow(dead_code)] File);

/// `waiting` is said on stderr when another process holds the lock.
pub fn lock(path: &Path, waiting: Option<&str>) -> Result<Lock, UserError> {
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| failed(format!("cannot open lock file {}: {e}", path.display())))?;
    match f.try_lock() {
        Ok(()) => return Ok(Lock(f)),
        Err(std::fs::TryLockError::WouldBlock) => {
            if let Some(w) = waiting {
                eprintln!("rolex: {w}");
            }
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(failed(format!("cannot lock {}: {e}", path.display())));
        }
    }
    f.lock()
        .map_err(|e| failed(format!("cannot lock {}: {e}", path.display())))?;
    Ok(Lock(f))
}

/// Takes the lock that serialises making new sessions from one source, so two
/// rolex processes never both prompt for MFA or both call STS.
pub fn session_lock(env: &Env, source: &str) -> Result<Lock, UserError> {
    let dir = private_dir(env)?;
    let safe: String = source
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    lock(
        &dir.join(format!("session-{safe}.lock")),
        Some(
            "waiting for another rolex process making a session from the same source (it may be asking for an MFA code)",
        ),
    )
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
    fn file_store_round_trip_and_permissions() {
        let t = tempfile::tempdir().unwrap();
        let s = store(t.path(), "pw");
        s.set("role/x", "secret-session").unwrap();
        assert_eq!(s.get("role/x").unwrap().as_deref(), Some("secret-session"));
        assert_eq!(s.get("role/y").unwrap(), None);
        s.delete("role/x").unwrap();
        assert_eq!(s.get("role/x").unwrap(), None);
        let file = t.path().join("rolex/sessions.age");
        let bytes = fs::read(&file).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("secret-session"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&file).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                fs::metadata(t.path().join("rolex"))
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o777,
                0o700
            );
        }
    }

    #[test]
    fn wrong_passphrase_and_truncation_are_clear_and_lose_nothing() {
        let t = tempfile::tempdir().unwrap();
        store(t.path(), "right").set("role/x", "v").unwrap();
        let e = store(t.path(), "wrong").get("role/x").unwrap_err();
        assert!(e.message.contains("wrong passphrase"), "{}", e.message);
        let e = store(t.path(), "wrong").set("role/y", "w").unwrap_err();
        assert!(e.message.contains("wrong passphrase"));
        assert_eq!(
            store(t.path(), "right").get("role/x").unwrap().as_deref(),
            Some("v")
        );
        let file = t.path().join("rolex/sessions.age");
        let bytes = fs::read(&file).unwrap();
        fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        let e = store(t.path(), "right").get("role/x").unwrap_err();
        assert!(e.message.contains("cannot be read"), "{}", e.message);
    }
}

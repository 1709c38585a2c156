//! The secret store: long-term keys (and, where the kernel keyring cannot
//! hold them, the session cache) behind one small trait, with two backends
//! chosen by `ROLEX_BACKEND`: the OS keyring or an encrypted file.

mod file;
mod files;
mod keyring;

use crate::env::Env;
use crate::error::UserError;

pub use self::files::*;

pub use self::file::FileStore;
pub use self::keyring::Keyring;

/// Key/value storage for secrets. Keys are like `source/main`, `sessions`.
pub trait SecretStore {
    fn get(&self, key: &str) -> Result<Option<String>, UserError>;
    fn set(&self, key: &str, value: &str) -> Result<(), UserError>;
    /// Deletes; a missing key is not an error.
    fn delete(&self, key: &str) -> Result<(), UserError>;
    /// A short name for messages.
    fn name(&self) -> &'static str;
}

/// Opens the backend `ROLEX_BACKEND` names.
pub fn open(env: &Env) -> Result<Box<dyn SecretStore>, UserError> {
    match backend(env)? {
        "file" => Ok(Box::new(FileStore::new(env)?)),
        _ => Ok(Box::new(Keyring::new(env))),
    }
}

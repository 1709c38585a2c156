//! rolex's files beside the secret store: where they are, private folders,
//! safe replacement, locks. No keyring or cipher here, so the small `rolex`
//! front binary can share it.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::error::{UserError, failed, usage};

/// Which backend `ROLEX_BACKEND` names (default: the OS keyring).
pub fn backend(env: &Env) -> Result<&'static str, UserError> {
    match env.non_empty("ROLEX_BACKEND").unwrap_or("keyring") {
        "keyring" => Ok("keyring"),
        "file" => Ok("file"),
        other => Err(usage(format!(
            "ROLEX_BACKEND={other:?} is not a backend: use \"keyring\" or \"file\""
        ))),
    }
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

/// rolex's data folder, created if needed, checked to be ours and private.
pub fn private_dir(env: &Env) -> Result<PathBuf, UserError> {
    let dir = data_dir(env);
    make_private_dir(&dir).map_err(|why| {
        failed(format!("{}: {why}", dir.display())).hint("use a folder of your own (XDG_DATA_HOME)")
    })?;
    Ok(dir)
}

/// Creates `dir` (mode 0700) or checks an existing one: it must be a real
/// folder (not a link), owned by us; only then is it made private. Nothing
/// is ever chmod-ed through a symlink or before its owner is known.
pub fn make_private_dir(dir: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        if let Some(parent) = dir.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create it: {e}"))?;
        }
        match fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("cannot create it: {e}")),
        }
        let meta = fs::symlink_metadata(dir).map_err(|e| format!("cannot read it: {e}"))?;
        if meta.file_type().is_symlink() {
            return Err("it is a symbolic link; rolex keeps secrets only in a real folder".into());
        }
        if !meta.is_dir() {
            return Err("it is not a folder".into());
        }
        if let Some(me) = crate::process::my_uid()
            && meta.uid() != me
        {
            return Err(format!("it belongs to another user (uid {})", meta.uid()));
        }
        if meta.mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| format!("cannot make it private: {e}"))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create it: {e}"))
    }
}

/// Writes `bytes` to `path` through a fresh private file beside it, then
/// renames: a crash leaves the old file whole, and the mode is 0600 whatever
/// a stale temporary file had.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), UserError> {
    replace_file(path, bytes, false)
}

/// The one way rolex replaces a file (store files, the profile file, the
/// AWS config file): a link is followed to the real file, a fresh 0600
/// temporary file beside it gets the bytes (and, with `keep_mode`, the old
/// file's mode), is synced, then renamed over it. A crash leaves the old file
/// whole; a failure leaves no temporary file behind.
pub fn replace_file(path: &Path, bytes: &[u8], keep_mode: bool) -> Result<(), UserError> {
    use std::io::Write;
    let path = &path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{name}.rolex-tmp"));
    let cannot = |e: std::io::Error| failed(format!("cannot write {}: {e}", path.display()));
    fs::create_dir_all(dir).map_err(cannot)?;
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(cannot(e)),
    }
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let result = opts.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        if keep_mode && let Ok(meta) = fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()?;
        fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(cannot)
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_symlinked_data_folder_is_refused_and_its_target_left_alone() {
        let t = tempfile::tempdir().unwrap();
        let target = t.path().join("elsewhere");
        fs::create_dir(&target).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o755)).unwrap();
        let link = t.path().join("rolex");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = make_private_dir(&link).unwrap_err();
        assert!(e.contains("symbolic link"), "{e}");
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755, "the link's target was chmod-ed");
    }

    #[test]
    fn a_stale_open_temporary_file_does_not_pass_its_mode_on() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("sessions.age");
        let tmp = t.path().join(".sessions.age.rolex-tmp");
        fs::write(&tmp, b"old").unwrap();
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o666)).unwrap();
        write_private(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

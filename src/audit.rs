//! The local audit trail: who switched to which role, when, why, and when
//! they left. JSON lines in `$XDG_STATE_HOME/rolex/audit.jsonl` (0600).
//! Never holds a secret: no keys, tokens or codes, only names and times.

use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::env::Env;

/// One line of the audit trail.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// RFC 3339, UTC.
    pub time: String,
    /// `switch`, `exec`, `env`, `console`, `credential-process`, `renew` (a
    /// new session for a running `exec --server`), `exit`.
    pub event: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    pub user: String,
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whether STS was called (false: a cached session).
    #[serde(default)]
    pub new_session: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Entry {
    /// An entry for `event` on `role` by `user` on `host`, now.
    pub fn new(event: &str, role: &str, user: &str, host: &str) -> Self {
        Self {
            time: now(),
            event: event.to_string(),
            role: role.to_string(),
            account: None,
            role_arn: None,
            user: user.to_string(),
            host: host.to_string(),
            reason: None,
            session_name: None,
            source: None,
            new_session: false,
            expires: None,
        }
    }

    /// An entry for a session of `plan`'s role used for `event`: `new` when
    /// STS made it just now, not taken from the cache.
    pub fn for_session(
        event: &str,
        plan: &crate::profile::Plan,
        (user, host): (&str, &str),
        reason: Option<&str>,
        credentials: &crate::aws::Credentials,
        new: bool,
    ) -> Self {
        let last = plan.hops.last().expect("a plan has a hop");
        Self {
            account: Some(plan.account.clone()),
            role_arn: Some(last.arn.clone()),
            reason: reason.map(str::to_string),
            session_name: Some(last.session_name.clone()),
            source: Some(plan.source.name.clone()),
            new_session: new,
            expires: credentials.expiration.clone(),
            ..Self::new(event, &plan.role, user, host)
        }
    }
}

/// Where the audit trail is kept.
pub fn path(env: &Env) -> PathBuf {
    env.non_empty("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| crate::config::home(env).map(|h| h.join(".local").join("state")))
        .unwrap_or_else(|| PathBuf::from(".rolex-state"))
        .join("rolex")
        .join("audit.jsonl")
}

pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Appends an entry. A trail that cannot be written is said on stderr but
/// does not stop the operator's work.
pub fn record(env: &Env, entry: &Entry) {
    if let Err(e) = append(env, entry) {
        eprintln!(
            "rolex: the audit trail {} cannot be written: {e}",
            path(env).display()
        );
    }
}

fn append(env: &Env, entry: &Entry) -> std::io::Result<()> {
    let path = path(env);
    if let Some(dir) = path.parent() {
        // Ours, a real folder, private: checked before any chmod.
        crate::store::make_private_dir(dir)
            .map_err(|why| std::io::Error::other(format!("{}: {why}", dir.display())))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never through a symbolic link planted in its place.
        opts.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = opts.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = file.metadata()?;
        if meta.mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    // One write of a whole line: concurrent rolex processes do not interleave.
    file.write_all(line.as_bytes())
}

/// Every entry, oldest first; lines that cannot be read are skipped.
pub fn read(env: &Env) -> std::io::Result<Vec<Entry>> {
    match std::fs::read_to_string(path(env)) {
        Ok(text) => Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_symlinked_audit_folder_or_file_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let env = Env::from_pairs(&[("XDG_STATE_HOME", t.path().to_str().unwrap())]);
        let target = t.path().join("elsewhere");
        std::fs::create_dir(&target).unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink(&target, t.path().join("rolex")).unwrap();
        let entry = Entry {
            time: now(),
            event: "exit".into(),
            role: "r".into(),
            account: None,
            role_arn: None,
            user: "u".into(),
            host: "h".into(),
            reason: None,
            session_name: None,
            source: None,
            new_session: false,
            expires: None,
        };
        assert!(append(&env, &entry).is_err());
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755);
        std::fs::remove_file(t.path().join("rolex")).unwrap();
        std::fs::create_dir(t.path().join("rolex")).unwrap();
        std::os::unix::fs::symlink(t.path().join("x"), t.path().join("rolex/audit.jsonl")).unwrap();
        assert!(append(&env, &entry).is_err());
        assert!(!t.path().join("x").exists());
    }

    #[test]
    fn entries_round_trip_in_a_private_file() {
        let t = tempfile::tempdir().unwrap();
        let env = Env::from_pairs(&[("XDG_STATE_HOME", t.path().to_str().unwrap())]);
        let e = Entry {
            time: now(),
            event: "switch".into(),
            role: "prod".into(),
            account: Some("222222222222".into()),
            role_arn: None,
            user: "alice".into(),
            host: "box".into(),
            reason: Some("INC-1".into()),
            session_name: None,
            source: None,
            new_session: true,
            expires: None,
        };
        record(&env, &e);
        record(
            &env,
            &Entry {
                event: "exit".into(),
                ..e.clone()
            },
        );
        let all = read(&env).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0], e);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path(&env)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

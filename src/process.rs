//! Facts about processes that std does not give, read from /proc (Linux);
//! `None` where /proc is not there, and callers then skip their check.

/// The parent of process `pid`.
pub fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) can hold spaces and parentheses: the fields
    // after it start past the last ')'.
    stat.rsplit(')')
        .next()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// This process's user id, without unsafe code: the owner of /proc/self.
#[cfg(unix)]
pub fn my_uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// The account name of this process's user, from /etc/passwd: who is
/// running rolex when USER and LOGNAME are not set (cron, systemd, containers).
#[cfg(unix)]
pub fn my_user_name() -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    user_name_in(&passwd, my_uid()?)
}

#[cfg(not(unix))]
pub fn my_user_name() -> Option<String> {
    None
}

/// The name of user `uid` in a passwd(5) text.
#[cfg(unix)]
fn user_name_in(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid && !name.is_empty() && !name.starts_with(['+', '-', '#']))
            .then(|| name.to_string())
    })
}

/// Who runs rolex: USER, else LOGNAME, else the account name of our uid (so
/// that CloudTrail tells operators apart under cron or systemd too).
pub fn user_name(env: &crate::env::Env) -> String {
    env.non_empty("USER")
        .or(env.non_empty("LOGNAME"))
        .map(str::to_string)
        .or_else(my_user_name)
        .unwrap_or_else(|| "rolex".to_string())
}

pub fn hostname() -> String {
    if cfg!(windows)
        && let Ok(name) = std::env::var("COMPUTERNAME")
    {
        return name;
    }
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().split('.').next().unwrap_or("").to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_string())
}

/// Runs the command in rolex's place (Unix: exec), so its exit status and
/// signals are its own.
pub fn run_replacing(mut cmd: std::process::Command, name: &str) -> anyhow::Result<i32> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        Err(crate::error::cannot_run(name, cmd.exec()))
    }
    #[cfg(not(unix))]
    {
        let status = cmd
            .status()
            .map_err(|e| crate::error::cannot_run(name, e))?;
        Ok(status.code().unwrap_or(1))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn finds_a_user_name_by_uid() {
        let passwd = "# comment\nroot:x:0:0:root:/root:/bin/bash\n+nis::::::\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/sh\nbad:x:zz:1:::\n";
        assert_eq!(super::user_name_in(passwd, 1000).as_deref(), Some("alice"));
        assert_eq!(super::user_name_in(passwd, 0).as_deref(), Some("root"));
        assert_eq!(super::user_name_in(passwd, 4242), None);
        let me = std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap();
        assert_eq!(
            super::my_user_name().as_deref(),
            Some(String::from_utf8_lossy(&me.stdout).trim())
        );
    }

    #[test]
    fn finds_our_parent() {
        assert_eq!(
            super::parent_of(std::process::id()),
            Some(std::os::unix::process::parent_id())
        );
        assert_eq!(super::parent_of(u32::MAX), None);
    }
}

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

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn finds_our_parent() {
        assert_eq!(
            super::parent_of(std::process::id()),
            Some(std::os::unix::process::parent_id())
        );
        assert_eq!(super::parent_of(u32::MAX), None);
    }
}

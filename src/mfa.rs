//! Where MFA codes come from: `--token`, the source's `mfa_command`, or the
//! terminal (`/dev/tty`, so it works when stdout is piped or captured).

use std::process::{Command, Stdio};

use crate::env::Env;
use crate::error::{UserError, failed, usage};

/// A code that is exactly six digits.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaCode(String);

impl std::fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaCode(******)")
    }
}

impl MfaCode {
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        (t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit())).then(|| Self(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hands out MFA codes, each way tried in SPEC order.
pub struct MfaSource {
    token: Option<String>,
    token_used: bool,
    /// The environment `mfa_command` runs in: the one from before any role.
    original: Env,
}

impl MfaSource {
    pub fn new(token: Option<String>, original: Env) -> Self {
        Self {
            token,
            token_used: false,
            original,
        }
    }

    /// Checks `--token` before anything else happens.
    pub fn check_flag(&self) -> Result<(), UserError> {
        match &self.token {
            Some(t) if MfaCode::parse(t).is_none() => {
                Err(usage("--token must be the 6 digits your MFA device shows"))
            }
            _ => Ok(()),
        }
    }

    /// A code for `serial`: from --token (once), `command`, or the terminal.
    pub fn code(
        &mut self,
        serial: &str,
        command: Option<&str>,
        what: &str,
    ) -> Result<MfaCode, UserError> {
        if let Some(t) = &self.token
            && !self.token_used
        {
            self.token_used = true;
            return MfaCode::parse(t)
                .ok_or_else(|| usage("--token must be the 6 digits your MFA device shows"));
        }
        if let Some(cmd) = command {
            return from_command(cmd, &self.original);
        }
        from_terminal(serial, what)
    }
}

/// How long `mfa_command` may take (it may wait for a touch of a hardware
/// key) before it is killed; `ROLEX_MFA_TIMEOUT` (seconds) changes it.
const MFA_COMMAND_TIMEOUT_SECS: u64 = 60;

/// Runs `mfa_command` with the environment from before any role, without
/// AWS keys and without rolex's private variables: it only has to print a
/// code. One that does not end in time is killed (with anything it started):
/// rolex holds the source's lock meanwhile.
fn from_command(cmd: &str, original: &Env) -> Result<MfaCode, UserError> {
    // A command line for the platform's shell: `/bin/sh -c`, `cmd /C` on Windows.
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("/bin/sh", "-c")
    };
    let mut command = Command::new(shell);
    crate::output::apply_to_command(&mut command, original);
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
    ] {
        command.env_remove(name);
    }
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .arg(flag)
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| failed(format!("cannot run mfa_command: {e}")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut text = Vec::new();
        let _ = stdout.take(4096).read_to_end(&mut text);
        let _ = tx.send(text);
    });
    let secs = command_timeout(original);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            _ => {
                kill_group(&mut child);
                return Err(failed(format!("mfa_command did not finish within {secs} s and was stopped"))
                    .hint("run it by hand to see why (ROLEX_MFA_TIMEOUT=SECONDS gives it longer), or remove mfa_command to be asked for the code"));
            }
        }
    };
    if !status.success() {
        return Err(failed(format!("mfa_command failed ({status})"))
            .hint("run it by hand to see why, or remove mfa_command to be asked for the code"));
    }
    // Its output, once it has ended; a background process it left holding
    // the pipe does not hold rolex up.
    let out = rx
        .recv_timeout(std::time::Duration::from_secs(1))
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&out);
    MfaCode::parse(&text).ok_or_else(|| failed("mfa_command did not print a 6-digit code"))
}

/// Seconds `mfa_command` may run: `ROLEX_MFA_TIMEOUT` (1 s to a day), else
/// the default.
fn command_timeout(env: &Env) -> u64 {
    env.non_empty("ROLEX_MFA_TIMEOUT")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(MFA_COMMAND_TIMEOUT_SECS, |s| s.clamp(1, 86_400))
}

/// Kills the command and every process in its group, then reaps it.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg("--")
            .arg(format!("-{}", child.id()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Asks on the controlling terminal (dialoguer on /dev/tty), so it works
/// while stdout is captured by the shell hook or piped; asks again until the
/// answer is 6 digits. Ctrl-C or end of input gives up.
fn from_terminal(serial: &str, what: &str) -> Result<MfaCode, UserError> {
    let term = crate::shell::tty_term().ok_or_else(|| {
        failed("an MFA code is needed and there is no terminal to ask on")
            .hint("pass --token CODE, or set mfa_command for the source")
    })?;
    let text: String = dialoguer::Input::new()
        .with_prompt(format!("MFA code for {serial} ({what})"))
        .validate_with(|t: &String| -> Result<(), &str> {
            MfaCode::parse(t)
                .map(|_| ())
                .ok_or("an MFA code is 6 digits")
        })
        .interact_text_on(&term)
        .map_err(|e| failed(format!("no MFA code given ({e})")))?;
    MfaCode::parse(&text).ok_or_else(|| failed("an MFA code is 6 digits"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        assert!(MfaCode::parse("123456").is_some());
        assert!(MfaCode::parse(" 123456\n").is_some());
        for bad in ["12345", "1234567", "12345a", "", "１２３４５６"] {
            assert!(MfaCode::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            format!("{:?}", MfaCode::parse("123456").unwrap()),
            "MfaCode(******)"
        );
    }

    #[test]
    fn the_command_timeout_is_bounded() {
        let with = |v: &str| command_timeout(&Env::from_pairs(&[("ROLEX_MFA_TIMEOUT", v)]));
        assert_eq!(command_timeout(&Env::default()), MFA_COMMAND_TIMEOUT_SECS);
        assert_eq!(with("5"), 5);
        assert_eq!(with("0"), 1);
        assert_eq!(with("18446744073709551615"), 86_400);
        assert_eq!(with("soon"), MFA_COMMAND_TIMEOUT_SECS);
    }

    #[test]
    fn token_then_command() {
        let mut m = MfaSource::new(Some("111111".into()), Env::default());
        assert_eq!(
            m.code("s", Some("echo 222222"), "x").unwrap().as_str(),
            "111111"
        );
        assert_eq!(
            m.code("s", Some("echo 222222"), "x").unwrap().as_str(),
            "222222"
        );
        assert!(m.code("s", Some("echo nope"), "x").is_err());
        assert!(
            MfaSource::new(Some("12".into()), Env::default())
                .check_flag()
                .is_err()
        );
    }
}

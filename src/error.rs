//! Error kinds, their exit codes and hints: the one place that decides what a
//! failure looks like to the operator.

use std::fmt;

/// What kind of failure, which decides the exit code (SPEC "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The operation failed: denied, network, wrong MFA, no role active. Exit 1.
    Failed,
    /// Bad usage or a bad profile file. Exit 2.
    Usage,
}

/// An error meant for the operator: one line saying what went wrong and,
/// where it helps, a second line saying what to do.
#[derive(Debug)]
pub struct UserError {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

impl UserError {
    /// Adds the "what to do" line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A failed operation (exit 1).
pub fn failed(message: impl Into<String>) -> UserError {
    UserError {
        kind: Kind::Failed,
        message: message.into(),
        hint: None,
    }
}

/// A usage or profile-file error (exit 2).
pub fn usage(message: impl Into<String>) -> UserError {
    UserError {
        kind: Kind::Usage,
        message: message.into(),
        hint: None,
    }
}

/// Ends rolex with this exit code and nothing more on stderr (the command has
/// said what it had to, or it is a child's own status).
#[derive(Debug)]
pub struct Exit(pub i32);

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for Exit {}

/// The error for a command that cannot be started: 127 when it is not
/// found, 126 otherwise, as shells do.
pub fn cannot_run(name: &str, e: std::io::Error) -> anyhow::Error {
    let code = if e.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    };
    eprintln!(
        "rolex: cannot run {}: {e}",
        crate::terminal::printable(name)
    );
    anyhow::Error::new(Exit(code))
}

/// Prints the error (if any) and returns the process exit code.
pub fn exit_code(result: anyhow::Result<i32>) -> i32 {
    let err = match result {
        Ok(code) => return code,
        Err(err) => err,
    };
    if let Some(Exit(code)) = err.downcast_ref::<Exit>() {
        return *code;
    }
    if is_broken_pipe(&err) {
        return 0;
    }
    // Messages quote profile files, servers and the environment: nothing in
    // them may drive the terminal or add lines.
    let printable = crate::terminal::printable;
    if let Some(user) = err.downcast_ref::<UserError>() {
        eprintln!("rolex: {}", printable(&user.message));
        if let Some(hint) = &user.hint {
            // A hint of several lines stays under its first one.
            let lines: Vec<String> = hint.lines().map(|l| printable(l).into_owned()).collect();
            eprintln!(
                "  hint: {}",
                lines.join(
                    "
        "
                )
            );
        }
        return match user.kind {
            Kind::Failed => 1,
            Kind::Usage => 2,
        };
    }
    // Context chain on one line; the innermost cause often names the real problem.
    let chain: Vec<String> = err.chain().map(|c| c.to_string()).collect();
    eprintln!("rolex: {}", printable(&chain.join(": ")));
    1
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

//! A first run: no profile file yet. Commands that need roles say where
//! rolex looked and what to do, in one voice.

use std::path::Path;

use super::Ctx;
use crate::error::{UserError, usage};

/// "no profile file at PATH: WHAT", with the ways to make one.
pub fn no_profile_file(path: &Path, what: &str) -> UserError {
    usage(format!("no profile file at {}: {what}", path.display())).hint(
        "`rolex import` makes roles from the role profiles of ~/.aws/config, or create the file with:
    [roles.prod-admin]
    account = \"222222222222\"
    role = \"Admin\"
then `rolex add NAME` keeps an IAM user's key for [sources.NAME] in the secret store",
    )
}

impl Ctx<'_> {
    /// The profile file rolex looked for, when there is none there.
    pub fn missing_profile_file(&self) -> Option<&Path> {
        self.config.path.as_deref().filter(|p| !p.exists())
    }

    /// The first-run error for `what`, when there is no profile file.
    pub fn first_run(&self, what: &str) -> Result<(), UserError> {
        match self.missing_profile_file() {
            Some(path) => Err(no_profile_file(path, what)),
            None => Ok(()),
        }
    }
}

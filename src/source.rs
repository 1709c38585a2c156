//! Where long-term (or pre-role) credentials come from.

use crate::aws::{Aws, Credentials};
use crate::config::{Source, SourceKind};
use crate::env::Env;
use crate::error::{UserError, failed};
use crate::store::SecretStore;

/// The store key of a source's long-term access key.
pub fn store_key(source: &str) -> String {
    format!("source/{source}")
}

/// Static keys in an environment, if it has them.
pub fn from_env_vars(env: &Env) -> Option<Credentials> {
    Some(Credentials {
        access_key_id: env.non_empty("AWS_ACCESS_KEY_ID")?.to_string(),
        secret_access_key: env.non_empty("AWS_SECRET_ACCESS_KEY")?.to_string(),
        session_token: env.non_empty("AWS_SESSION_TOKEN").map(str::to_string),
        expiration: None,
    })
}

/// The source's credentials. `original` is the environment from before any
/// role; `in_role` says whether this process runs inside one (so the SDK's
/// own view of the environment holds the role's keys, not the source's).
pub fn credentials(
    source: &Source,
    original: &Env,
    in_role: bool,
    aws: &Aws,
    store: Option<&dyn SecretStore>,
) -> Result<Credentials, UserError> {
    match &source.kind {
        SourceKind::Store => {
            let store = store.ok_or_else(|| failed("the secret store is not open"))?;
            let stored = store.get(&store_key(&source.name))?.ok_or_else(|| {
                // A locked Secret Service collection looks empty to a search.
                let locked = if store.name() == "OS keyring" {
                    " (if you stored one, the keyring may be locked: unlock it, for example by logging in to the desktop, and try again)"
                } else {
                    ""
                };
                failed(format!("no access key is stored for source {:?} in the {}", source.name, store.name()))
                    .hint(format!("rolex add {}{locked}", source.name))
            })?;
            serde_json::from_str(&stored).map_err(|_| {
                failed(format!("the stored key of source {:?} is damaged", source.name))
                    .hint(format!("rolex add {} to store it again", source.name))
            })
        }
        SourceKind::Env => from_env_vars(original).ok_or_else(|| {
            let mut e = failed(format!(
                "source {:?} takes the shell's AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and they are not set",
                source.name
            ));
            if in_role {
                e = e.hint("inside a role without the shell hook the original keys are out of sight: `exit` the subshell first");
            }
            e
        }),
        SourceKind::AwsProfile(profile) => aws.profile_credentials(profile),
        SourceKind::DefaultChain => {
            if let Some(c) = from_env_vars(original) {
                Ok(c)
            } else if in_role {
                aws.chain_without_env(original.non_empty("AWS_PROFILE").unwrap_or("default"))
            } else {
                aws.default_chain_credentials()
            }
        }
    }
}

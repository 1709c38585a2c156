//! The variables a role session sets in a command's environment. No
//! formats here, so the small `rolex` front binary can share it.

use crate::aws::Credentials;
use crate::env::{Env, ROLE_VARS};
use crate::profile::Plan;

/// The variables a role sets (name, value) and removes (SPEC "Inside a role").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleVars {
    pub set: Vec<(String, String)>,
    pub unset: Vec<String>,
}

impl RoleVars {
    pub fn new(plan: &Plan, creds: &Credentials, original: &Env) -> Self {
        let mut set = vec![
            ("AWS_ACCESS_KEY_ID".to_string(), creds.access_key_id.clone()),
            (
                "AWS_SECRET_ACCESS_KEY".to_string(),
                creds.secret_access_key.clone(),
            ),
        ];
        let mut unset = vec![
            "AWS_PROFILE".to_string(),
            "AWS_DEFAULT_PROFILE".to_string(),
            "AWS_SECURITY_TOKEN".to_string(),
        ];
        match &creds.session_token {
            Some(t) => set.push(("AWS_SESSION_TOKEN".into(), t.clone())),
            None => unset.push("AWS_SESSION_TOKEN".into()),
        }
        for name in ["AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION"] {
            match &creds.expiration {
                Some(e) => set.push((name.into(), e.clone())),
                None => unset.push(name.into()),
            }
        }
        let region = plan
            .region
            .clone()
            .or_else(|| original.non_empty("AWS_REGION").map(str::to_string))
            .or_else(|| original.non_empty("AWS_DEFAULT_REGION").map(str::to_string));
        if let Some(r) = region {
            set.push(("AWS_REGION".into(), r.clone()));
            set.push(("AWS_DEFAULT_REGION".into(), r));
        }
        set.push(("ROLEX_ROLE".into(), plan.role.clone()));
        set.push(("ROLEX_ACCOUNT".into(), plan.account.clone()));
        match &plan.account_alias {
            Some(a) => set.push(("ROLEX_ACCOUNT_ALIAS".into(), a.clone())),
            None => unset.push("ROLEX_ACCOUNT_ALIAS".into()),
        }
        match &plan.color {
            Some(c) => set.push(("ROLEX_COLOR".into(), c.clone())),
            None => unset.push("ROLEX_COLOR".into()),
        }
        Self { set, unset }
    }

    /// The environment inside the role, starting from `original`.
    pub fn apply(&self, original: &Env) -> Env {
        let mut env = original.clone();
        for name in &self.unset {
            env.remove(name);
        }
        for (k, v) in &self.set {
            env.set(k, v.clone());
        }
        env
    }
}

/// Gives a child process the environment `inside`: the role variables set or
/// removed as there, rolex's private ones removed, everything else inherited
/// untouched (variables that are not UTF-8 included).
pub fn apply_to_command(cmd: &mut std::process::Command, inside: &Env) {
    for name in ROLE_VARS {
        match inside.get(name) {
            Some(v) => cmd.env(name, v),
            None => cmd.env_remove(name),
        };
    }
    // Already out of the process environment (Env::take_from_process);
    // removed here too so that this holds whatever `main` did.
    for name in crate::env::PRIVATE_VARS {
        cmd.env_remove(name);
    }
}

//! Getting a usable role session: the cache, else source credentials, MFA
//! and STS, then the cache again.

use std::cell::OnceCell;

use crate::aws::{AssumeRole, Aws, Credentials, Sts};
use crate::cache::{Cached, SessionCache};
use crate::config::SourceKind;
use crate::env::Env;
use crate::error::{UserError, failed};
use crate::mfa::MfaSource;
use crate::profile::{CHAINED_MAX, Plan};
use crate::source;
use crate::store::{self, SecretStore};

mod expiry;

pub use crate::cache::{mfa_key, role_key};
pub use expiry::*;

/// A role session.
pub struct Session {
    pub credentials: Credentials,
    /// Made by STS just now (not taken from the cache).
    pub new: bool,
}

/// Makes role sessions for one rolex process: it opens the SDK and the
/// secret store only when needed, and asks for MFA at most once.
pub struct Sessions<'a> {
    env: &'a Env,
    original: Env,
    in_role: bool,
    aws: OnceCell<Aws>,
    store: Option<Box<dyn SecretStore>>,
    sessions: SessionCache<'a>,
    mfa: MfaSource,
    cache: bool,
    margin: i64,
    /// An MFA session made in this process, reused for further roles.
    mfa_session: Option<(String, Credentials)>,
    /// Unit tests put a fake STS here.
    fake_sts: Option<Box<dyn Sts>>,
}

impl<'a> Sessions<'a> {
    pub fn new(
        env: &'a Env,
        token: Option<String>,
        cache: bool,
        margin: i64,
    ) -> Result<Self, UserError> {
        let original = env.original();
        let mfa = MfaSource::new(token, original.clone());
        mfa.check_flag()?;
        Ok(Self {
            env,
            original,
            in_role: env.non_empty("ROLEX_ROLE").is_some(),
            aws: OnceCell::new(),
            store: None,
            sessions: SessionCache::new(env),
            mfa,
            cache,
            margin,
            mfa_session: None,
            fake_sts: None,
        })
    }

    pub fn original(&self) -> &Env {
        &self.original
    }

    fn aws(&self, region: &str) -> Result<&Aws, UserError> {
        if self.aws.get().is_none() {
            let aws = Aws::new(region)
                .map_err(|e| failed(format!("cannot start the AWS client: {e}")))?;
            let _ = self.aws.set(aws);
        }
        Ok(self.aws.get().expect("just set"))
    }

    /// The secret store, opened on first use.
    pub fn store(&mut self) -> Result<&dyn SecretStore, UserError> {
        if self.store.is_none() {
            self.store = Some(store::open(self.env)?);
        }
        Ok(self.store.as_deref().expect("just set"))
    }

    /// The session cache of this process (read at most once).
    pub fn cache(&mut self) -> &mut SessionCache<'a> {
        &mut self.sessions
    }

    fn fresh(&self, c: &Credentials) -> bool {
        c.expiration
            .as_deref()
            .and_then(seconds_left)
            .is_some_and(|s| s > self.margin)
    }

    /// Which identity the plan's source stands for right now.
    fn identity(&self, plan: &Plan) -> String {
        plan.identity(&self.original)
    }

    fn remember_role(&mut self, plan: &Plan, credentials: &Credentials) {
        if !self.cache {
            return;
        }
        let value = Cached {
            source: plan.source.name.clone(),
            fingerprint: plan.fingerprint(&self.identity(plan)),
            credentials: credentials.clone(),
        };
        self.sessions.put(&role_key(&plan.role), value, self.margin);
    }

    /// The cached session of a plan, if it is still good. A cache that
    /// cannot be read counts as empty (said once on stderr).
    pub fn cached_role(&mut self, plan: &Plan) -> Option<Credentials> {
        if !self.cache {
            return None;
        }
        let fp = plan.fingerprint(&self.identity(plan));
        let hit = self.sessions.get_or_warn(&role_key(&plan.role))?;
        hit.fits(&fp, self.margin).then_some(hit.credentials)
    }

    /// Time left on a role's cached session, whatever its parameters.
    pub fn cached_seconds_left(&mut self, role: &str) -> Result<Option<i64>, UserError> {
        if !self.cache {
            return Ok(None);
        }
        Ok(self
            .sessions
            .get(&role_key(role))?
            .and_then(|c| c.seconds_left())
            .filter(|s| *s > 0))
    }

    /// A session for the plan's role: cached, or new.
    pub fn role(&mut self, plan: &Plan) -> Result<Session, UserError> {
        if let Some(credentials) = self.cached_role(plan) {
            return Ok(Session {
                credentials,
                new: false,
            });
        }
        // One process at a time makes new sessions from a source; whoever
        // waited finds the session the other one made.
        let _lock = if self.cache {
            Some(store::session_lock(self.env, &plan.source.name)?)
        } else {
            None
        };
        if self.cache {
            // Whoever held the lock before us may have cached sessions.
            self.sessions.reload();
        }
        if let Some(credentials) = self.cached_role(plan) {
            return Ok(Session {
                credentials,
                new: false,
            });
        }
        let region = plan
            .region
            .clone()
            .or_else(|| self.original.non_empty("AWS_REGION").map(str::to_string))
            .or_else(|| {
                self.original
                    .non_empty("AWS_DEFAULT_REGION")
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "us-east-1".to_string());
        self.aws(&region)?;
        let credentials = self.assume(plan)?;
        self.remember_role(plan, &credentials);
        Ok(Session {
            credentials,
            new: true,
        })
    }

    /// STS: the SDK client, or a fake in unit tests.
    fn sts(&self) -> &dyn Sts {
        match &self.fake_sts {
            Some(fake) => fake.as_ref(),
            None => self
                .aws
                .get()
                .expect("the client is made before STS is called"),
        }
    }

    fn assume(&mut self, plan: &Plan) -> Result<Credentials, UserError> {
        // A stored key is long-term: with a good MFA session cached, the
        // store need not be opened at all.
        if plan.source.kind == SourceKind::Store
            && plan.mfa
            && plan.source.mfa_session.is_some()
            && plan.hops[0].duration <= CHAINED_MAX
            && let Some(serial) = plan.source.mfa_serial.clone()
            && let Some(signer) = self.cached_mfa(plan, &serial)
        {
            return self.assume_hops(plan, &signer, None);
        }
        if plan.source.kind == SourceKind::Store {
            self.store()?;
        }
        let aws = self.aws.get().expect("the client is made before assuming");
        let base = source::credentials(
            &plan.source,
            &self.original,
            self.in_role,
            aws,
            self.store.as_deref(),
        )?;
        let first = &plan.hops[0];
        let can_use_session = plan.source.mfa_session.is_some() && base.session_token.is_none();
        let (signer, mfa) = match (plan.mfa, plan.source.mfa_serial.clone()) {
            (true, Some(serial)) if via_mfa_session(plan, base.session_token.is_some()) => {
                (self.mfa_session_for(plan, &base, &serial)?, None)
            }
            (true, Some(serial)) => {
                if can_use_session {
                    eprintln!(
                        "rolex: {} asks for a {} session; AWS caps sessions made from an MFA session at 1h, so assuming it directly with MFA",
                        plan.role,
                        format_left(first.duration.into())
                    );
                }
                let code =
                    self.mfa
                        .code(&serial, plan.source.mfa_command.as_deref(), &first.arn)?;
                (base, Some((serial, code)))
            }
            _ => (base, None),
        };
        let mfa = mfa
            .as_ref()
            .map(|(serial, code)| (serial.as_str(), code.as_str()));
        self.assume_hops(plan, &signer, mfa)
    }

    /// AssumeRole along the plan's chain, the first hop signed by `signer`.
    fn assume_hops(
        &self,
        plan: &Plan,
        signer: &Credentials,
        mfa: Option<(&str, &str)>,
    ) -> Result<Credentials, UserError> {
        let sts = self.sts();
        let mut creds = sts.assume_role(signer, &request(&plan.hops[0], mfa))?;
        for hop in &plan.hops[1..] {
            creds = sts.assume_role(&creds, &request(hop, None))?;
        }
        Ok(creds)
    }

    /// The MFA session of the plan's source made in this process or cached,
    /// if it is still good.
    fn cached_mfa(&mut self, plan: &Plan, serial: &str) -> Option<Credentials> {
        if let Some((s, c)) = &self.mfa_session
            && s == &plan.source.name
            && self.fresh(c)
        {
            return Some(c.clone());
        }
        if !self.cache {
            return None;
        }
        let fingerprint = format!("{serial}\n{}", self.identity(plan));
        let hit = self.sessions.get_or_warn(&mfa_key(&plan.source.name))?;
        if hit.fingerprint == fingerprint && self.fresh(&hit.credentials) {
            self.mfa_session = Some((plan.source.name.clone(), hit.credentials.clone()));
            return Some(hit.credentials);
        }
        None
    }

    fn mfa_session_for(
        &mut self,
        plan: &Plan,
        base: &Credentials,
        serial: &str,
    ) -> Result<Credentials, UserError> {
        if let Some(c) = self.cached_mfa(plan, serial) {
            return Ok(c);
        }
        let key = mfa_key(&plan.source.name);
        let fingerprint = format!("{serial}\n{}", self.identity(plan));
        let code = self.mfa.code(
            serial,
            plan.source.mfa_command.as_deref(),
            &format!("MFA session of source {}", plan.source.name),
        )?;
        let duration = plan.source.mfa_session.expect("checked by caller");
        let creds = self
            .sts()
            .get_session_token(base, duration, Some((serial, code.as_str())))?;
        // The MFA code is spent: the session is used even when it cannot be
        // cached (said once on stderr).
        if self.cache {
            let value = Cached {
                source: plan.source.name.clone(),
                fingerprint,
                credentials: creds.clone(),
            };
            self.sessions.put(&key, value, self.margin);
        }
        self.mfa_session = Some((plan.source.name.clone(), creds.clone()));
        Ok(creds)
    }

    /// The AWS client, for commands that make their own calls.
    pub fn client(&self, region: &str) -> Result<&Aws, UserError> {
        self.aws(region)
    }
}

/// Whether the plan's first role is assumed with the source's MFA session
/// (GetSessionToken) rather than with MFA on the AssumeRole itself.
/// GetSessionToken needs long-term keys (`base_is_session`: the source's
/// keys are temporary themselves), and its sessions can assume roles for at
/// most an hour: otherwise MFA goes on the AssumeRole.
pub fn via_mfa_session(plan: &Plan, base_is_session: bool) -> bool {
    plan.mfa
        && plan.source.mfa_serial.is_some()
        && plan.source.mfa_session.is_some()
        && !base_is_session
        && plan.hops[0].duration <= CHAINED_MAX
}

fn request<'a>(hop: &'a crate::profile::Hop, mfa: Option<(&'a str, &'a str)>) -> AssumeRole<'a> {
    AssumeRole {
        arn: &hop.arn,
        session_name: &hop.session_name,
        duration: hop.duration,
        external_id: hop.external_id.as_deref(),
        source_identity: hop.source_identity.as_deref(),
        tags: hop
            .tags
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
        mfa,
    }
}

#[cfg(test)]
impl<'a> Sessions<'a> {
    /// Sessions with a fake STS and store (unit tests).
    pub fn with_fakes(
        env: &'a Env,
        token: Option<String>,
        sts: Box<dyn Sts>,
        store: Box<dyn SecretStore>,
    ) -> Self {
        let mut s = Self::new(env, token, true, 300).expect("valid token");
        s.fake_sts = Some(sts);
        s.sessions =
            SessionCache::with_backend(env, Box::new(crate::cache::StoreCache::over(env, store)));
        s
    }
}

#[cfg(test)]
mod tests;

//! Getting a usable role session: the cache, else source credentials, MFA
//! and STS, then the cache again.

use std::cell::OnceCell;

use serde::{Deserialize, Serialize};

use crate::aws::{AssumeRole, Aws, Credentials, Sts};
use crate::config::SourceKind;
use crate::env::Env;
use crate::error::{UserError, failed};
use crate::mfa::MfaSource;
use crate::profile::{CHAINED_MAX, Plan};
use crate::source;
use crate::store::{self, SecretStore};

/// Seconds from now until an RFC 3339 time (negative once past).
pub fn seconds_left(expiration: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(expiration, &time::format_description::well_known::Rfc3339)
        .ok()?;
    Some((t - time::OffsetDateTime::now_utc()).whole_seconds())
}

/// "42m", "1h05m", "30s".
pub fn format_left(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{}s", s.max(0)),
        s if s < 3600 => format!("{}m", s / 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[derive(Serialize, Deserialize)]
struct CachedRole {
    fingerprint: String,
    credentials: Credentials,
}

#[derive(Serialize, Deserialize)]
struct CachedMfa {
    serial: String,
    /// Which keys the source stood for when the session was made.
    #[serde(default)]
    identity: String,
    credentials: Credentials,
}

/// Store key of the list of role sessions ever cached, so that
/// `rolex clear --all` finds them even when the store cannot list its keys.
pub const INDEX_KEY: &str = "index/roles";

/// Store key of a role's cached session.
pub fn role_key(role: &str) -> String {
    format!("role/{role}")
}

/// Store key of a source's cached MFA session.
pub fn mfa_key(source: &str) -> String {
    format!("mfa/{source}")
}

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
    mfa: MfaSource,
    cache: bool,
    margin: i64,
    /// An MFA session made in this process, reused for further roles.
    mfa_session: Option<(String, Credentials)>,
    /// Unit tests put a fake STS here.
    fake_sts: Option<Box<dyn Sts>>,
    /// Why sessions are not being cached, to say once a session is made.
    uncached: Option<UserError>,
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
            mfa,
            cache,
            margin,
            mfa_session: None,
            fake_sts: None,
            uncached: None,
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

    fn cached<T: for<'de> Deserialize<'de>>(&mut self, key: &str) -> Result<Option<T>, UserError> {
        if !self.cache {
            return Ok(None);
        }
        Ok(self
            .store()?
            .get(key)?
            .and_then(|v| serde_json::from_str(&v).ok()))
    }

    fn put<T: Serialize>(&mut self, key: &str, value: &T) -> Result<(), UserError> {
        if !self.cache {
            return Ok(());
        }
        let text = serde_json::to_string(value).expect("serialises");
        self.store()?.set(key, &text)
    }

    fn fresh(&self, c: &Credentials) -> bool {
        c.expiration
            .as_deref()
            .and_then(seconds_left)
            .is_some_and(|s| s > self.margin)
    }

    /// Which identity a source stands for right now, for sources whose keys
    /// live outside rolex (a session made from other keys must not be reused).
    fn identity(&self, plan: &Plan) -> String {
        let o = &self.original;
        match &plan.source.kind {
            SourceKind::Store => String::new(),
            SourceKind::AwsProfile(p) => format!("profile:{p}"),
            SourceKind::Env | SourceKind::DefaultChain => match o.non_empty("AWS_ACCESS_KEY_ID") {
                Some(k) => format!("key:{k}"),
                None => format!(
                    "profile:{}",
                    o.non_empty("AWS_PROFILE").unwrap_or("default")
                ),
            },
        }
    }

    /// A source that does not keep its keys in the store works without it:
    /// a store that cannot be reached only turns the cache off, once, loudly.
    fn store_trouble(&mut self, plan: &Plan, err: UserError) -> Result<(), UserError> {
        if plan.source.kind == SourceKind::Store || !self.cache {
            return Err(err);
        }
        // Said once a session was made: a failure to make one is the news.
        self.uncached = Some(err);
        self.cache = false;
        Ok(())
    }

    /// Says that the session just made was not cached, and why.
    fn say_uncached(&mut self) {
        if let Some(err) = self.uncached.take() {
            eprintln!("rolex: sessions are not cached: {}", err.message);
            if let Some(h) = &err.hint {
                eprintln!("  hint: {h}");
            }
        }
    }

    fn remember_role(&mut self, plan: &Plan, credentials: &Credentials) -> Result<(), UserError> {
        let key = role_key(&plan.role);
        let value = CachedRole {
            fingerprint: plan.fingerprint(&self.identity(plan)),
            credentials: credentials.clone(),
        };
        self.put(&key, &value)?;
        if self.cache {
            let mut index: Vec<String> = self.cached(INDEX_KEY)?.unwrap_or_default();
            if !index.contains(&key) {
                index.push(key);
                self.put(INDEX_KEY, &index)?;
            }
        }
        Ok(())
    }

    /// The cached session of a plan, if it is still good.
    pub fn cached_role(&mut self, plan: &Plan) -> Result<Option<Credentials>, UserError> {
        let fp = plan.fingerprint(&self.identity(plan));
        let hit: Option<CachedRole> = self.cached(&role_key(&plan.role))?;
        Ok(hit
            .filter(|c| c.fingerprint == fp && self.fresh(&c.credentials))
            .map(|c| c.credentials))
    }

    /// Time left on a role's cached session, whatever its parameters.
    pub fn cached_seconds_left(&mut self, role: &str) -> Result<Option<i64>, UserError> {
        let hit: Option<CachedRole> = self.cached(&role_key(role))?;
        Ok(hit
            .and_then(|c| c.credentials.expiration.as_deref().and_then(seconds_left))
            .filter(|s| *s > 0))
    }

    /// A session for the plan's role: cached, or new.
    pub fn role(&mut self, plan: &Plan) -> Result<Session, UserError> {
        match self.cached_role(plan) {
            Ok(Some(credentials)) => {
                return Ok(Session {
                    credentials,
                    new: false,
                });
            }
            Ok(None) => {}
            Err(e) => self.store_trouble(plan, e)?,
        }
        // One process at a time makes new sessions from a source; whoever
        // waited finds the session the other one made.
        let _lock = if self.cache {
            Some(store::session_lock(self.env, &plan.source.name)?)
        } else {
            None
        };
        if let Some(credentials) = self.cached_role(plan)? {
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
        if let Err(e) = self.remember_role(plan, &credentials) {
            self.store_trouble(plan, e)?;
        }
        self.say_uncached();
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
        // GetSessionToken needs long-term keys, and its sessions can assume
        // roles for at most an hour: otherwise MFA goes on the AssumeRole.
        let can_use_session = plan.source.mfa_session.is_some() && base.session_token.is_none();
        let (signer, mfa) = match (plan.mfa, plan.source.mfa_serial.clone()) {
            (true, Some(serial)) if can_use_session && first.duration <= CHAINED_MAX => {
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
        let sts = self.sts();
        let mfa = mfa
            .as_ref()
            .map(|(serial, code)| (serial.as_str(), code.as_str()));
        let mut creds = sts.assume_role(&signer, &request(first, mfa))?;
        for hop in &plan.hops[1..] {
            creds = sts.assume_role(&creds, &request(hop, None))?;
        }
        Ok(creds)
    }

    fn mfa_session_for(
        &mut self,
        plan: &Plan,
        base: &Credentials,
        serial: &str,
    ) -> Result<Credentials, UserError> {
        if let Some((s, c)) = &self.mfa_session
            && s == &plan.source.name
        {
            return Ok(c.clone());
        }
        let key = mfa_key(&plan.source.name);
        let identity = self.identity(plan);
        if let Some(hit) = self.cached::<CachedMfa>(&key)?
            && hit.serial == serial
            && hit.identity == identity
            && self.fresh(&hit.credentials)
        {
            self.mfa_session = Some((plan.source.name.clone(), hit.credentials.clone()));
            return Ok(hit.credentials);
        }
        let code = self.mfa.code(
            serial,
            plan.source.mfa_command.as_deref(),
            &format!("MFA session of source {}", plan.source.name),
        )?;
        let duration = plan.source.mfa_session.expect("checked by caller");
        let creds = self
            .sts()
            .get_session_token(base, duration, Some((serial, code.as_str())))?;
        self.put(
            &key,
            &CachedMfa {
                serial: serial.to_string(),
                identity,
                credentials: creds.clone(),
            },
        )?;
        self.mfa_session = Some((plan.source.name.clone(), creds.clone()));
        Ok(creds)
    }

    /// The AWS client, for commands that make their own calls.
    pub fn client(&self, region: &str) -> Result<&Aws, UserError> {
        self.aws(region)
    }
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
        s.store = Some(store);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::Identity;
    use crate::config;
    use crate::profile::{Overrides, resolve};
    use crate::template::Values;
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::rc::Rc;

    /// Records each call as "Action arn? mfa?" and hands out credentials
    /// that expire in an hour.
    #[derive(Clone, Default)]
    struct FakeSts(Rc<RefCell<Vec<String>>>);

    fn fake_creds(n: usize) -> Credentials {
        Credentials {
            access_key_id: format!("ASIAFAKE{n}"),
            secret_access_key: "s".into(),
            session_token: Some(format!("t{n}")),
            expiration: Some(
                (time::OffsetDateTime::now_utc() + time::Duration::hours(1))
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap(),
            ),
        }
    }

    impl Sts for FakeSts {
        fn get_session_token(
            &self,
            _: &Credentials,
            d: u32,
            mfa: Option<(&str, &str)>,
        ) -> Result<Credentials, UserError> {
            self.0
                .borrow_mut()
                .push(format!("GetSessionToken {d} mfa={}", mfa.is_some()));
            Ok(fake_creds(self.0.borrow().len()))
        }
        fn assume_role(
            &self,
            signer: &Credentials,
            r: &AssumeRole<'_>,
        ) -> Result<Credentials, UserError> {
            self.0.borrow_mut().push(format!(
                "AssumeRole {} {} by={} mfa={}",
                r.arn,
                r.duration,
                signer.access_key_id,
                r.mfa.is_some()
            ));
            Ok(fake_creds(self.0.borrow().len()))
        }
        fn get_caller_identity(&self, _: &Credentials) -> Result<Identity, UserError> {
            unreachable!("not used by sessions")
        }
    }

    #[derive(Default)]
    struct MemoryStore(RefCell<BTreeMap<String, String>>);

    impl SecretStore for MemoryStore {
        fn get(&self, key: &str) -> Result<Option<String>, UserError> {
            Ok(self.0.borrow().get(key).cloned())
        }
        fn set(&self, key: &str, value: &str) -> Result<(), UserError> {
            self.0.borrow_mut().insert(key.into(), value.into());
            Ok(())
        }
        fn delete(&self, key: &str) -> Result<(), UserError> {
            self.0.borrow_mut().remove(key);
            Ok(())
        }
        fn name(&self) -> &'static str {
            "memory"
        }
    }

    const FILE: &str = r#"
[sources.main]
from = "env"
mfa_serial = "arn:aws:iam::111111111111:mfa/alice"
mfa_command = "echo 123456"
[roles.a]
account = "222222222222"
role = "A"
[roles.b]
account = "333333333333"
role = "B"
[roles.long]
account = "444444444444"
role = "L"
duration = "4h"
"#;

    fn setup(dir: &std::path::Path, keys: &[(&str, &str)]) -> (Env, config::Config) {
        let mut pairs = vec![
            ("XDG_DATA_HOME", dir.to_str().unwrap()),
            ("AWS_ACCESS_KEY_ID", "AKIALONG"),
            ("AWS_SECRET_ACCESS_KEY", "x"),
        ];
        pairs.extend_from_slice(keys);
        (
            Env::from_pairs(&pairs),
            config::parse("/c.toml", FILE).unwrap(),
        )
    }

    /// Sessions on a fake STS and an empty in-memory store.
    fn with_memory(env: &Env) -> (FakeSts, Sessions<'_>) {
        let sts = FakeSts::default();
        let s = Sessions::with_fakes(
            env,
            None,
            Box::new(sts.clone()),
            Box::<MemoryStore>::default(),
        );
        (sts, s)
    }

    fn plan(c: &config::Config, role: &str) -> Plan {
        resolve(
            c,
            role,
            &Overrides::default(),
            &Values {
                user: "alice".into(),
                ..Values::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn one_mfa_session_serves_several_roles_and_the_cache_serves_repeats() {
        let t = tempfile::tempdir().unwrap();
        let (env, c) = setup(t.path(), &[]);
        let (sts, mut s) = with_memory(&env);
        let a = s.role(&plan(&c, "a")).unwrap();
        assert!(a.new);
        s.role(&plan(&c, "b")).unwrap();
        let again = s.role(&plan(&c, "a")).unwrap();
        assert!(!again.new);
        assert_eq!(again.credentials, a.credentials);
        assert_eq!(
            *sts.0.borrow(),
            [
                "GetSessionToken 43200 mfa=true",
                "AssumeRole arn:aws:iam::222222222222:role/A 3600 by=ASIAFAKE1 mfa=false",
                "AssumeRole arn:aws:iam::333333333333:role/B 3600 by=ASIAFAKE1 mfa=false",
            ]
        );
    }

    #[test]
    fn long_roles_and_temporary_source_keys_go_direct_with_mfa() {
        let t = tempfile::tempdir().unwrap();
        let (env, c) = setup(t.path(), &[]);
        let (sts, mut s) = with_memory(&env);
        s.role(&plan(&c, "long")).unwrap();
        assert_eq!(
            *sts.0.borrow(),
            ["AssumeRole arn:aws:iam::444444444444:role/L 14400 by=AKIALONG mfa=true"]
        );

        let t = tempfile::tempdir().unwrap();
        let (env, c) = setup(t.path(), &[("AWS_SESSION_TOKEN", "temporary")]);
        let (sts, mut s) = with_memory(&env);
        s.role(&plan(&c, "a")).unwrap();
        assert_eq!(
            *sts.0.borrow(),
            ["AssumeRole arn:aws:iam::222222222222:role/A 3600 by=AKIALONG mfa=true"]
        );
    }

    #[test]
    fn another_identity_does_not_get_the_cached_session() {
        let t = tempfile::tempdir().unwrap();
        let store = Rc::new(MemoryStore::default());
        struct Shared(Rc<MemoryStore>);
        impl SecretStore for Shared {
            fn get(&self, k: &str) -> Result<Option<String>, UserError> {
                self.0.get(k)
            }
            fn set(&self, k: &str, v: &str) -> Result<(), UserError> {
                self.0.set(k, v)
            }
            fn delete(&self, k: &str) -> Result<(), UserError> {
                self.0.delete(k)
            }
            fn name(&self) -> &'static str {
                "shared"
            }
        }
        let (env, c) = setup(t.path(), &[]);
        let sts = FakeSts::default();
        Sessions::with_fakes(
            &env,
            None,
            Box::new(sts.clone()),
            Box::new(Shared(store.clone())),
        )
        .role(&plan(&c, "a"))
        .unwrap();
        let mut other = env.clone();
        other.set("AWS_ACCESS_KEY_ID", "AKIAOTHER");
        let again =
            Sessions::with_fakes(&other, None, Box::new(sts.clone()), Box::new(Shared(store)))
                .role(&plan(&c, "a"))
                .unwrap();
        assert!(again.new);
        assert_eq!(
            sts.0
                .borrow()
                .iter()
                .filter(|c| c.starts_with("GetSessionToken"))
                .count(),
            2
        );
    }

    #[test]
    fn time_left_reads_rfc3339() {
        assert!(seconds_left("2000-01-01T00:00:00Z").unwrap() < 0);
        assert!(seconds_left("2999-01-01T00:00:00Z").unwrap() > 0);
        assert_eq!(seconds_left("soon"), None);
        assert_eq!(format_left(42 * 60 + 5), "42m");
        assert_eq!(format_left(3900), "1h05m");
        assert_eq!(format_left(-5), "0s");
    }
}

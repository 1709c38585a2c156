//! Unit tests of session making, with a fake STS and an in-memory store.

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
    let again = Sessions::with_fakes(&other, None, Box::new(sts.clone()), Box::new(Shared(store)))
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

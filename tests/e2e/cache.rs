//! The session cache: the kernel keyring, one read per process, forgetting
//! everything on `clear --all` and `remove`, and 2,000 roles.

use crate::world::*;

const ROLES: &str = r#"
[sources.main]
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"
mfa_session = "12h"

[roles.a]
account = "999999999999"
role = "Admin"

[roles.b]
account = "888888888888"
role = "Admin"
"#;

/// The file store with source `main` added from alice's keys.
fn file_world(config: &str) -> World {
    let mut w = World::new(config);
    w.add_source_of("main", "alice");
    w
}

#[test]
fn a_cached_session_is_used_without_reading_the_secret_store() {
    let mut w = file_world(ROLES);
    ok(&w.run(&["exec", "a", "--token", "123456", "--", "true"]));
    // Any read of the encrypted store now fails: a wrong passphrase, and a
    // Secret Service that is not there.
    w.set("ROLEX_FILE_PASSPHRASE", "not the passphrase");
    w.set("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let (out, reqs) = w.recorded(|| w.whoami(&["a"]));
    assert!(arn_of(&ok(&out)).starts_with("arn:aws:sts::999999999999:assumed-role/Admin/"));
    assert_eq!(stderr(&out), "");
    // Only the AWS CLI's own call: rolex made none.
    assert_eq!(crate::harness::actions(&reqs), ["GetCallerIdentity"]);
    // The next role is made from the cached MFA session, again without
    // the store (its key is not needed) and without a code.
    let (out, reqs) = w.recorded(|| w.run(&["exec", "b", "--", "true"]));
    ok(&out);
    assert_eq!(crate::harness::actions(&reqs), ["AssumeRole"]);
    // But a store read is still a store read: the wrong passphrase shows.
    ok(&w.run(&["clear", "--all"]));
    let e = fails(&w.run(&["exec", "a", "--token", "123456", "--", "true"]), 1);
    assert!(e.contains("wrong passphrase"), "{e}");
}

#[test]
fn sessions_leave_the_kernel_keyring_when_they_are_no_longer_usable() {
    let w = file_world(&format!(
        "[defaults]\nduration = \"15m\"\ncache_margin = \"896s\"\n{ROLES}"
    ));
    let unique = format!("role/{}", "a");
    ok(&w.run(&["exec", "a", "--token", "123456", "--", "true"]));
    let cached = kernel_session(&w, &unique);
    // The role session (15m) is kept until cache_margin before its end.
    assert!(cached.is_some(), "the session was not cached");
    let payload = cached.unwrap();
    assert!(payload.contains("\"source\":\"main\""), "{payload}");
    std::thread::sleep(std::time::Duration::from_secs(6));
    assert!(
        kernel_session(&w, &unique).is_none(),
        "the kernel did not drop the session at its timeout"
    );
}

#[test]
fn clear_all_and_remove_forget_every_session_whatever_the_profile_file_says_now() {
    let w = file_world(ROLES);
    let arn = "arn:aws:iam::777777777777:role/Adhoc";
    ok(&w.run(&["exec", "a", "--token", "123456", "--", "true"]));
    ok(&w.run(&["exec", arn, "--", "true"]));
    assert!(kernel_session(&w, &format!("role/{arn}")).is_some());

    // The source and its roles leave the profile file: remove still finds
    // every session made from it, the role ARN's included.
    std::fs::write(&w.config, "").unwrap();
    let out = w.run(&["remove", "main"]);
    ok(&out);
    assert!(
        stderr(&out).contains("3 cached session(s)"),
        "{}",
        stderr(&out)
    );
    for k in ["role/a", &format!("role/{arn}"), "mfa/main"] {
        assert!(kernel_session(&w, k).is_none(), "{k} survived remove");
    }

    // clear --all: an MFA session of a source no longer in the file goes too.
    let w = file_world(ROLES);
    ok(&w.run(&["exec", "a", "--token", "123456", "--", "true"]));
    std::fs::write(
        &w.config,
        "[roles.x]\naccount = \"999999999999\"\nrole = \"X\"\n",
    )
    .unwrap();
    ok(&w.run(&["clear", "--all"]));
    assert!(kernel_session(&w, "mfa/main").is_none());
    assert!(kernel_session(&w, "role/a").is_none());
}

#[test]
fn concurrent_execs_of_different_roles_all_land_in_the_store_cache() {
    // The fallback cache (one secret-store item): twelve processes caching
    // at once must lose nobody's session.
    let mut w = World::new("");
    w.set("ROLEX_BACKEND", "keyring");
    let mut config = String::from("[sources.main]\nfrom = \"env\"\n");
    for i in 0..12 {
        config.push_str(&format!(
            "[roles.r{i}]\naccount = \"{:012}\"\nrole = \"Admin\"\n",
            100_000_000_000u64 + i
        ));
    }
    std::fs::write(&w.config, config).unwrap();
    w.set("ROLEX_SESSION_CACHE", "store");
    let children: Vec<_> = (0..12)
        .map(|i| {
            w.cmd(&["exec", &format!("r{i}"), "--", "true"])
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        ok(&c.wait_with_output().unwrap());
    }
    let listed: serde_json::Value = serde_json::from_str(&ok(&w.run(&["list", "--json"]))).unwrap();
    let cached = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["cached_seconds_left"].as_i64().is_some())
        .count();
    assert_eq!(cached, 12);
    ok(&w.run(&["clear", "--all"]));
    let listed: serde_json::Value = serde_json::from_str(&ok(&w.run(&["list", "--json"]))).unwrap();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["cached_seconds_left"].is_null())
    );
}

#[test]
fn a_damaged_session_file_degrades_to_no_cache_and_clear_all_removes_it() {
    let mut w = World::new(
        "[sources.main]\nfrom = \"env\"\n[roles.a]\naccount = \"999999999999\"\nrole = \"Admin\"\n",
    );
    w.set("ROLEX_SESSION_CACHE", "store");
    let dir = w.home().join(".local/share/rolex");
    std::fs::create_dir_all(&dir).unwrap();
    set_mode(&dir, 0o700);
    std::fs::write(dir.join("sessions.age"), b"age-encryption.org/v1\ngarbage").unwrap();
    let out = w.whoami(&["a"]);
    assert!(arn_of(&ok(&out)).starts_with("arn:aws:sts::999999999999:assumed-role/Admin/"));
    assert!(
        stderr(&out).contains("cached sessions cannot be read"),
        "{}",
        stderr(&out)
    );
    ok(&w.run(&["clear", "--all"]));
    assert!(!dir.join("sessions.age").exists());
    let out = w.run(&["exec", "a", "--", "true"]);
    ok(&out);
    assert_eq!(stderr(&out), "");
}

#[test]
fn two_thousand_roles_are_listed_completely_with_a_warm_cache() {
    let w = World::new("");
    let mut config = String::from("[sources.main]\nfrom = \"env\"\n[accounts]\n");
    for a in 0..500 {
        config.push_str(&format!("acct{a} = \"{:012}\"\n", 200_000_000_000u64 + a));
    }
    for r in 0..2000 {
        config.push_str(&format!(
            "[roles.role{r}]\naccount = \"acct{}\"\nrole = \"Role{}\"\ndescription = \"role number {r}\"\n",
            r % 500,
            r / 500
        ));
    }
    std::fs::write(&w.config, config).unwrap();
    ok(&w.run(&["exec", "role1234", "--", "true"]));
    ok(&w.run(&["exec", "role7", "--", "true"]));
    let listed: serde_json::Value = serde_json::from_str(&ok(&w.run(&["list", "--json"]))).unwrap();
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 2000);
    for row in rows {
        let name = row["name"].as_str().unwrap();
        let n: u64 = name.trim_start_matches("role").parse().unwrap();
        assert_eq!(
            row["account"],
            format!("{:012}", 200_000_000_000u64 + n % 500)
        );
        assert_eq!(
            row["role_arn"],
            format!(
                "arn:aws:iam::{:012}:role/Role{}",
                200_000_000_000u64 + n % 500,
                n / 500
            )
        );
        let cached = row["cached_seconds_left"].as_i64();
        if n == 1234 || n == 7 {
            assert!(cached.unwrap() > 3000, "{row}");
        } else {
            assert!(cached.is_none(), "{row}");
        }
    }
}

#[test]
fn a_secret_service_that_never_answers_is_a_clear_error_not_a_hang() {
    let mut w = World::new(ROLES);
    let sock = w.home().join("silent.sock");
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    // Accepts every connection and never says a word.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in listener.incoming() {
            held.push(c);
        }
    });
    w.set("ROLEX_BACKEND", "keyring");
    w.set(
        "DBUS_SESSION_BUS_ADDRESS",
        &format!("unix:path={}", sock.display()),
    );
    w.set("ROLEX_STORE_TIMEOUT", "2");
    let e = fails(&w.run(&["exec", "a", "--token", "123456", "--", "true"]), 1);
    assert!(e.contains("did not answer within 2 s"), "{e}");
    assert!(e.contains("ROLEX_BACKEND=file"), "{e}");
}

#[test]
fn a_cache_that_cannot_be_written_does_not_throw_the_mfa_session_away() {
    let mut w = World::new(
        "[sources.main]\nfrom = \"env\"\nmfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"\nmfa_session = \"12h\"\n[roles.a]\naccount = \"999999999999\"\nrole = \"Admin\"\n",
    );
    w.set("ROLEX_SESSION_CACHE", "store");
    // The store's temporary file cannot be made: every write fails.
    let dir = w.home().join(".local/share/rolex");
    std::fs::create_dir_all(dir.join(".sessions.age.rolex-tmp/blocker")).unwrap();
    set_mode(&dir, 0o700);
    let (out, reqs) = w.recorded(|| w.whoami(&["a", "--token", "123456"]));
    assert!(arn_of(&ok(&out)).starts_with("arn:aws:sts::999999999999:assumed-role/Admin/"));
    assert!(
        stderr(&out).contains("the new session is not cached"),
        "{}",
        stderr(&out)
    );
    // Said once, though both the MFA and the role session failed to be kept.
    assert_eq!(
        stderr(&out).matches("not cached").count(),
        1,
        "{}",
        stderr(&out)
    );
    assert_eq!(with_action(&reqs, "GetSessionToken").len(), 1);
    assert_eq!(with_action(&reqs, "AssumeRole").len(), 1);
}

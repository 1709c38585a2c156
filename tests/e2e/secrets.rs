//! Issue: the secret store (OS keyring on a real Secret Service, encrypted
//! file), cached sessions, add / remove / rotate / clear, concurrency.

use std::process::Command;

use crate::harness::aws;
use crate::world::*;

/// An IAM user `alice` with a key and an MFA device in moto; returns the key.
fn alice(w: &World) -> (String, String) {
    w.iam_user_with_mfa("alice")
}

fn keys_of_alice(w: &World) -> Vec<String> {
    let o = aws(
        &w.moto.url,
        w.home(),
        &[
            ("AWS_ACCESS_KEY_ID", KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ],
        &["iam", "list-access-keys", "--user-name", "alice"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["AccessKeyMetadata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["AccessKeyId"].as_str().unwrap().to_string())
        .collect()
}

fn profile(source: &str) -> String {
    format!(
        r#"# my roles
[sources.{source}]
mfa_session = "12h"   # one code a day

[roles.{source}-a]
account = "999999999999"
role = "Admin"

[roles.{source}-b]
account = "888888888888"
role = "Admin"
"#
    )
}

/// The keyring backend on the Secret Service that tests/run.sh starts.
fn keyring_world(source: &str) -> World {
    assert!(
        std::env::var("ROLEX_TEST_SECRET_SERVICE").is_ok(),
        "these tests need a Secret Service on a private bus: run them with `bash tests/run.sh`"
    );
    let mut w = World::new(&profile(source));
    w.set("ROLEX_BACKEND", "keyring");
    w.unset("ROLEX_FILE_PASSPHRASE");
    w
}

fn secret_tool(key: &str) -> Option<String> {
    let o = Command::new("secret-tool")
        .args(["lookup", "service", "rolex", "username", key])
        .output()
        .unwrap();
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn keyring_add_then_exec_asks_for_mfa_once_and_clear_forgets() {
    let source = format!("kr{}", std::process::id());
    let mut w = keyring_world(&source);
    let (id, secret) = alice(&w);
    w.set("AWS_ACCESS_KEY_ID", &id);
    w.set("AWS_SECRET_ACCESS_KEY", &secret);
    let out = w.run(&["add", &source, "--from-env", "--yes"]);
    ok(&out);
    assert!(!stderr(&out).contains(&secret));
    let stored =
        secret_tool(&format!("source/{source}")).expect("the key is in the Secret Service");
    assert!(stored.contains(&id) && stored.contains(&secret));
    // add found the MFA device and wrote it, keeping the comments.
    let text = std::fs::read_to_string(&w.config).unwrap();
    assert!(
        text.contains("mfa_serial = \"arn:aws:iam::123456789012:mfa/alice\""),
        "{text}"
    );
    assert!(
        text.starts_with("# my roles") && text.contains("# one code a day"),
        "{text}"
    );
    // From now on the shell's keys are not needed.
    w.unset("AWS_ACCESS_KEY_ID");
    w.unset("AWS_SECRET_ACCESS_KEY");

    let a = format!("{source}-a");
    let b = format!("{source}-b");
    let (outs, reqs) = w.recorded(|| {
        (
            w.whoami(&[&a, "--token", "123456"]),
            w.whoami(&[&b]),
            w.run(&["exec", &b, "--", "true"]),
        )
    });
    assert!(arn_of(&ok(&outs.0)).starts_with("arn:aws:sts::999999999999:assumed-role/Admin/"));
    assert!(arn_of(&ok(&outs.1)).starts_with("arn:aws:sts::888888888888:assumed-role/Admin/"));
    ok(&outs.2);
    assert_eq!(with_action(&reqs, "GetSessionToken").len(), 1);
    // Two AssumeRole (a, b) plus the two GetCallerIdentity of the AWS CLI; the
    // third exec used the cached session of b without any call.
    assert_eq!(with_action(&reqs, "AssumeRole").len(), 2);
    // Sessions live in the kernel keyring, not in the Secret Service.
    assert!(kernel_session(&w, &format!("mfa/{source}")).is_some());
    assert!(secret_tool("sessions").is_none());
    assert!(secret_tool(&format!("mfa/{source}")).is_none());
    let token = kernel_session(&w, &format!("role/{a}")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&token).unwrap();
    let session_token = v["credentials"]["session_token"]
        .as_str()
        .unwrap()
        .to_string();

    // Nothing secret on disk in plain text.
    assert!(files_containing(w.home(), &secret).is_empty());
    assert!(files_containing(w.home(), &session_token).is_empty());

    let listed: serde_json::Value = serde_json::from_str(&ok(&w.run(&["list", "--json"]))).unwrap();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["cached_seconds_left"].as_i64().unwrap() > 3000)
    );

    ok(&w.run(&["clear", "--all"]));
    assert!(kernel_session(&w, &format!("role/{a}")).is_none());
    assert!(kernel_session(&w, &format!("mfa/{source}")).is_none());
    // No terminal, no token: needing MFA again now fails, so it was asked for.
    let again = w.run(&["exec", &a, "--", "true"]);
    assert!(fails(&again, 1).contains("MFA code is needed"));

    ok(&w.run(&["remove", &source]));
    assert!(secret_tool(&format!("source/{source}")).is_none());
}

#[test]
fn rotate_leaves_exactly_one_working_key() {
    let source = format!("rot{}", std::process::id());
    let mut w = keyring_world(&source);
    let (id, secret) = alice(&w);
    w.set("AWS_ACCESS_KEY_ID", &id);
    w.set("AWS_SECRET_ACCESS_KEY", &secret);
    ok(&w.run(&["add", &source, "--from-env", "--yes"]));
    w.unset("AWS_ACCESS_KEY_ID");
    w.unset("AWS_SECRET_ACCESS_KEY");
    let (out, reqs) = w.recorded(|| w.run(&["rotate", &source]));
    ok(&out);
    assert_eq!(
        crate::harness::actions(&reqs)
            .iter()
            .filter(|a| *a == "CreateAccessKey" || *a == "DeleteAccessKey")
            .count(),
        2
    );
    let keys = keys_of_alice(&w);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_ne!(keys[0], id);
    let stored = secret_tool(&format!("source/{source}")).unwrap();
    assert!(stored.contains(&keys[0]));
    ok(&w.run(&[
        "exec",
        &format!("{source}-a"),
        "--token",
        "123456",
        "--",
        "true",
    ]));

    // A user with two keys already: a clear refusal, nothing changed.
    let extra = aws(
        &w.moto.url,
        w.home(),
        &[
            ("AWS_ACCESS_KEY_ID", KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ],
        &["iam", "create-access-key", "--user-name", "alice"],
    );
    assert!(extra.status.success());
    let err = fails(&w.run(&["rotate", &source]), 1);
    assert!(err.contains("two access keys"), "{err}");
    assert_eq!(keys_of_alice(&w).len(), 2);
    assert_eq!(secret_tool(&format!("source/{source}")).unwrap(), stored);
    ok(&w.run(&["remove", &source]));
}

#[test]
fn no_secret_service_is_a_clear_error() {
    let mut w = World::new(&profile("main"));
    w.set("ROLEX_BACKEND", "keyring");
    w.set("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let err = fails(
        &w.run(&["exec", "main-a", "--token", "123456", "--", "true"]),
        1,
    );
    assert!(err.contains("keyring"), "{err}");
    assert!(err.contains("ROLEX_BACKEND=file"), "{err}");
}

#[test]
fn file_store_keeps_keys_encrypted_and_refuses_a_wrong_passphrase() {
    let mut w = World::new(&profile("main"));
    let (id, secret) = alice(&w);
    w.set("AWS_ACCESS_KEY_ID", &id);
    w.set("AWS_SECRET_ACCESS_KEY", &secret);
    ok(&w.run(&["add", "main", "--from-env"]));
    w.unset("AWS_ACCESS_KEY_ID");
    w.unset("AWS_SECRET_ACCESS_KEY");
    ok(&w.run(&["exec", "main-a", "--token", "123456", "--", "true"]));
    assert!(files_containing(w.home(), &secret).is_empty());
    assert!(files_containing(w.home(), &id).is_empty());
    let store = w.home().join(".local/share/rolex");
    // Sessions are in the kernel keyring: no session file at all.
    assert!(!store.join("sessions.age").exists());
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(store.join("keys.age"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    let before = std::fs::read(store.join("keys.age")).unwrap();
    let err = fails(
        &w.run_with(
            &["exec", "main-b", "--token", "123456", "--", "true"],
            &[("ROLEX_FILE_PASSPHRASE", "wrong")],
        ),
        1,
    );
    assert!(err.contains("wrong passphrase"), "{err}");
    assert_eq!(std::fs::read(store.join("keys.age")).unwrap(), before);
    ok(&w.run(&["exec", "main-a", "--", "true"]));
}

#[test]
fn concurrent_execs_make_one_sts_exchange_and_ask_once() {
    let w = World::new("");
    let asked = w.home().join("asked");
    std::fs::write(
        &w.config,
        format!(
            "[sources.main]\nfrom = \"env\"\nmfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"\nmfa_command = \"echo x >> '{}'; sleep 0.3; echo 123456\"\n[roles.prod]\naccount = \"999999999999\"\nrole = \"Admin\"\n",
            asked.display()
        ),
    )
    .unwrap();
    let (outs, reqs) = w.recorded(|| {
        let children: Vec<_> = (0..4)
            .map(|_| w.cmd(&["exec", "prod", "--", "true"]).spawn().unwrap())
            .collect();
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    });
    for o in &outs {
        ok(o);
    }
    assert_eq!(
        std::fs::read_to_string(&asked).unwrap().lines().count(),
        1,
        "one MFA code was asked for"
    );
    assert_eq!(
        with_action(&reqs, "GetSessionToken").len(),
        1,
        "{:?}",
        crate::harness::actions(&reqs)
    );
    assert_eq!(with_action(&reqs, "AssumeRole").len(), 1);
}

#[test]
fn add_writes_mfa_serial_into_the_file_that_defines_the_source() {
    let mut w = World::new("");
    let dir = w.config.parent().unwrap().to_path_buf();
    std::fs::create_dir_all(dir.join("team")).unwrap();
    let inc = dir.join("team/sources.toml");
    std::fs::write(&inc, "# shared\n[sources.main]\nmfa_session = \"4h\"\n").unwrap();
    set_mode(&inc, 0o600);
    std::fs::write(&w.config, "include = [\"team/sources.toml\"]\n").unwrap();
    let (id, secret) = alice(&w);
    w.set("AWS_ACCESS_KEY_ID", &id);
    w.set("AWS_SECRET_ACCESS_KEY", &secret);
    ok(&w.run(&["add", "main", "--from-env", "--yes"]));
    let text = std::fs::read_to_string(&inc).unwrap();
    assert!(text.starts_with("# shared\n[sources.main]\nmfa_session = \"4h\"\nmfa_serial = \"arn:aws:iam::123456789012:mfa/alice\""), "{text}");
    assert_eq!(
        std::fs::read_to_string(&w.config).unwrap(),
        "include = [\"team/sources.toml\"]\n"
    );
    ok(&w.run(&["list"]));
}

/// A Secret Service of its own (not the shared one of tests/run.sh), whose
/// login collection the test locks.
#[test]
fn a_locked_keyring_is_explained() {
    let source = format!("lk{}", std::process::id());
    let mut w = World::new(&profile(&source));
    w.set("ROLEX_BACKEND", "keyring");
    let private = w.home().join("bus");
    std::fs::create_dir_all(private.join("run")).unwrap();
    set_mode(&private.join("run"), 0o700);
    let script = format!(
        r#"eval "$(printf %s test | gnome-keyring-daemon --unlock --components=secrets)"
for _ in $(seq 1 100); do
  dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply /org/freedesktop/DBus org.freedesktop.DBus.ListNames 2>/dev/null | grep -q org.freedesktop.secrets && break
  sleep 0.1
done
"$ROLEX" add {source} --from-env --yes || exit 9
dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null || exit 8
"$ROLEX" exec {source}-a --token 123456 -- true
"#
    );
    let mut c = std::process::Command::new("setsid");
    c.args(["-w", "dbus-run-session", "--", "bash", "-c", &script])
        .env_clear();
    for (k, v) in w.base_env().iter().chain(w.vars.iter()) {
        c.env(k, v);
    }
    c.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", private.join("run"))
        .env("XDG_DATA_HOME", private.join("data"))
        .env("ROLEX", rolex());
    let out = c.output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("locked"), "{err}");
    assert!(!err.contains(SECRET));
}

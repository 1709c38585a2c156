//! Where a role session starts: the default credential chain, an
//! `mfa_command`, sources outside the store, keys that change under a cached
//! session, and profile files that include others.

use crate::core::PROFILE;
use crate::world::*;

#[test]
fn zero_configuration_assumes_a_role_arn_from_the_default_chain() {
    let w = World::new("");
    std::fs::remove_file(&w.config).unwrap();
    let (out, reqs) = w.recorded(|| w.whoami(&["arn:aws:iam::555555555555:role/Ops"]));
    assert_eq!(
        arn_of(&ok(&out)),
        "arn:aws:sts::555555555555:assumed-role/Ops/alice"
    );
    assert!(
        !with_action(&reqs, "AssumeRole")[0]
            .params
            .contains_key("TokenCode")
    );
}

#[test]
fn mfa_command_runs_without_secrets_in_its_environment() {
    let mut w = World::new("");
    let dump = w.home().join("mfa-env.txt");
    std::fs::write(
        &w.config,
        PROFILE.replace(
            "mfa_session = \"off\"",
            &format!(
                "mfa_session = \"off\"\nmfa_command = \"env > '{}'; echo 135790\"",
                dump.display()
            ),
        ),
    )
    .unwrap();
    w.set("__ROLEX_SAVED", "AWS_PROFILE=+6f6c64");
    let (out, reqs) = w.recorded(|| w.run(&["exec", "prod-admin", "--", "true"]));
    ok(&out);
    assert_eq!(
        with_action(&reqs, "AssumeRole")[0].params["TokenCode"],
        "135790"
    );
    let env = std::fs::read_to_string(&dump).unwrap();
    assert!(env.contains("HOME="), "{env}");
    for leaked in [SECRET, KEY_ID, "test passphrase", "__ROLEX_SAVED"] {
        assert!(!env.contains(leaked), "{leaked} reached mfa_command");
    }
}

#[test]
fn a_cached_session_is_not_reused_for_other_source_keys() {
    let mut w =
        World::new(&PROFILE.replace("mfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"\n", ""));
    let (id, secret) = w.iam_user("bob");
    ok(&w.run(&["exec", "staging-admin", "--", "true"]));
    let (_, same) = w.recorded(|| ok(&w.run(&["exec", "staging-admin", "--", "true"])));
    assert!(
        with_action(&same, "AssumeRole").is_empty(),
        "same keys: cached"
    );
    w.set("AWS_ACCESS_KEY_ID", &id);
    w.set("AWS_SECRET_ACCESS_KEY", &secret);
    let (_, other) = w.recorded(|| ok(&w.run(&["exec", "staging-admin", "--", "true"])));
    assert_eq!(
        with_action(&other, "AssumeRole").len(),
        1,
        "other keys: a new session"
    );
}

#[test]
fn sources_outside_the_store_work_without_a_keyring() {
    let mut w = World::new(PROFILE);
    w.set("ROLEX_BACKEND", "keyring");
    w.set("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let out = w.whoami(&["prod-admin", "--token", "123456"]);
    assert_eq!(
        arn_of(&ok(&out)),
        "arn:aws:sts::999999999999:assumed-role/Admin/alice"
    );
    // Sessions are cached in the kernel keyring: no keyring needed at all.
    assert_eq!(stderr(&out), "", "{}", stderr(&out));

    // Where sessions must go to the secret store, an unreachable one only
    // turns the cache off, once, loudly.
    w.set("ROLEX_SESSION_CACHE", "store");
    let out = w.whoami(&["prod-admin", "--token", "123456"]);
    assert_eq!(
        arn_of(&ok(&out)),
        "arn:aws:sts::999999999999:assumed-role/Admin/alice"
    );
    assert!(
        stderr(&out).contains("cached sessions cannot be read"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stderr(&out).matches("rolex:").count(),
        1,
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("ROLEX_BACKEND=file"));
}

#[test]
fn includes_merge_and_the_main_file_defaults_win() {
    let w = World::new("");
    let dir = w.config.parent().unwrap().to_path_buf();
    std::fs::write(
        &w.config,
        "include = [\"team/accounts.toml\"]\n[defaults]\nduration = \"20m\"\n[sources.main]\nfrom = \"env\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("team")).unwrap();
    let inc = dir.join("team/accounts.toml");
    std::fs::write(&inc, "[defaults]\nduration = \"2h\"\nregion = \"ap-south-1\"\n[accounts]\nprod = \"999999999999\"\n[roles.p]\naccount = \"prod\"\nrole = \"Admin\"\n").unwrap();
    set_mode(&inc, 0o600);
    let (out, reqs) = w.recorded(|| w.run(&["exec", "p", "--", "env"]));
    let out = ok(&out);
    assert!(
        out.contains("AWS_REGION=ap-south-1"),
        "defaults from an include fill gaps"
    );
    assert_eq!(
        with_action(&reqs, "AssumeRole")[0].params["DurationSeconds"],
        "1200",
        "the main file wins"
    );
    // A role defined twice across files is an error naming both.
    std::fs::write(&inc, "[roles.p]\naccount = \"999999999999\"\nrole = \"Admin\"\n[roles.p2]\naccount = \"999999999999\"\nrole = \"A\"\n").unwrap();
    std::fs::write(
        &w.config,
        "include = [\"team/accounts.toml\"]\n[roles.p]\naccount = \"999999999999\"\nrole = \"B\"\n",
    )
    .unwrap();
    let err = fails(&w.run(&["list"]), 2);
    assert!(
        err.contains("accounts.toml:1:8: role \"p\" is also defined in"),
        "{err}"
    );
}

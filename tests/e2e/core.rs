//! Issue: profile file to assumed role: exec, env, credential-process, list,
//! status against moto.

use crate::harness::aws;
use crate::world::*;

pub(crate) const PROFILE: &str = r#"
[defaults]
region = "eu-west-1"

[sources.main]
from = "env"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"
mfa_session = "off"

[accounts]
prod = "999999999999"
staging = "888888888888"

[roles.prod-admin]
account = "prod"
role = "Admin"
external_id = "ext-123"
source_identity = "{user}"
tags = { ticket = "{reason}" }
duration = "30m"
color = "red"

[roles.staging-admin]
account = "staging"
role = "team/Admin"
session_name = "rolex-{user}-{role}"

[roles.org]
role = "arn:aws:iam::777777777777:role/OrgAccess"
duration = "2h"

[roles.deep]
account = "prod"
role = "Deep"
via = "org"
"#;

#[test]
fn exec_assumes_the_role_with_mfa_and_sends_every_parameter() {
    let w = World::new(PROFILE);
    let (out, reqs) =
        w.recorded(|| w.whoami(&["prod-admin", "--token", "123456", "--reason", "INC-7"]));
    assert_eq!(
        arn_of(&ok(&out)),
        "arn:aws:sts::999999999999:assumed-role/Admin/alice"
    );
    let assume = with_action(&reqs, "AssumeRole");
    assert_eq!(assume.len(), 1, "{:?}", crate::harness::actions(&reqs));
    let p = &assume[0].params;
    assert_eq!(p["RoleArn"], "arn:aws:iam::999999999999:role/Admin");
    assert_eq!(p["RoleSessionName"], "alice");
    assert_eq!(p["SerialNumber"], "arn:aws:iam::123456789012:mfa/alice");
    assert_eq!(p["TokenCode"], "123456");
    assert_eq!(p["DurationSeconds"], "1800");
    assert_eq!(p["ExternalId"], "ext-123");
    assert_eq!(p["SourceIdentity"], "alice");
    assert_eq!(p["Tags.member.1.Key"], "ticket");
    assert_eq!(p["Tags.member.1.Value"], "INC-7");
    assert!(with_action(&reqs, "GetSessionToken").is_empty());
}

#[test]
fn exec_sets_the_spec_environment_and_passes_exit_status() {
    let mut w = World::new(PROFILE);
    w.set("AWS_PROFILE", "old");
    w.set("AWS_SECURITY_TOKEN", "old");
    w.set("__ROLEX_SAVED", "AWS_PROFILE=+6f6c64");
    w.set("ROLEX_HOOK", "bash");
    let out = ok(&w.run(&["exec", "prod-admin", "--token", "123456", "--", "env"]));
    let get = |k: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(str::to_string)
    };
    assert!(get("AWS_ACCESS_KEY_ID").unwrap().starts_with("ASIA"));
    assert_ne!(get("AWS_SECRET_ACCESS_KEY").as_deref(), Some(SECRET));
    assert!(get("AWS_SESSION_TOKEN").is_some());
    let exp = get("AWS_CREDENTIAL_EXPIRATION").unwrap();
    assert_eq!(get("AWS_SESSION_EXPIRATION").unwrap(), exp);
    assert!(exp.ends_with('Z') && exp.contains('T'), "{exp}");
    assert_eq!(get("AWS_REGION").as_deref(), Some("eu-west-1"));
    assert_eq!(get("AWS_DEFAULT_REGION").as_deref(), Some("eu-west-1"));
    assert_eq!(get("ROLEX_ROLE").as_deref(), Some("prod-admin"));
    assert_eq!(get("ROLEX_ACCOUNT").as_deref(), Some("999999999999"));
    assert_eq!(get("AWS_PROFILE"), None);
    assert_eq!(get("AWS_SECURITY_TOKEN"), None);
    assert_eq!(
        get("ROLEX_FILE_PASSPHRASE"),
        None,
        "rolex's own secret does not reach the command"
    );

    let code = w.run(&["exec", "prod-admin", "--", "sh", "-c", "exit 7"]);
    assert_eq!(code.status.code(), Some(7));
    use std::os::unix::process::ExitStatusExt;
    let killed = w.run(&["exec", "prod-admin", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(
        killed
            .status
            .signal()
            .or(killed.status.code().map(|c| c - 128)),
        Some(15)
    );
    let missing = w.run(&["exec", "prod-admin", "--", "no-such-command-here"]);
    assert!(fails(&missing, 127).contains("cannot run no-such-command-here"));
}

#[test]
fn one_mfa_session_serves_two_roles() {
    let w = World::new(&PROFILE.replace("mfa_session = \"off\"", "mfa_session = \"12h\""));
    let (outs, reqs) = w.recorded(|| {
        let a = w.whoami(&["prod-admin", "--token", "654321"]);
        // No terminal and no token: this works only if no MFA is asked for.
        let b = w.whoami(&["staging-admin"]);
        (a, b)
    });
    assert_eq!(
        arn_of(&ok(&outs.0)),
        "arn:aws:sts::999999999999:assumed-role/Admin/alice"
    );
    assert_eq!(
        arn_of(&ok(&outs.1)),
        "arn:aws:sts::888888888888:assumed-role/Admin/rolex-alice-staging-admin"
    );
    let gst = with_action(&reqs, "GetSessionToken");
    assert_eq!(gst.len(), 1);
    assert_eq!(gst[0].params["TokenCode"], "654321");
    assert_eq!(
        gst[0].params["SerialNumber"],
        "arn:aws:iam::123456789012:mfa/alice"
    );
    let assume = with_action(&reqs, "AssumeRole");
    assert_eq!(assume.len(), 2);
    assert!(
        assume
            .iter()
            .all(|r| !r.params.contains_key("TokenCode") && !r.params.contains_key("SerialNumber"))
    );
}

#[test]
fn a_role_longer_than_an_hour_is_assumed_directly_with_mfa() {
    let w = World::new(&PROFILE.replace("mfa_session = \"off\"", "mfa_session = \"12h\""));
    let (out, reqs) = w.recorded(|| w.run(&["exec", "org", "--token", "111111", "--", "true"]));
    assert!(stderr(&out).contains("1h"), "{}", stderr(&out));
    ok(&out);
    assert!(with_action(&reqs, "GetSessionToken").is_empty());
    let assume = with_action(&reqs, "AssumeRole");
    assert_eq!(assume[0].params["DurationSeconds"], "7200");
    assert_eq!(assume[0].params["TokenCode"], "111111");
}

#[test]
fn via_chains_roles_and_caps_at_an_hour() {
    let w = World::new(PROFILE);
    let (out, reqs) = w.recorded(|| w.whoami(&["deep", "--token", "222222"]));
    assert_eq!(
        arn_of(&ok(&out)),
        "arn:aws:sts::999999999999:assumed-role/Deep/alice"
    );
    let assume = with_action(&reqs, "AssumeRole");
    assert_eq!(assume.len(), 2);
    assert_eq!(
        assume[0].params["RoleArn"],
        "arn:aws:iam::777777777777:role/OrgAccess"
    );
    assert_eq!(assume[0].params["TokenCode"], "222222");
    assert_eq!(assume[0].params["DurationSeconds"], "3600");
    assert_eq!(
        assume[1].params["RoleArn"],
        "arn:aws:iam::999999999999:role/Deep"
    );
    assert!(!assume[1].params.contains_key("TokenCode"));
}

#[test]
fn env_formats_round_trip_through_real_shells() {
    let w = World::new(PROFILE);
    let sh = ok(&w.run(&["env", "prod-admin", "--token", "123456", "--format", "sh"]));
    let script = format!("{sh}\naws sts get-caller-identity");
    let mut c = std::process::Command::new("sh");
    c.arg("-c").arg(script).env_clear();
    for (k, v) in w.base_env() {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    assert_eq!(
        arn_of(&ok(&out)),
        "arn:aws:sts::999999999999:assumed-role/Admin/alice"
    );

    let json: serde_json::Value =
        serde_json::from_str(&ok(&w.run(&["env", "prod-admin", "--format", "json"]))).unwrap();
    assert_eq!(json["ROLEX_ROLE"], "prod-admin");
    assert!(json["AWS_SESSION_TOKEN"].as_str().unwrap().len() > 20);
    let dotenv = ok(&w.run(&["env", "prod-admin", "--format", "dotenv"]));
    assert!(
        dotenv.lines().any(|l| l == "ROLEX_ROLE=prod-admin"),
        "{dotenv}"
    );
    let fish = ok(&w.run(&["env", "prod-admin", "--format", "fish"]));
    assert!(
        fish.contains("set -gx ROLEX_ROLE 'prod-admin'") && fish.contains("set -e -g AWS_PROFILE")
    );
    let pwsh = ok(&w.run(&["env", "prod-admin", "--format", "pwsh"]));
    assert!(pwsh.contains("$Env:ROLEX_ROLE = 'prod-admin'"));
}

#[test]
fn the_aws_cli_uses_rolex_as_its_credential_process() {
    let w = World::new("");
    // The source is a named AWS profile, so the AWS CLI's own environment
    // holds no keys it could use instead of rolex's.
    std::fs::write(
        &w.config,
        PROFILE
            .replace("from = \"env\"", "from = \"aws-profile:base\"")
            .replace(
                "mfa_session = \"off\"",
                "mfa_session = \"off\"\nmfa_command = \"echo 246810\"",
            ),
    )
    .unwrap();
    let aws_config = w.home().join("aws-config");
    std::fs::write(
        &aws_config,
        format!("[profile viarolex]\ncredential_process = {} credential-process prod-admin\nregion = us-east-1\n", rolex().display()),
    )
    .unwrap();
    let creds_file = w.home().join("aws-credentials");
    std::fs::write(
        &creds_file,
        format!("[base]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    let (cfg, cf) = (
        aws_config.display().to_string(),
        creds_file.display().to_string(),
    );
    let mut env: Vec<(String, String)> = w.base_env();
    env.extend([
        ("ROLEX_BACKEND".to_string(), "file".to_string()),
        ("ROLEX_FILE_PASSPHRASE".into(), "pw".into()),
        ("AWS_CONFIG_FILE".into(), cfg),
        ("AWS_SHARED_CREDENTIALS_FILE".into(), cf),
        ("AWS_PROFILE".into(), "viarolex".into()),
    ]);
    let extra: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (out, reqs) = w.recorded(|| {
        aws(
            &w.moto.url,
            w.home(),
            &extra,
            &["sts", "get-caller-identity"],
        )
    });
    assert_eq!(
        arn_of(&ok(&out)),
        "arn:aws:sts::999999999999:assumed-role/Admin/alice"
    );
    let assume = with_action(&reqs, "AssumeRole");
    assert_eq!(assume.len(), 1);
    assert_eq!(assume[0].params["TokenCode"], "246810");

    let mut direct = w.cmd(&["credential-process", "prod-admin"]);
    direct
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds_file)
        .env("ROLEX_FILE_PASSPHRASE", "pw");
    let json: serde_json::Value = serde_json::from_str(&ok(&direct.output().unwrap())).unwrap();
    assert_eq!(json["Version"], 1);
    assert!(json["SessionToken"].as_str().is_some());
    assert!(json["Expiration"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn list_and_status_describe_roles_and_the_active_one() {
    let w = World::new(PROFILE);
    let list: serde_json::Value = serde_json::from_str(&ok(&w.run(&["list", "--json"]))).unwrap();
    let admin = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "prod-admin")
        .unwrap();
    assert_eq!(admin["role_arn"], "arn:aws:iam::999999999999:role/Admin");
    assert_eq!(admin["account_alias"], "prod");
    assert_eq!(admin["mfa"], true);
    assert!(admin["cached_seconds_left"].is_null());
    ok(&w.run(&["exec", "prod-admin", "--token", "123456", "--", "true"]));
    let list: serde_json::Value = serde_json::from_str(&ok(&w.run(&["list", "--json"]))).unwrap();
    let left = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "prod-admin")
        .unwrap()["cached_seconds_left"]
        .as_i64()
        .unwrap();
    assert!((1500..=1800).contains(&left), "{left}");
    assert!(ok(&w.run(&["list"])).contains("prod (999999999999)"));

    let outside = w.run(&["status"]);
    assert!(stdout(&outside).contains("no role active"));
    assert_eq!(outside.status.code(), Some(1));

    let vars: serde_json::Value =
        serde_json::from_str(&ok(&w.run(&["env", "prod-admin", "--format", "json"]))).unwrap();
    let inside: Vec<(String, String)> = vars
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let refs: Vec<(&str, &str)> = inside
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let status = ok(&w.run_with(&["status", "--check", "--json"], &refs));
    let s: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(s["role"], "prod-admin");
    assert_eq!(
        s["identity"]["arn"],
        "arn:aws:sts::999999999999:assumed-role/Admin/alice"
    );
    assert!(s["seconds_left"].as_i64().unwrap() > 1500);
    let text = ok(&w.run_with(&["status"], &refs));
    assert!(
        text.starts_with("role prod-admin in account prod (999999999999), "),
        "{text}"
    );
}

#[test]
fn exec_defaults_to_the_active_role_then_defaults_role() {
    let w = World::new(&PROFILE.replace(
        "region = \"eu-west-1\"",
        "region = \"eu-west-1\"\nrole = \"staging-admin\"",
    ));
    let out = ok(&w.whoami(&["--token", "123456"]));
    assert!(arn_of(&out).contains(":888888888888:assumed-role/Admin/"));
    // Inside prod-admin as the shell hook leaves it: the original keys are in
    // the hook's saved state, handed to rolex in __ROLEX_SAVED.
    let saved = saved_with_source_keys();
    let inside = [
        ("ROLEX_ROLE", "prod-admin"),
        ("AWS_ACCESS_KEY_ID", "ASIAROLE"),
        ("AWS_SECRET_ACCESS_KEY", "x"),
        ("__ROLEX_SAVED", saved.as_str()),
    ];
    let out = ok(&w.run_with(
        &[
            "exec",
            "--token",
            "123456",
            "--",
            "aws",
            "sts",
            "get-caller-identity",
        ],
        &inside,
    ));
    assert!(arn_of(&out).contains(":999999999999:assumed-role/Admin/"));
}

#[test]
fn the_audit_trail_says_who_used_which_role_and_why_without_secrets() {
    let w = World::new(PROFILE);
    ok(&w.run(&[
        "exec",
        "staging-admin",
        "--token",
        "123456",
        "--reason",
        "INC-42 disk full",
        "--",
        "true",
    ]));
    ok(&w.run(&[
        "exec",
        "staging-admin",
        "--reason",
        "INC-42 again",
        "--",
        "true",
    ]));
    let vars = ok(&w.run(&["env", "prod-admin", "--token", "123456", "--format", "json"]));
    let token: serde_json::Value = serde_json::from_str(&vars).unwrap();
    let lines = ok(&w.run(&["log", "--json"]));
    let entries: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 3, "{lines}");
    assert_eq!(entries[0]["event"], "exec");
    assert_eq!(entries[0]["role"], "staging-admin");
    assert_eq!(entries[0]["account"], "888888888888");
    assert_eq!(entries[0]["reason"], "INC-42 disk full");
    assert_eq!(entries[0]["user"], "alice");
    assert_eq!(entries[0]["new_session"], true);
    assert_eq!(entries[1]["new_session"], false);
    assert_eq!(entries[2]["event"], "env");
    let text = ok(&w.run(&["log", "--since", "1h"]));
    assert!(
        text.contains("exec (cached)") && text.contains("INC-42 again"),
        "{text}"
    );
    let file = w.home().join(".local/state/rolex/audit.jsonl");
    let raw = std::fs::read_to_string(&file).unwrap();
    for secret in [
        SECRET,
        token["AWS_SESSION_TOKEN"].as_str().unwrap(),
        token["AWS_SECRET_ACCESS_KEY"].as_str().unwrap(),
        "123456",
    ] {
        assert!(!raw.contains(secret), "a secret in the audit trail");
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(fails(&w.run(&["log", "--since", "soon"]), 2).contains("--since"));
}

//! Bad input: one clear line, the SPEC's exit code, nothing lost, no secret.

use crate::harness::{ErrorServer, free_port};
use crate::world::*;

const PROFILE: &str = r#"
[sources.main]
from = "env"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"
mfa_session = "off"

[roles.prod]
account = "999999999999"
role = "Admin"
"#;

fn no_secret(text: &str) {
    assert!(!text.contains(SECRET), "the source secret leaked: {text}");
    assert!(
        !text.contains("FQoGZXIvYXdz"),
        "a session token leaked: {text}"
    );
}

#[test]
fn profile_file_mistakes_name_file_line_and_column_before_any_call() {
    let cases = [
        (
            "[roles.x]\naccount = \"123\"\nrole = \"A\"\n",
            ":2:11: ",
            "12-digit",
        ),
        (
            "[roles.x]\naccount = \"999999999999\"\nrole = \"A\"\ncolour = \"red\"\n",
            ":4:1: ",
            "unknown field `colour`",
        ),
        (
            "[accounts]\nprod = \"999999999999\"\n[roles.x]\naccount = \"prd\"\nrole = \"A\"\n",
            ":4:11: ",
            "did you mean \"prod\"",
        ),
        (
            "[roles.x]\naccount = \"999999999999\"\nrole = \"A\"\nduration = \"13h\"\n",
            ":4:12: ",
            "out of range",
        ),
        (
            "[roles.a]\naccount = \"999999999999\"\nrole = \"A\"\nvia = \"b\"\n[roles.b]\naccount = \"999999999999\"\nrole = \"B\"\nvia = \"a\"\n",
            ":",
            "loop",
        ),
        (
            "[sources.a]\n[sources.b]\n[roles.x]\naccount = \"999999999999\"\nrole = \"A\"\nsource = \"c\"\n",
            ":6:10: ",
            "unknown source \"c\"",
        ),
        (
            "[roles.x]\naccount = \"999999999999\"\nrole = \"A\"\nsession_name = \"{user} at {host}\"\n",
            ":4:16: ",
            "RoleSessionName",
        ),
        ("[roles.x\n", ":1:9: ", "expected `]`"),
    ];
    for (text, at, what) in cases {
        let w = World::new(text);
        let (out, reqs) = w.recorded(|| w.run(&["exec", "x", "--", "true"]));
        let err = fails(&out, 2);
        let path = w.config.display().to_string();
        assert!(
            err.starts_with(&format!("rolex: {path}{at}")),
            "{text}\n=> {err}"
        );
        assert!(err.contains(what), "{text}\n=> {err}");
        assert_eq!(
            err.lines().count(),
            1 + usize::from(err.contains("hint:")),
            "{err}"
        );
        assert!(reqs.is_empty(), "no AWS call for a bad file");
    }
}

#[test]
fn a_profile_file_others_can_write_is_refused() {
    let w = World::new(PROFILE);
    set_mode(&w.config, 0o666);
    let err = fails(&w.run(&["list"]), 2);
    assert!(err.contains("writable by other users"), "{err}");
    assert!(err.contains("chmod go-w"), "{err}");
}

#[test]
fn a_code_that_is_not_six_digits_is_refused_before_calling_aws() {
    let w = World::new(PROFILE);
    for bad in ["12345", "1234567", "12a456"] {
        let (out, reqs) = w.recorded(|| w.run(&["exec", "prod", "--token", bad, "--", "true"]));
        assert!(fails(&out, 2).contains("6 digits"));
        assert!(reqs.is_empty());
    }
}

#[test]
fn no_terminal_and_no_token_is_a_clear_failure() {
    let w = World::new(PROFILE);
    let (out, reqs) = w.recorded(|| w.run(&["exec", "prod", "--", "true"]));
    let err = fails(&out, 1);
    assert!(err.contains("no terminal"), "{err}");
    assert!(err.contains("--token"), "{err}");
    assert!(reqs.is_empty());
}

#[test]
fn a_denied_assume_role_says_so() {
    let w = World::new(
        &PROFILE
            .replace("mfa_session = \"off\"", "mfa_session = \"off\"\n")
            .replace("mfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"\n", ""),
    );
    // A user that may do nothing, and auth checks on.
    let (id, secret) = w.iam_user("nobody");
    let (id, secret) = (id.as_str(), secret.as_str());
    w.moto.set_auth(true);
    let out = w.run_with(
        &["exec", "prod", "--", "true"],
        &[("AWS_ACCESS_KEY_ID", id), ("AWS_SECRET_ACCESS_KEY", secret)],
    );
    w.moto.set_auth(false);
    let err = fails(&out, 1);
    assert!(
        err.contains("STS AssumeRole of arn:aws:iam::999999999999:role/Admin"),
        "{err}"
    );
    assert!(err.contains("denied") || err.contains("403"), "{err}");
    assert!(!err.contains(secret));
}

#[test]
fn an_expired_token_is_explained() {
    let w =
        World::new(&PROFILE.replace("mfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"\n", ""));
    let server = ErrorServer::start(
        400,
        "ExpiredToken",
        "The security token included in the request is expired",
    );
    let out = w.run_with(
        &["exec", "prod", "--", "true"],
        &[("AWS_ENDPOINT_URL", &server.url)],
    );
    let err = fails(&out, 1);
    assert!(err.contains("expired"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    no_secret(&err);
    assert_eq!(server.hits(), 1, "AWS_MAX_ATTEMPTS=1 is honoured");
}

#[test]
fn a_dead_endpoint_is_a_network_error() {
    let w =
        World::new(&PROFILE.replace("mfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"\n", ""));
    let url = format!("http://127.0.0.1:{}", free_port());
    let out = w.run_with(
        &["exec", "prod", "--", "true"],
        &[("AWS_ENDPOINT_URL", &url)],
    );
    let err = fails(&out, 1);
    assert!(err.contains("cannot reach AWS"), "{err}");
    assert!(err.contains("AWS_ENDPOINT_URL"), "{err}");
    no_secret(&err);
}

#[test]
fn unknown_roles_get_a_suggestion_and_exit_2() {
    let w = World::new(PROFILE);
    let err = fails(&w.run(&["exec", "prdo", "--", "true"]), 2);
    assert!(
        err.contains("unknown role \"prdo\" (did you mean \"prod\"?)"),
        "{err}"
    );
    let err = fails(
        &w.run(&["exec", "prod", "--duration", "5m", "--", "true"]),
        2,
    );
    assert!(err.contains("--duration"), "{err}");
}

#[test]
fn failures_after_a_session_never_print_its_secrets() {
    let w = World::new(PROFILE);
    let vars: serde_json::Value = serde_json::from_str(&ok(
        &w.run(&["env", "prod", "--token", "123456", "--format", "json"])
    ))
    .unwrap();
    let token = vars["AWS_SESSION_TOKEN"].as_str().unwrap().to_string();
    let role_secret = vars["AWS_SECRET_ACCESS_KEY"].as_str().unwrap().to_string();
    let outs = [
        w.run(&["exec", "prod", "--", "sh", "-c", "exit 3"]),
        w.run(&["exec", "prod", "--", "no-such-command-here"]),
        w.run(&["exec", "prod", "--duration", "20h", "--", "true"]),
        w.run(&["exec", "prod", "--no-cache", "--token", "12", "--", "true"]),
        w.run_with(
            &[
                "exec",
                "prod",
                "--no-cache",
                "--token",
                "123456",
                "--",
                "true",
            ],
            &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9")],
        ),
        w.run(&["list"]),
        w.run(&["status"]),
    ];
    assert_eq!(outs[0].status.code(), Some(3));
    for o in &outs {
        let err = stderr(o);
        for secret in [SECRET, &token, &role_secret, "test passphrase", "123456"] {
            assert!(!err.contains(secret), "{secret} in stderr: {err}");
        }
        assert!(!stdout(o).contains(&token) && !stdout(o).contains(SECRET));
    }
}

#[test]
fn confirm_and_require_reason_guard_production_roles() {
    let w = World::new(&format!(
        "{PROFILE}confirm = true\nrequire_reason = true\ndescription = \"Production\"\n"
    ));
    let (out, reqs) = w.recorded(|| w.run(&["exec", "prod", "--token", "123456", "--", "true"]));
    let err = fails(&out, 2);
    assert!(
        err.contains("requires a reason") && err.contains("--reason"),
        "{err}"
    );
    assert!(reqs.is_empty());
    let (out, reqs) = w.recorded(|| {
        w.run(&[
            "exec", "prod", "--reason", "INC-9", "--token", "123456", "--", "true",
        ])
    });
    let err = fails(&out, 1);
    assert!(
        err.contains("asks for confirmation") && err.contains("--yes"),
        "{err}"
    );
    assert!(reqs.is_empty());
    ok(&w.run(&[
        "exec", "prod", "--reason", "INC-9", "--token", "123456", "--yes", "--", "true",
    ]));
}

#[test]
fn an_sso_profile_as_a_source_is_explained_in_rolex_words() {
    let mut w = World::new(
        "[sources.corp]\nfrom = \"aws-profile:corp\"\n[roles.prod]\naccount = \"999999999999\"\nrole = \"Admin\"\n",
    );
    let aws_config = w.home().join("aws-config");
    std::fs::write(
        &aws_config,
        "[profile corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 111111111111\nsso_role_name = Admin\n",
    )
    .unwrap();
    w.set("AWS_CONFIG_FILE", aws_config.to_str().unwrap());
    w.unset("AWS_ACCESS_KEY_ID");
    w.unset("AWS_SECRET_ACCESS_KEY");
    let e = fails(&w.run(&["exec", "prod", "--", "true"]), 1);
    assert!(e.contains("IAM Identity Center (SSO)"), "{e}");
    assert!(!e.contains("cargo"), "{e}");
}

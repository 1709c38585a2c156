//! `rolex doctor` and `rolex import` against moto.

use crate::world::*;

const PROFILE: &str = r#"
[sources.main]
from = "env"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"

[roles.prod]
account = "999999999999"
role = "Admin"
"#;

#[test]
fn doctor_checks_keys_mfa_device_and_role_without_assuming_it() {
    let mut w = World::new(PROFILE);
    let (id, secret) = w.iam_user_with_mfa("alice");
    w.set("AWS_ACCESS_KEY_ID", &id);
    w.set("AWS_SECRET_ACCESS_KEY", &secret);
    let (out, reqs) = w.recorded(|| w.run(&["doctor", "prod"]));
    let text = ok(&out);
    assert!(
        text.contains("its keys work: arn:aws:iam::123456789012:user/alice"),
        "{text}"
    );
    assert!(
        text.contains("MFA device arn:aws:iam::123456789012:mfa/alice belongs to alice"),
        "{text}"
    );
    assert!(
        text.contains("AssumeRole arn:aws:iam::999999999999:role/Admin"),
        "{text}"
    );
    assert!(text.ends_with("no problems found\n"), "{text}");
    assert!(
        with_action(&reqs, "AssumeRole").is_empty()
            && with_action(&reqs, "GetSessionToken").is_empty()
    );

    // A wrong MFA device and bad keys are problems, each with a fix.
    std::fs::write(&w.config, PROFILE.replace("mfa/alice", "mfa/bob")).unwrap();
    let out = w.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(
            "PROBLEM  MFA device arn:aws:iam::123456789012:mfa/bob is not one of alice's"
        ),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("fix: "));
    w.unset("AWS_SECRET_ACCESS_KEY");
    let out = w.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("PROBLEM  source \"main\" takes the shell's"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn doctor_reports_a_broken_profile_file() {
    let w = World::new("[roles.x]\naccount = \"12\"\nrole = \"A\"\n");
    let out = w.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("PROBLEM") && stdout(&out).contains(":2:11: "),
        "{}",
        stdout(&out)
    );
}

#[test]
fn import_turns_aws_role_profiles_into_working_roles() {
    let w = World::new("# mine\n[defaults]\nregion = \"eu-west-1\"\n");
    let aws_config = w.home().join("aws-config");
    std::fs::write(
        &aws_config,
        "[profile base]\nregion = us-east-1\n[profile ops]\nrole_arn = arn:aws:iam::555555555555:role/Ops\nsource_profile = base\nduration_seconds = 7200\nexternal_id = xyz\nrole_session_name = ops-session\n[profile plain]\nregion = eu-west-1\n",
    )
    .unwrap();
    let creds = w.home().join("aws-credentials");
    std::fs::write(
        &creds,
        format!("[base]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    let env = [
        ("AWS_CONFIG_FILE", aws_config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", creds.to_str().unwrap()),
    ];
    let printed = ok(&w.run_with(&["import"], &env));
    assert!(
        printed.contains("[roles.ops]") && !printed.contains("[roles.plain]"),
        "{printed}"
    );
    assert_eq!(
        std::fs::read_to_string(&w.config).unwrap(),
        "# mine\n[defaults]\nregion = \"eu-west-1\"\n",
        "printing changes nothing"
    );
    ok(&w.run_with(&["import", "--write"], &env));
    let text = std::fs::read_to_string(&w.config).unwrap();
    assert!(text.starts_with("# mine\n"), "{text}");
    let (out, reqs) = w.recorded(|| {
        w.run_with(
            &["exec", "ops", "--", "aws", "sts", "get-caller-identity"],
            &env,
        )
    });
    assert_eq!(
        arn_of(&ok(&out)),
        "arn:aws:sts::555555555555:assumed-role/Ops/ops-session"
    );
    let p = &with_action(&reqs, "AssumeRole")[0].params;
    assert_eq!(p["DurationSeconds"], "7200");
    assert_eq!(p["ExternalId"], "xyz");
    // Importing again adds nothing twice.
    ok(&w.run_with(&["import", "--write"], &env));
    assert_eq!(std::fs::read_to_string(&w.config).unwrap(), text);
}

#[test]
fn iam_creates_a_cross_account_role_and_grants_a_user() {
    let w = World::new(PROFILE);
    let policy: serde_json::Value = serde_json::from_str(&ok(&w.run(&[
        "iam",
        "trust-policy",
        "--account",
        "111111111111",
    ])))
    .unwrap();
    assert_eq!(
        policy["Statement"][0]["Condition"]["Bool"]["aws:MultiFactorAuthPresent"],
        "true"
    );

    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]}"#;
    w.aws_admin(&[
        "iam",
        "create-policy",
        "--policy-name",
        "ops-read",
        "--policy-document",
        doc,
    ]);
    let (out, reqs) = w.recorded(|| {
        w.run(&[
            "iam",
            "create-role",
            "ops/Admin",
            "--account",
            "111111111111",
            "--external-id",
            "xyz",
            "--policy-arn",
            "arn:aws:iam::123456789012:policy/ops-read",
            "--max-duration",
            "4h",
        ])
    });
    let snippet = ok(&out);
    assert!(
        snippet.contains("role = \"arn:aws:iam::123456789012:role/ops/Admin\""),
        "{snippet}"
    );
    assert_eq!(
        crate::harness::actions(&reqs),
        ["CreateRole", "AttachRolePolicy"]
    );
    let role = w.aws_admin(&["iam", "get-role", "--role-name", "Admin"]);
    assert_eq!(role["Role"]["MaxSessionDuration"], 14400);
    let trust = &role["Role"]["AssumeRolePolicyDocument"];
    let trust: serde_json::Value = if trust.is_string() {
        serde_json::from_str(trust.as_str().unwrap()).unwrap()
    } else {
        trust.clone()
    };
    assert_eq!(
        trust["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::111111111111:root"
    );
    assert_eq!(
        trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        "xyz"
    );
    let attached = w.aws_admin(&["iam", "list-attached-role-policies", "--role-name", "Admin"]);
    assert_eq!(
        attached["AttachedPolicies"][0]["PolicyArn"],
        "arn:aws:iam::123456789012:policy/ops-read"
    );

    w.iam_user("dave");
    ok(&w.run(&[
        "iam",
        "grant",
        "arn:aws:iam::999999999999:role/Admin",
        "--user",
        "dave",
    ]));
    let p = w.aws_admin(&[
        "iam",
        "get-user-policy",
        "--user-name",
        "dave",
        "--policy-name",
        "rolex-assume-999999999999-Admin",
    ]);
    let doc = &p["PolicyDocument"];
    let doc: serde_json::Value = if doc.is_string() {
        serde_json::from_str(doc.as_str().unwrap()).unwrap()
    } else {
        doc.clone()
    };
    assert_eq!(
        doc["Statement"][0]["Resource"],
        "arn:aws:iam::999999999999:role/Admin"
    );

    let again = w.run(&[
        "iam",
        "create-role",
        "ops/Admin",
        "--account",
        "111111111111",
    ]);
    let err = fails(&again, 1);
    assert!(
        err.contains("IAM CreateRole failed: EntityAlreadyExists"),
        "{err}"
    );
    assert!(fails(&w.run(&["iam", "trust-policy", "--account", "1111"]), 2).contains("12-digit"));
}

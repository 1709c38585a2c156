//! Issue 8: `rolex aws-config` keeps rolex roles as `credential_process`
//! profiles in the AWS config file; the AWS CLI and Node use them.

use std::process::Command;

use crate::server::{NODE_CALL, node_modules};
use crate::world::*;

const AWS_CONFIG: &str = "# my AWS config: this comment stays\n[default]\nregion = eu-central-1 ; a note\n\n[profile other]\noutput = json\n";

/// rolex roles whose source is a profile of the AWS credentials file, so
/// the AWS CLI's own environment holds no keys it could use instead.
const PROFILES_VIA_AWS: &str = r#"
[defaults]
region = "eu-west-1"

[sources.main]
from = "aws-profile:base"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"
mfa_command = "echo 246810"
mfa_session = "off"

[roles.prod-admin]
account = "999999999999"
role = "Admin"
region = "us-east-1"

[roles.staging]
account = "888888888888"
role = "Dev"
"#;

#[test]
fn aws_config_keeps_its_block_and_the_aws_cli_and_node_use_it() {
    let mut w = World::new(PROFILES_VIA_AWS);
    let creds = w.home().join("aws-credentials");
    std::fs::write(
        &creds,
        format!("[base]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    let file = w.home().join("aws-config");
    std::fs::write(&file, AWS_CONFIG).unwrap();
    set_mode(&file, 0o640);
    w.set("AWS_CONFIG_FILE", file.to_str().unwrap());
    w.set("AWS_SHARED_CREDENTIALS_FILE", creds.to_str().unwrap());
    let read = || std::fs::read_to_string(&file).unwrap();

    let block = ok(&w.run(&["aws-config"]));
    let exe = rolex().display().to_string();
    assert!(
        block.contains(&format!(
            "\n[profile prod-admin]\ncredential_process = {exe} credential-process prod-admin\nregion = us-east-1\n"
        )),
        "{block}"
    );
    assert!(block.contains("\n[profile staging]\ncredential_process = "));
    assert!(block.contains("credential-process staging\nregion = eu-west-1\n"));
    assert_eq!(read(), AWS_CONFIG, "printing changes nothing");

    ok(&w.run(&["aws-config", "--write"]));
    let written = read();
    assert_eq!(written, format!("{AWS_CONFIG}\n{block}"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "mode kept");

    // Text after the block stays, the block follows the roles, a rerun
    // changes no byte.
    let mut edited = written.clone();
    edited.push_str("\n[profile after]\nregion = sa-east-1\n");
    std::fs::write(&file, &edited).unwrap();
    let cfg = std::fs::read_to_string(&w.config).unwrap();
    std::fs::write(&w.config, cfg.replace("us-east-1", "ap-south-1")).unwrap();
    ok(&w.run(&["aws-config", "--write"]));
    let updated = read();
    assert_eq!(
        updated,
        edited.replace("region = us-east-1", "region = ap-south-1")
    );
    ok(&w.run(&["aws-config", "--write"]));
    assert_eq!(read(), updated, "a second run is byte-identical");

    // A profile of the same name outside the block is not overwritten.
    std::fs::write(&file, format!("[profile staging]\n{updated}")).unwrap();
    let err = fails(&w.run(&["aws-config", "--write"]), 2);
    assert!(
        err.contains("profile(s) staging outside the rolex block"),
        "{err}"
    );
    assert_eq!(read(), format!("[profile staging]\n{updated}"));
    ok(&w.run(&["aws-config", "--write", "--prefix", "rx-"]));
    assert!(read().contains("[profile rx-staging]") && !read().contains("[profile prod-admin]"));
    std::fs::write(&file, &updated).unwrap();

    // The AWS CLI and the JavaScript SDK use the profile: rolex runs as
    // their credential_process.
    let mut env: Vec<(String, String)> = w.base_env();
    env.extend(
        w.vars
            .iter()
            .filter(|(k, _)| !k.starts_with("AWS_ACCESS") && !k.starts_with("AWS_SECRET"))
            .cloned(),
    );
    let extra: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (out, reqs) = w.recorded(|| {
        crate::harness::aws(
            &w.moto.url,
            w.home(),
            &extra,
            &["--profile", "prod-admin", "sts", "get-caller-identity"],
        )
    });
    assert_eq!(
        arn_of(&ok(&out)),
        "arn:aws:sts::999999999999:assumed-role/Admin/alice"
    );
    let assume = with_action(&reqs, "AssumeRole");
    assert_eq!(assume.len(), 1);
    assert_eq!(assume[0].params["TokenCode"], "246810");

    let script = w.home().join("call.js");
    std::fs::write(&script, NODE_CALL).unwrap();
    let node = Command::new("node")
        .arg(&script)
        .env_clear()
        .envs(extra.iter().copied())
        .env("AWS_PROFILE", "staging")
        .env("NODE_PATH", node_modules())
        .output()
        .unwrap();
    assert_eq!(
        ok(&node).trim(),
        "arn:aws:sts::888888888888:assumed-role/Dev/alice"
    );
}

#[test]
fn aws_config_creates_a_missing_file_private() {
    let mut w = World::new(PROFILES_VIA_AWS);
    let file = w.home().join("new/.aws/config");
    w.set("AWS_CONFIG_FILE", file.to_str().unwrap());
    ok(&w.run(&["aws-config", "--write"]));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("# >>> rolex managed profiles >>>\n"),
        "{text}"
    );
    assert!(
        text.ends_with("# <<< rolex managed profiles <<<\n"),
        "{text}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

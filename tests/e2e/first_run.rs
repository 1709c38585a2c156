//! A first run: a temporary HOME with no profile file, no secret store and
//! no AWS credentials. Every step says what is missing and what to do, in
//! rolex's words; asserted word for word.

use std::process::{Command, Output};

use crate::world::*;

const HINT: &str = "  hint: `rolex import` makes roles from the role profiles of ~/.aws/config, or create the file with:
            [roles.prod-admin]
            account = \"222222222222\"
            role = \"Admin\"
        then `rolex add NAME` keeps an IAM user's key for [sources.NAME] in the secret store
";

const NO_CREDENTIALS: &str = "no AWS credentials to start from: none in the environment, the AWS config files, a container or instance metadata";

struct FirstRun {
    home: tempfile::TempDir,
}

impl FirstRun {
    fn new() -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn config_path(&self) -> String {
        format!("{}/.config/rolex/config.toml", self.home.path().display())
    }

    /// rolex with nothing but HOME and PATH; instance metadata on a closed
    /// port, so the AWS default chain finds nothing anywhere.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(rolex())
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1")
            .env("AWS_MAX_ATTEMPTS", "1")
            .output()
            .unwrap()
    }

    #[track_caller]
    fn says(&self, args: &[&str], code: i32, stderr_text: &str) {
        let out = self.run(args);
        assert_eq!(
            (
                out.status.code(),
                stderr(&out).as_str(),
                stdout(&out).as_str()
            ),
            (Some(code), stderr_text, ""),
            "rolex {}",
            args.join(" ")
        );
    }
}

#[test]
fn commands_that_need_roles_name_the_missing_profile_file_and_what_to_do() {
    let f = FirstRun::new();
    let path = f.config_path();
    for (args, what) in [
        (&["list"][..], "no roles to list"),
        (&["list", "--json"][..], "no roles to list"),
        (&["switch"][..], "no roles to pick from"),
        (&["switch", "prod-admin"][..], "no role \"prod-admin\""),
        (
            &["exec", "prod-admin", "--", "true"][..],
            "no role \"prod-admin\"",
        ),
        (
            &["exec", "--", "true"][..],
            "no role named, and none to fall back on",
        ),
        (&["env"][..], "no role named, and none to fall back on"),
        (
            &["credential-process", "prod-admin"][..],
            "no role \"prod-admin\"",
        ),
    ] {
        f.says(
            args,
            2,
            &format!("rolex: no profile file at {path}: {what}\n{HINT}"),
        );
    }
}

#[test]
fn import_without_an_aws_config_file_says_what_to_do_instead() {
    let f = FirstRun::new();
    f.says(
        &["import"],
        1,
        &format!(
            "rolex: no AWS config file at {}/.aws/config: no role profiles to import
  hint: point AWS_CONFIG_FILE at yours, or write roles into the profile file yourself:
            [roles.prod-admin]
            account = \"222222222222\"
            role = \"Admin\"
",
            f.home.path().display()
        ),
    );
}

#[test]
fn a_role_arn_without_credentials_says_so_without_a_keyring_warning_first() {
    let f = FirstRun::new();
    f.says(
        &["exec", "arn:aws:iam::222222222222:role/Admin", "--", "true"],
        1,
        &format!("rolex: {NO_CREDENTIALS}\n  hint: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or add [sources.NAME] to the profile file and store its key with `rolex add NAME`\n"),
    );
}

#[test]
fn doctor_on_a_first_run_explains_in_rolex_words() {
    let f = FirstRun::new();
    let out = f.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let expected_start = format!(
        "profile file
  PROBLEM  no profile file at {}: no roles yet (role ARNs work, with the AWS default chain)
           fix: `rolex import` makes roles from the role profiles of ~/.aws/config, or create the file with:
                    [roles.prod-admin]
                    account = \"222222222222\"
                    role = \"Admin\"
                then `rolex add NAME` keeps an IAM user's key for [sources.NAME] in the secret store
secret store
  note     the OS keyring is not reachable: no Secret Service (such as gnome-keyring) on a D-Bus session (no source keeps its key there, so nothing needs it)
session cache
  ok       cached sessions live in the kernel keyring, never on disk
source default
",
        f.config_path()
    );
    assert!(text.starts_with(&expected_start), "{text}");
    assert!(
        text.contains(&format!(
            "
  PROBLEM  {NO_CREDENTIALS}
           fix: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or add [sources.NAME] to the profile file and store its key with `rolex add NAME`
"
        )),
        "{text}"
    );
    assert!(text.ends_with("2 problem(s) found\n"), "{text}");
    for raw in [
        "IMDS",
        "provider",
        "dispatch failure",
        "Ec2InstanceMetadata",
    ] {
        assert!(!text.contains(raw), "SDK text {raw:?} in:\n{text}");
    }
    assert_eq!(stderr(&out), "");
}

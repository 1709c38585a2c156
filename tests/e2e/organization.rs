//! `rolex import --organization` against moto's AWS Organizations.

use std::process::Command;

use crate::harness::venv;
use crate::world::*;

const PROFILE: &str = r#"# my roles, kept as they are
[sources.main]
from = "env"

[accounts]
staging = "444444444444"   # an alias of my own

[roles.keep-me]
account = "staging"
role = "Admin"
"#;

/// An organization of the caller (moto's default account) with `names`
/// as member accounts, made in one boto3 process; returns their ids.
fn organization(w: &World, names: &[&str]) -> Vec<String> {
    let script = r#"
import json, sys, boto3
org = boto3.client("organizations", region_name="us-east-1")
org.create_organization(FeatureSet="ALL")
ids = []
for name in sys.argv[1:]:
    s = org.create_account(AccountName=name, Email=name.replace(" ", "") + "@example.com")
    ids.append(s["CreateAccountStatus"]["AccountId"])
print(json.dumps(ids))
"#;
    let out = Command::new(venv().join("bin/python"))
        .arg("-c")
        .arg(script)
        .args(names)
        .env_clear()
        .env("AWS_ENDPOINT_URL", &w.moto.url)
        .env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .unwrap();
    serde_json::from_str(&ok(&out)).unwrap()
}

#[test]
fn import_organization_writes_aliases_and_roles_merging_with_the_file() {
    let w = World::new(PROFILE);
    let mut names = vec!["Prod EU", "prod eu", "Staging"];
    let many: Vec<String> = (0..45).map(|i| format!("Team {i:02}")).collect();
    names.extend(many.iter().map(String::as_str));
    let ids = organization(&w, &names);

    // Printed for review: nothing written.
    let before = std::fs::read_to_string(&w.config).unwrap();
    let (out, reqs) = w.recorded(|| w.run(&["import", "--organization"]));
    let printed = ok(&out);
    assert!(printed.contains("[roles.prod-eu-org-access]"), "{printed}");
    assert_eq!(std::fs::read_to_string(&w.config).unwrap(), before);
    // 48 member accounts and the management account: three pages of 20.
    let pages = reqs
        .iter()
        .filter(|r| {
            r.header("x-amz-target")
                .is_some_and(|t| t.ends_with("ListAccounts"))
        })
        .count();
    assert_eq!(pages, 3);

    let out = w.run(&["import", "--organization", "--write"]);
    ok(&out);
    let text = std::fs::read_to_string(&w.config).unwrap();
    // What was there is kept, comments included.
    assert!(
        text.starts_with(&before[..before.find("[accounts]").unwrap()]),
        "{text}"
    );
    assert!(text.contains("staging = \"444444444444\"   # an alias of my own"));
    let listed: serde_json::Value = serde_json::from_str(&ok(&w.run(&["list", "--json"]))).unwrap();
    let rows = listed.as_array().unwrap();
    // keep-me + one role per member account.
    assert_eq!(rows.len(), 1 + names.len(), "{listed}");
    let find = |name: &str| rows.iter().find(|r| r["name"] == name).cloned();
    let prod = find("prod-eu-org-access").unwrap();
    let (first, second) = if ids[0] < ids[1] {
        (&ids[0], &ids[1])
    } else {
        (&ids[1], &ids[0])
    };
    assert_eq!(prod["account"], first.as_str());
    assert_eq!(
        prod["role_arn"],
        format!("arn:aws:iam::{first}:role/OrganizationAccountAccessRole")
    );
    let tail = &second[8..];
    assert!(
        find(&format!("prod-eu-{tail}-org-access")).is_some(),
        "{listed}"
    );
    // The alias "staging" was taken by my own account: the new one got a suffix.
    assert!(
        stderr(&out).contains("alias staging is taken"),
        "{}",
        stderr(&out)
    );
    assert_eq!(find("keep-me").unwrap()["account"], "444444444444");

    // A rerun changes nothing.
    let after = std::fs::read_to_string(&w.config).unwrap();
    let out = w.run(&["import", "--organization", "--write"]);
    ok(&out);
    assert!(stderr(&out).contains("nothing new"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&w.config).unwrap(), after);

    // And an imported role works.
    let out = w.whoami(&["team-07-org-access"]);
    let team07 = &ids[3 + 7];
    assert_eq!(
        arn_of(&ok(&out)),
        format!("arn:aws:sts::{team07}:assumed-role/OrganizationAccountAccessRole/alice")
    );
}

#[test]
fn import_organization_refuses_a_result_that_would_not_load() {
    // Two sources and no default: the new roles would have none.
    let w = World::new("[sources.a]\nfrom = \"env\"\n[sources.b]\nfrom = \"env\"\n");
    organization(&w, &["Prod"]);
    let before = std::fs::read_to_string(&w.config).unwrap();
    let e = fails(&w.run(&["import", "--organization", "--write"]), 1);
    assert!(e.contains("would not load"), "{e}");
    assert!(e.contains("[defaults] source"), "{e}");
    assert_eq!(std::fs::read_to_string(&w.config).unwrap(), before);
}

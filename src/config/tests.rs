use super::values::{closest, is_region};
use super::*;

const GOOD: &str = r#"
[defaults]
source = "main"
region = "eu-west-1"
duration = "1h"
session_name = "{user}"
role = "prod-readonly"
cache_margin = "10m"

[sources.main]
mfa_serial = "arn:aws:iam::111111111111:mfa/alice"
mfa_session = "12h"

[sources.shell]
from = "env"

[sources.legacy]
from = "aws-profile:default"

[accounts]
prod = "222222222222"

[roles.prod-admin]
account = "prod"
role = "Admin"
source = "main"
duration = "2h"
region = "us-east-1"
external_id = "xyz"
source_identity = "{user}"
tags = { ticket = "{reason}" }
confirm = true
require_reason = true
color = "red"
description = "Production administrator"

[roles.prod-readonly]
role = "arn:aws:iam::222222222222:role/team/ReadOnly"

[roles.chained]
account = "333333333333"
role = "Deep"
via = "prod-admin"
"#;

fn err(text: &str) -> String {
    parse("/p/config.toml", text).unwrap_err().message
}

#[test]
fn reads_every_key() {
    let c = parse("/p/config.toml", GOOD).unwrap();
    let admin = &c.roles["prod-admin"];
    assert_eq!(admin.arn, "arn:aws:iam::222222222222:role/Admin");
    assert_eq!(admin.account_alias.as_deref(), Some("prod"));
    assert_eq!(admin.duration, 7200);
    assert!(admin.mfa && admin.confirm && admin.require_reason);
    assert_eq!(admin.tags["ticket"], "{reason}");
    let ro = &c.roles["prod-readonly"];
    assert_eq!(ro.account, "222222222222");
    assert_eq!(ro.source, "main");
    assert_eq!(ro.region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        c.sources["legacy"].kind,
        SourceKind::AwsProfile("default".into())
    );
    assert_eq!(c.sources["main"].mfa_session, Some(43200));
    assert_eq!(c.roles["chained"].via.as_deref(), Some("prod-admin"));
    assert_eq!(c.defaults.cache_margin, 600);
}

#[test]
fn errors_name_line_and_column() {
    let e = err("[roles.x]\naccount = \"12345\"\nrole = \"A\"\n");
    assert!(e.starts_with("/p/config.toml:2:11: "), "{e}");
    assert!(e.contains("not a 12-digit"), "{e}");
}

#[test]
fn each_mistake_is_an_error() {
    assert!(err("[roles.x]\nacount = \"1\"\nrole = \"A\"\n").contains("unknown field `acount`"));
    assert!(
        err("[roles.x]\naccount = \"prd\"\nrole = \"A\"\n[accounts]\nprod = \"222222222222\"\n")
            .contains("did you mean \"prod\"")
    );
    assert!(
        err("[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nduration = \"13h\"\n")
            .contains("out of range")
    );
    assert!(
        err("[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nduration = \"10m\"\n")
            .contains("out of range")
    );
    assert!(err("[roles.a]\naccount = \"222222222222\"\nrole = \"A\"\nvia = \"b\"\n[roles.b]\naccount = \"222222222222\"\nrole = \"B\"\nvia = \"a\"\n").contains("loop"));
    assert!(err("[sources.a]\n[sources.b]\n[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nsource = \"c\"\n").contains("unknown source \"c\""));
    assert!(
        err("[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nsession_name = \"a b {user}\"\n")
            .contains("RoleSessionName")
    );
    assert!(
        err("[roles.x]\naccount = \"222222222222\"\nrole = \"A\"\nsession_name = \"{login}\"\n")
            .contains("unknown placeholder")
    );
    assert!(err("[sources.a]\nfrom = \"envv\"\n").contains("unknown source kind"));
    assert!(err("[accounts]\nprod = \"2222\"\n").contains("12-digit"));
    assert!(err("this is not toml").starts_with("/p/config.toml:1:"));
}

#[test]
fn role_arns_are_understood() {
    assert_eq!(
        parse_role_arn("arn:aws:iam::123456789012:role/a/b/C"),
        Some(("123456789012".into(), "C".into()))
    );
    assert_eq!(parse_role_arn("arn:aws:iam::12345:role/C"), None);
    assert_eq!(parse_role_arn("arn:aws:iam::123456789012:user/C"), None);
}

#[test]
fn suggestions() {
    let known = ["prod-admin".to_string(), "staging-admin".to_string()];
    assert_eq!(
        closest("prod-amdin", known.iter().map(|s| s.as_str())),
        Some("prod-admin")
    );
    assert_eq!(closest("zzz", known.iter().map(|s| s.as_str())), None);
}

#[test]
fn region_names_have_the_aws_shape() {
    for good in [
        "eu-west-1",
        "us-east-1",
        "eu-central-2",
        "us-gov-west-1",
        "cn-north-1",
        "cn-northwest-1",
        "us-isob-east-1",
        "ap-southeast-5",
        "eusc-de-east-1",
    ] {
        assert!(is_region(good), "{good}");
    }
    for bad in [
        "",
        "eu west",
        "eu-west",
        "eu-west-",
        "-west-1",
        "EU-WEST-1",
        "eu-west-1a",
        "eu--1",
        "eu-west-1\n",
        "e-west-1",
        "eu-west-123",
        "local",
        "eu-west-1;rm",
    ] {
        assert!(!is_region(bad), "{bad:?}");
    }
}

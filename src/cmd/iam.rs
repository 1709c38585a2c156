//! `rolex iam`: the AWS side of cross-account roles: a trust policy naming
//! the identity account and requiring MFA, the role itself, and the
//! permission for a user or group to assume it.

use serde_json::json;

use super::Ctx;
use crate::cli::{IamCommand, Trust};
use crate::config::parse_role_arn;
use crate::error::usage;

/// The actions rolex's AssumeRole needs: tags and SourceIdentity are sent
/// when the profile file asks for them.
const ACTIONS: [&str; 3] = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];

fn trust_policy(t: &Trust) -> Result<serde_json::Value, crate::error::UserError> {
    if t.account.len() != 12 || !t.account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(usage(format!(
            "--account {:?} is not a 12-digit AWS account id",
            t.account
        )));
    }
    let mut condition = serde_json::Map::new();
    if !t.no_mfa {
        condition.insert(
            "Bool".into(),
            json!({ "aws:MultiFactorAuthPresent": "true" }),
        );
    }
    if let Some(x) = &t.external_id {
        condition.insert("StringEquals".into(), json!({ "sts:ExternalId": x }));
    }
    let mut statement = json!({
        "Sid": "RolexCrossAccount",
        "Effect": "Allow",
        "Principal": { "AWS": format!("arn:aws:iam::{}:root", t.account) },
        "Action": ACTIONS,
    });
    if !condition.is_empty() {
        statement["Condition"] = serde_json::Value::Object(condition);
    }
    Ok(json!({ "Version": "2012-10-17", "Statement": [statement] }))
}

pub fn iam(ctx: &Ctx, cmd: IamCommand) -> anyhow::Result<i32> {
    let region = ctx
        .common
        .region
        .clone()
        .or(ctx.env.non_empty("AWS_REGION").map(str::to_string))
        .unwrap_or_else(|| "us-east-1".into());
    match cmd {
        IamCommand::TrustPolicy { trust } => {
            outln!("{}", serde_json::to_string_pretty(&trust_policy(&trust)?)?);
            Ok(0)
        }
        IamCommand::CreateRole {
            name,
            trust,
            policy_arns,
            max_duration,
            description,
            ..
        } => {
            let role = NewRole {
                name: &name,
                trust: &trust,
                policy_arns: &policy_arns,
                max_duration: &max_duration,
                description: description.as_deref(),
            };
            create_role(ctx, &region, role)
        }
        IamCommand::Grant {
            role_arn,
            user,
            group,
            policy_name,
            ..
        } => {
            let principal = match (user, group) {
                (Some(u), _) => Principal::User(u),
                (None, Some(g)) => Principal::Group(g),
                (None, None) => Principal::Missing,
            };
            grant(ctx, &region, &role_arn, principal, policy_name)
        }
    }
}

/// What `rolex iam create-role` was asked to make.
struct NewRole<'a> {
    name: &'a str,
    trust: &'a Trust,
    policy_arns: &'a [String],
    max_duration: &'a str,
    description: Option<&'a str>,
}

/// `rolex iam create-role`: the role with rolex's trust policy and the
/// managed policies asked for; prints the profile-file entry.
fn create_role(ctx: &Ctx, region: &str, r: NewRole) -> anyhow::Result<i32> {
    let policy = trust_policy(r.trust)?;
    let max = crate::config::role_duration(r.max_duration)
        .map_err(|m| usage(format!("--max-duration: {m}")))?;
    let max = max.max(3600); // IAM's MaxSessionDuration starts at 1h
    let sessions = ctx.sessions()?;
    let aws = sessions.client(region)?;
    let creds = aws.default_chain_credentials()?;
    let arn = aws.create_role(&creds, r.name, &policy.to_string(), max, r.description)?;
    let role_name = r.name.rsplit('/').next().unwrap_or(r.name);
    for p in r.policy_arns {
        aws.attach_role_policy(&creds, role_name, p)?;
    }
    eprintln!(
        "rolex: created {arn}: users of account {} may assume it{} for up to {}",
        r.trust.account,
        if r.trust.no_mfa { "" } else { " with MFA" },
        crate::session::format_left(max.into())
    );
    outln!("[roles.{role_name}]\nrole = \"{arn}\"");
    Ok(0)
}

/// Who `rolex iam grant` gives the role to.
enum Principal {
    User(String),
    Group(String),
    Missing,
}

/// `rolex iam grant`: an inline policy letting a user or group assume the role.
fn grant(
    ctx: &Ctx,
    region: &str,
    role_arn: &str,
    principal: Principal,
    policy_name: Option<String>,
) -> anyhow::Result<i32> {
    let Some((account, role)) = parse_role_arn(role_arn) else {
        return Err(usage(format!(
            "{role_arn:?} is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)"
        ))
        .into());
    };
    let document = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "RolexAssume",
            "Effect": "Allow",
            "Action": ACTIONS,
            "Resource": role_arn,
        }]
    });
    let name = policy_name.unwrap_or_else(|| format!("rolex-assume-{account}-{role}"));
    let (principal, is_group) = match &principal {
        Principal::User(u) => (u.as_str(), false),
        Principal::Group(g) => (g.as_str(), true),
        Principal::Missing => return Err(usage("name --user or --group").into()),
    };
    let sessions = ctx.sessions()?;
    let aws = sessions.client(region)?;
    let creds = aws.default_chain_credentials()?;
    aws.put_policy(&creds, principal, is_group, &name, &document.to_string())?;
    eprintln!(
        "rolex: {} {principal} may now assume {role_arn} (inline policy {name}); the role's trust policy decides whether MFA is needed",
        if is_group { "group" } else { "user" }
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_policies_require_mfa_unless_told_not_to() {
        let t = Trust {
            account: "111111111111".into(),
            no_mfa: false,
            external_id: Some("x".into()),
        };
        let p = trust_policy(&t).unwrap();
        assert_eq!(
            p["Statement"][0]["Principal"]["AWS"],
            "arn:aws:iam::111111111111:root"
        );
        assert_eq!(
            p["Statement"][0]["Condition"]["Bool"]["aws:MultiFactorAuthPresent"],
            "true"
        );
        assert_eq!(
            p["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
            "x"
        );
        let open = trust_policy(&Trust {
            no_mfa: true,
            external_id: None,
            ..t.clone()
        })
        .unwrap();
        assert!(open["Statement"][0].get("Condition").is_none());
        assert!(
            trust_policy(&Trust {
                account: "12".into(),
                ..t
            })
            .is_err()
        );
    }
}

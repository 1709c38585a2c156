//! IAM and Organizations calls: the AWS side of `rolex iam`, `add`,
//! `rotate`, `doctor` and `import --organization`.

use super::{Aws, Credentials, sdk_error};
use crate::error::{UserError, failed};

impl Aws {
    /// IAM CreateRole; returns the role's ARN.
    pub fn create_role(
        &self,
        creds: &Credentials,
        name: &str,
        trust: &str,
        max_duration: u32,
        description: Option<&str>,
    ) -> Result<String, UserError> {
        let (path, role_name) = match name.rsplit_once('/') {
            Some((p, n)) => (format!("/{}/", p.trim_matches('/')), n.to_string()),
            None => ("/".to_string(), name.to_string()),
        };
        let out = self
            .runtime
            .block_on(
                self.iam(creds)
                    .create_role()
                    .role_name(role_name)
                    .path(path)
                    .assume_role_policy_document(trust)
                    .max_session_duration(max_duration as i32)
                    .set_description(description.map(str::to_string))
                    .send(),
            )
            .map_err(|e| sdk_error("IAM CreateRole", &e))?;
        Ok(out.role().map(|r| r.arn().to_string()).unwrap_or_default())
    }

    pub fn attach_role_policy(
        &self,
        creds: &Credentials,
        role: &str,
        policy_arn: &str,
    ) -> Result<(), UserError> {
        self.runtime
            .block_on(
                self.iam(creds)
                    .attach_role_policy()
                    .role_name(role)
                    .policy_arn(policy_arn)
                    .send(),
            )
            .map_err(|e| sdk_error(&format!("IAM AttachRolePolicy of {policy_arn}"), &e))?;
        Ok(())
    }

    /// An inline policy on a user (`group` false) or a group.
    pub fn put_policy(
        &self,
        creds: &Credentials,
        principal: &str,
        group: bool,
        name: &str,
        document: &str,
    ) -> Result<(), UserError> {
        let iam = self.iam(creds);
        if group {
            self.runtime
                .block_on(
                    iam.put_group_policy()
                        .group_name(principal)
                        .policy_name(name)
                        .policy_document(document)
                        .send(),
                )
                .map(|_| ())
                .map_err(|e| sdk_error("IAM PutGroupPolicy", &e))
        } else {
            self.runtime
                .block_on(
                    iam.put_user_policy()
                        .user_name(principal)
                        .policy_name(name)
                        .policy_document(document)
                        .send(),
                )
                .map(|_| ())
                .map_err(|e| sdk_error("IAM PutUserPolicy", &e))
        }
    }

    pub fn get_user_name(&self, creds: &Credentials) -> Result<String, UserError> {
        let out = self
            .runtime
            .block_on(self.iam(creds).get_user().send())
            .map_err(|e| sdk_error("IAM GetUser", &e))?;
        Ok(out
            .user()
            .map(|u| u.user_name().to_string())
            .unwrap_or_default())
    }

    pub fn list_mfa_devices(
        &self,
        creds: &Credentials,
        user: &str,
    ) -> Result<Vec<String>, UserError> {
        let out = self
            .runtime
            .block_on(self.iam(creds).list_mfa_devices().user_name(user).send())
            .map_err(|e| sdk_error("IAM ListMFADevices", &e))?;
        Ok(out
            .mfa_devices()
            .iter()
            .map(|d| d.serial_number().to_string())
            .collect())
    }

    pub fn list_access_keys(
        &self,
        creds: &Credentials,
        user: &str,
    ) -> Result<Vec<String>, UserError> {
        let out = self
            .runtime
            .block_on(self.iam(creds).list_access_keys().user_name(user).send())
            .map_err(|e| sdk_error("IAM ListAccessKeys", &e))?;
        Ok(out
            .access_key_metadata()
            .iter()
            .filter_map(|k| k.access_key_id().map(str::to_string))
            .collect())
    }

    pub fn create_access_key(
        &self,
        creds: &Credentials,
        user: &str,
    ) -> Result<Credentials, UserError> {
        let out = self
            .runtime
            .block_on(self.iam(creds).create_access_key().user_name(user).send())
            .map_err(|e| sdk_error("IAM CreateAccessKey", &e))?;
        let key = out
            .access_key()
            .ok_or_else(|| failed("IAM CreateAccessKey returned no key"))?;
        Ok(Credentials {
            access_key_id: key.access_key_id().to_string(),
            secret_access_key: key.secret_access_key().to_string(),
            session_token: None,
            expiration: None,
        })
    }

    pub fn delete_access_key(
        &self,
        creds: &Credentials,
        user: &str,
        key_id: &str,
    ) -> Result<(), UserError> {
        self.runtime
            .block_on(
                self.iam(creds)
                    .delete_access_key()
                    .user_name(user)
                    .access_key_id(key_id)
                    .send(),
            )
            .map_err(|e| sdk_error("IAM DeleteAccessKey", &e))?;
        Ok(())
    }
}

/// An account of an AWS Organization.
#[derive(Debug, Clone)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    pub active: bool,
}

impl Aws {
    /// Every account of the caller's organization (Organizations
    /// ListAccounts, all pages), and the management account's id.
    pub fn organization_accounts(
        &self,
        creds: &Credentials,
    ) -> Result<(Vec<OrgAccount>, String), UserError> {
        let conf = self.runtime.block_on(self.sdk_config(Some(creds)));
        let org = aws_sdk_organizations::Client::new(&conf);
        let described = self
            .runtime
            .block_on(org.describe_organization().send())
            .map_err(|e| sdk_error("Organizations DescribeOrganization", &e))?;
        let management = described
            .organization()
            .and_then(|o| o.master_account_id())
            .unwrap_or_default()
            .to_string();
        let mut accounts = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .runtime
                .block_on(
                    org.list_accounts()
                        .max_results(20)
                        .set_next_token(token.take())
                        .send(),
                )
                .map_err(|e| sdk_error("Organizations ListAccounts", &e))?;
            accounts.extend(page.accounts().iter().map(|a| {
                OrgAccount {
                    id: a.id().unwrap_or_default().to_string(),
                    name: a.name().unwrap_or_default().to_string(),
                    active: a
                        .state()
                        .map(|s| s.as_str() == "ACTIVE")
                        .or_else(|| a.status().map(|s| s.as_str() == "ACTIVE"))
                        .unwrap_or(true),
                }
            }));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok((accounts, management))
    }
}

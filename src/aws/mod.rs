//! The only module that touches the AWS SDK. Everything else speaks rolex's
//! own types: [`Credentials`], [`Identity`], [`AssumeRole`].

mod credentials;
mod iam;

pub use credentials::Credentials;

pub use iam::OrgAccount;

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::types::Tag;
use serde::Serialize;

use crate::error::{UserError, failed};

/// Who a set of credentials is (STS GetCallerIdentity).
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// One AssumeRole request, in rolex's words.
#[derive(Debug, Clone)]
pub struct AssumeRole<'a> {
    pub arn: &'a str,
    pub session_name: &'a str,
    pub duration: u32,
    pub external_id: Option<&'a str>,
    pub source_identity: Option<&'a str>,
    pub tags: Vec<(&'a str, &'a str)>,
    pub mfa: Option<(&'a str, &'a str)>,
}

/// The STS operations rolex needs, so session logic can be tested with a fake.
pub trait Sts {
    fn get_session_token(
        &self,
        creds: &Credentials,
        duration: u32,
        mfa: Option<(&str, &str)>,
    ) -> Result<Credentials, UserError>;
    fn assume_role(
        &self,
        creds: &Credentials,
        req: &AssumeRole<'_>,
    ) -> Result<Credentials, UserError>;
    fn get_caller_identity(&self, creds: &Credentials) -> Result<Identity, UserError>;
}

/// The AWS SDK with a small runtime of its own; created only by commands that
/// talk to AWS.
pub struct Aws {
    runtime: tokio::runtime::Runtime,
    region: String,
}

impl Aws {
    pub fn new(region: &str) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self {
            runtime,
            region: region.to_string(),
        })
    }

    async fn sdk_config(&self, creds: Option<&Credentials>) -> aws_config::SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(aws_config::Region::new(self.region.clone()))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(20))
                    .build(),
            );
        if let Some(c) = creds {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                c.access_key_id.clone(),
                c.secret_access_key.clone(),
                c.session_token.clone(),
                None,
                "rolex",
            ));
        } else {
            loader = loader.no_credentials();
        }
        loader.load().await
    }

    fn sts(&self, creds: &Credentials) -> aws_sdk_sts::Client {
        let config = self.runtime.block_on(self.sdk_config(Some(creds)));
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&config)
                .interceptor(ResponseLimit)
                .build(),
        )
    }

    fn iam(&self, creds: &Credentials) -> aws_sdk_iam::Client {
        let config = self.runtime.block_on(self.sdk_config(Some(creds)));
        aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::config::Builder::from(&config)
                .interceptor(ResponseLimit)
                .build(),
        )
    }

    /// Credentials of a profile in the AWS shared config/credentials files.
    pub fn profile_credentials(&self, profile: &str) -> Result<Credentials, UserError> {
        let provider = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(profile)
            .build();
        self.runtime.block_on(provider.provide_credentials()).map(from_sdk_credentials).map_err(|e| {
            let chain = error_chain(&e);
            if let Some(sso) = sso_profile(profile, &chain) {
                return sso;
            }
            failed(format!("cannot get credentials from AWS profile {profile:?}: {chain}"))
                .hint("check ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE/AWS_SHARED_CREDENTIALS_FILE)")
        })
    }

    /// Credentials from the AWS default chain of this process's environment.
    pub fn default_chain_credentials(&self) -> Result<Credentials, UserError> {
        let result = self.runtime.block_on(async {
            let chain =
                aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                    .region(aws_config::Region::new(self.region.clone()))
                    .build()
                    .await;
            chain.provide_credentials().await
        });
        result.map(from_sdk_credentials).map_err(|e| {
            use aws_credential_types::provider::error::CredentialsError;
            // Nothing found anywhere: say so in rolex's words, not the
            // chain's list of every provider it tried (IMDS included).
            // The chain ends with instance metadata (IMDS), so its failure
            // is what the SDK reports even on a laptop with no keys at all.
            let detail = error_chain(&e);
            let why = if matches!(e, CredentialsError::CredentialsNotLoaded(_))
                || detail.contains("IMDS")
            {
                "none in the environment, the AWS config files, a container or instance metadata".to_string()
            } else {
                detail
            };
            failed(format!("no AWS credentials to start from: {why}"))
                .hint("set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or add [sources.NAME] to the profile file and store its key with `rolex add NAME`")
        })
    }

    /// The default chain without its environment-variable step, for use
    /// inside a role, where this process's AWS_* variables are the role's:
    /// the profile from before the switch, web identity, ECS, then IMDS.
    pub fn chain_without_env(&self, profile: &str) -> Result<Credentials, UserError> {
        use aws_config::meta::credentials::CredentialsProviderChain;
        let result = self.runtime.block_on(async {
            let chain = CredentialsProviderChain::first_try(
                "Profile",
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .profile_name(profile)
                    .build(),
            )
            .or_else(
                "WebIdentityToken",
                aws_config::web_identity_token::WebIdentityTokenCredentialsProvider::builder()
                    .build(),
            )
            .or_else(
                "EcsContainer",
                aws_config::ecs::EcsCredentialsProvider::builder().build(),
            )
            .or_else(
                "Ec2InstanceMetadata",
                aws_config::imds::credentials::ImdsCredentialsProvider::builder().build(),
            );
            chain.provide_credentials().await
        });
        result.map(from_sdk_credentials).map_err(|e| {
            failed(format!(
                "no AWS credentials from before the role: {}",
                error_chain(&e)
            ))
            .hint("use a source with its own keys (rolex add, from = \"aws-profile:NAME\")")
        })
    }
}

impl Sts for Aws {
    fn get_session_token(
        &self,
        creds: &Credentials,
        duration: u32,
        mfa: Option<(&str, &str)>,
    ) -> Result<Credentials, UserError> {
        let mut req = self
            .sts(creds)
            .get_session_token()
            .duration_seconds(duration as i32);
        if let Some((serial, code)) = mfa {
            req = req.serial_number(serial).token_code(code);
        }
        let out = self
            .runtime
            .block_on(req.send())
            .map_err(|e| sdk_error("STS GetSessionToken", &e))?;
        out.credentials()
            .map(from_sts_credentials)
            .ok_or_else(|| failed("STS GetSessionToken returned no credentials"))
    }

    fn assume_role(
        &self,
        creds: &Credentials,
        r: &AssumeRole<'_>,
    ) -> Result<Credentials, UserError> {
        let mut req = self
            .sts(creds)
            .assume_role()
            .role_arn(r.arn)
            .role_session_name(r.session_name)
            .duration_seconds(r.duration as i32)
            .set_external_id(r.external_id.map(str::to_string))
            .set_source_identity(r.source_identity.map(str::to_string));
        for (k, v) in &r.tags {
            req = req.tags(
                Tag::builder()
                    .key(*k)
                    .value(*v)
                    .build()
                    .expect("key and value are set"),
            );
        }
        if let Some((serial, code)) = r.mfa {
            req = req.serial_number(serial).token_code(code);
        }
        let out = self
            .runtime
            .block_on(req.send())
            .map_err(|e| sdk_error(&format!("STS AssumeRole of {}", r.arn), &e))?;
        out.credentials()
            .map(from_sts_credentials)
            .ok_or_else(|| failed("STS AssumeRole returned no credentials"))
    }

    fn get_caller_identity(&self, creds: &Credentials) -> Result<Identity, UserError> {
        let out = self
            .runtime
            .block_on(self.sts(creds).get_caller_identity().send())
            .map_err(|e| sdk_error("STS GetCallerIdentity", &e))?;
        Ok(Identity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
            user_id: out.user_id().unwrap_or_default().to_string(),
        })
    }
}

/// The largest STS/IAM response body rolex reads: real ones are a few KiB;
/// an endless body must not grow rolex without bound.
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// Caps every response body at [`MAX_RESPONSE_BYTES`] before the SDK reads it.
#[derive(Debug)]
struct ResponseLimit;

impl aws_sdk_sts::config::Intercept for ResponseLimit {
    fn name(&self) -> &'static str {
        "rolex::ResponseLimit"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut aws_sdk_sts::config::interceptors::BeforeDeserializationInterceptorContextMut<
            '_,
        >,
        _: &aws_sdk_sts::config::RuntimeComponents,
        _: &mut aws_sdk_sts::config::ConfigBag,
    ) -> Result<(), aws_sdk_sts::error::BoxError> {
        use aws_smithy_types::body::SdkBody;
        let body = std::mem::replace(context.response_mut().body_mut(), SdkBody::taken());
        *context.response_mut().body_mut() =
            SdkBody::from_body_1_x(http_body_util::Limited::new(body, MAX_RESPONSE_BYTES));
        Ok(())
    }
}

fn from_sts_credentials(c: &aws_sdk_sts::types::Credentials) -> Credentials {
    Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: c.secret_access_key().to_string(),
        session_token: Some(c.session_token().to_string()),
        expiration: c
            .expiration()
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .ok(),
    }
}

fn from_sdk_credentials(c: aws_credential_types::Credentials) -> Credentials {
    Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: c.secret_access_key().to_string(),
        session_token: c.session_token().map(str::to_string),
        expiration: c.expiry().and_then(|t| {
            aws_smithy_types::DateTime::from(t)
                .fmt(aws_smithy_types::date_time::Format::DateTime)
                .ok()
        }),
    }
}

/// rolex is built without the SDK's IAM Identity Center (SSO) support: a
/// source that is an SSO profile gets rolex's words, not the SDK's about
/// cargo features.
fn sso_profile(profile: &str, chain: &str) -> Option<UserError> {
    chain.contains("feature(s) enabled: sso").then(|| {
        failed(format!(
            "AWS profile {profile:?} signs in with IAM Identity Center (SSO), which rolex does not use as a source"
        ))
        .hint("rolex starts from an IAM user's keys (rolex add NAME, from = \"env\", or a profile with keys); for SSO roles use the AWS CLI's own SSO profiles")
    })
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// Turns an SDK error into one clear line and a hint. Never includes request
/// parameters (they can hold an MFA code or tags with secrets).
fn sdk_error<E>(what: &str, err: &SdkError<E, HttpResponse>) -> UserError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    match err {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            let code = err.code().unwrap_or("");
            let message = err.message().unwrap_or("").trim();
            let detail = if message.is_empty() {
                code.to_string()
            } else {
                format!("{code}: {message}")
            };
            let lower = message.to_ascii_lowercase();
            if lower.contains("multifactorauthentication")
                || lower.contains("mfa") && code == "AccessDenied"
            {
                return failed(format!(
                    "{what} failed: wrong or already used MFA code ({detail})"
                ))
                .hint("wait for the next code from your MFA device and try again");
            }
            match code {
                "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => failed(format!("{what} failed: the credentials used have expired ({detail})"))
                    .hint("run `rolex clear` and switch again; check the machine's clock if it keeps happening"),
                "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => failed(format!("{what} was denied ({detail})"))
                    .hint("check the role's trust policy and that your user may sts:AssumeRole it (with MFA if the policy asks)"),
                "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException" => {
                    failed(format!("{what} failed: the access key is not valid ({detail})"))
                        .hint("store a working key: rolex add SOURCE")
                }
                "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => failed(format!("{what} was throttled by AWS ({detail})"))
                    .hint("wait a moment and try again"),
                // Some endpoints (moto's auth layer, proxies) answer 403 with
                // a body the SDK cannot read.
                "" if status == Some(403) => failed(format!("{what} was denied (HTTP 403)"))
                    .hint("check the role's trust policy and that your user may sts:AssumeRole it (with MFA if the policy asks)"),
                // Not an AWS error document (a proxy's HTML page, a load
                // balancer): the HTTP status is what says something.
                "" => match status {
                    Some(s) => failed(format!(
                        "{what} failed: the endpoint answered HTTP {s} without an AWS error ({})",
                        error_chain(err)
                    ))
                    .hint("check the network, a proxy, and AWS_ENDPOINT_URL if you set it"),
                    None => failed(format!("{what} failed: {}", error_chain(err))),
                },
                _ => failed(format!("{what} failed: {detail}")),
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => failed(format!(
            "{what} failed: cannot reach AWS ({})",
            error_chain(err)
        ))
        .hint("check the network (and AWS_ENDPOINT_URL if you set it)"),
        _ => failed(format!("{what} failed: {}", error_chain(err))),
    }
}

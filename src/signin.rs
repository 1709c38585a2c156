//! AWS console sign-in through the federation endpoint (IAM User Guide,
//! "Enable custom identity broker access to the AWS console"): the URLs,
//! which are pure, and the one HTTP call, `getSigninToken`.
//!
//! Every URL built here but the destination carries a secret (the role
//! session's keys or the sign-in token): none of them goes into an error.

use std::time::Duration;

use crate::aws::Credentials;
use crate::error::{UserError, failed, usage};

/// How long the getSigninToken call may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The answer is a small JSON object; more than this is not the federation endpoint.
const MAX_ANSWER: usize = 64 * 1024;
/// `Issuer` of the login URL: who signed the operator in.
const ISSUER: &str = "rolex";
/// The console session lengths AWS accepts in `SessionDuration`.
pub const SESSION_DURATION: std::ops::RangeInclusive<u32> = 900..=43200;

/// The sign-in and console hosts of an AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub name: &'static str,
    pub signin: &'static str,
    pub console: &'static str,
}

const PARTITIONS: &[Partition] = &[
    Partition {
        name: "aws",
        signin: "signin.aws.amazon.com",
        console: "console.aws.amazon.com",
    },
    Partition {
        name: "aws-us-gov",
        signin: "signin.amazonaws-us-gov.com",
        console: "console.amazonaws-us-gov.com",
    },
    Partition {
        name: "aws-cn",
        signin: "signin.amazonaws.cn",
        console: "console.amazonaws.cn",
    },
];

/// The partition of a role ARN (`arn:PARTITION:iam::ACCOUNT:role/NAME`), if
/// rolex knows its hosts.
pub fn partition(role_arn: &str) -> Option<Partition> {
    let name = role_arn.split(':').nth(1).unwrap_or("");
    PARTITIONS.iter().find(|p| p.name == name).copied()
}

/// Where the sign-in endpoint and the console are, without a trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub signin: String,
    pub console: String,
}

impl Endpoints {
    /// The hosts of the role's partition, or `ROLEX_SIGNIN_URL` /
    /// `ROLEX_CONSOLE_URL` (which also serve partitions rolex does not know).
    pub fn for_role(
        role_arn: &str,
        signin: Option<&str>,
        console: Option<&str>,
    ) -> Result<Self, UserError> {
        let known = partition(role_arn);
        let unknown = || {
            let name = role_arn.split(':').nth(1).unwrap_or("");
            failed(format!(
                "rolex does not know the console sign-in host of AWS partition {name:?} ({role_arn})"
            ))
            .hint("set ROLEX_SIGNIN_URL and ROLEX_CONSOLE_URL to that partition's sign-in and console URLs")
        };
        Ok(Self {
            signin: match (signin, known) {
                (Some(v), _) => base_url("ROLEX_SIGNIN_URL", v)?,
                (None, Some(p)) => format!("https://{}", p.signin),
                (None, None) => return Err(unknown()),
            },
            console: match (console, known) {
                (Some(v), _) => base_url("ROLEX_CONSOLE_URL", v)?,
                (None, Some(p)) => format!("https://{}", p.console),
                (None, None) => return Err(unknown()),
            },
        })
    }
}

/// `scheme://host[:port][/path]` of an override: https, or http on the
/// loopback interface only (tests, a local proxy), with no query.
fn base_url(var: &str, value: &str) -> Result<String, UserError> {
    let bad = |why: &str| {
        usage(format!("{var}={value:?}: {why}"))
            .hint("for example https://signin.aws.amazon.com, or http://127.0.0.1:PORT for a local stand-in")
    };
    let (scheme, rest) = value.split_once("://").ok_or_else(|| bad("not a URL"))?;
    let host = host_of(rest);
    if host.is_empty() {
        return Err(bad("no host"));
    }
    if value.contains(['?', '#']) || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("a base URL has no query, fragment or spaces"));
    }
    // `http://127.0.0.1:1@elsewhere` would send the keys to `elsewhere`.
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains(['@', '\\', '%']) {
        return Err(bad(
            "a base URL has no user name, password, backslash or escapes in its host",
        ));
    }
    match scheme {
        "https" => {}
        "http" if matches!(host, "127.0.0.1" | "localhost" | "[::1]") => {}
        "http" => {
            return Err(bad(
                "http:// is allowed for 127.0.0.1 only: the URLs carry secrets",
            ));
        }
        _ => return Err(bad("use https://")),
    }
    Ok(value.trim_end_matches('/').to_string())
}

/// The host of `host[:port][/path]` (IPv6 literals keep their brackets).
fn host_of(rest: &str) -> &str {
    let authority = rest.split('/').next().unwrap_or("");
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

/// Which console page to land on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// The console home of the region.
    Home,
    /// A service's console (`ec2`, `s3`, `cloudwatch`...).
    Service(&'a str),
    /// Any URL under the console.
    Url(&'a str),
}

/// The `Destination` of the login URL.
pub fn destination(console: &str, region: &str, target: Target) -> Result<String, UserError> {
    let region = encode(region);
    match target {
        Target::Home => Ok(format!("{console}/console/home?region={region}")),
        Target::Service(s) => {
            let ok = !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return Err(usage(format!(
                    "--service {s:?}: a service is a console path name such as ec2, s3 or cloudwatch"
                ))
                .hint("or give the page with --destination URL"));
            }
            Ok(format!("{console}/{s}/home?region={region}"))
        }
        Target::Url(url) => {
            if under(console, url) {
                Ok(url.to_string())
            } else {
                Err(usage(format!(
                    "--destination {url:?} is not a page of the console {console}"
                ))
                .hint(format!(
                    "give a URL starting with {console}/ (or a region's console host)"
                )))
            }
        }
    }
}

/// Whether `url` is on the console: its scheme, and its host or a subdomain
/// of it (regional consoles such as eu-west-1.console.aws.amazon.com).
fn under(console: &str, url: &str) -> bool {
    let (Some((scheme, base)), Some((url_scheme, rest))) =
        (console.split_once("://"), url.split_once("://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let base_authority = base.split('/').next().unwrap_or("");
    let path = &rest[authority.len()..];
    let base_path = &base[base_authority.len()..];
    scheme == url_scheme
        && !authority.contains(['@', '\\', '%'])
        && (authority == base_authority || authority.ends_with(&format!(".{base_authority}")))
        && path.starts_with(base_path)
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The `Session` parameter: the role session's keys as JSON.
pub fn session_json(c: &Credentials) -> Result<String, UserError> {
    let token = c.session_token.as_deref().ok_or_else(|| {
        failed("the role session has no session token, so the console cannot use it")
    })?;
    Ok(serde_json::json!({
        "sessionId": c.access_key_id,
        "sessionKey": c.secret_access_key,
        "sessionToken": token,
    })
    .to_string())
}

/// The getSigninToken request, with `SessionDuration` only when given.
pub fn token_request_url(signin: &str, session_json: &str, duration: Option<u32>) -> String {
    let duration = duration.map_or(String::new(), |d| format!("&SessionDuration={d}"));
    format!(
        "{signin}/federation?Action=getSigninToken{duration}&Session={}",
        encode(session_json)
    )
}

/// The login URL that signs the browser in and sends it to `destination`.
pub fn login_url(signin: &str, destination: &str, token: &str) -> String {
    format!(
        "{signin}/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
        encode(ISSUER),
        encode(destination),
        encode(token)
    )
}

/// The console's sign-out, which then sends the browser on to `next`.
pub fn logout_url(signin: &str, next: &str) -> String {
    format!("{signin}/oauth?Action=logout&redirect_uri={}", encode(next))
}

/// Percent-encoding for a query value: everything but RFC 3986's unreserved
/// characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why getSigninToken gave no token.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    /// The endpoint answered with this HTTP status.
    Refused(u16),
    /// No answer: connection, TLS, timeout.
    Network(String),
    /// An answer that is not a sign-in token.
    BadAnswer(String),
}

/// Calls getSigninToken (`url` from [`token_request_url`]) and returns the token.
pub fn signin_token(url: &str) -> Result<String, TokenError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TokenError::Network(format!("cannot start the HTTP client: {e}")))?;
    runtime.block_on(async {
        match tokio::time::timeout(TIMEOUT, get(url)).await {
            Ok(result) => result,
            Err(_) => Err(TokenError::Network(format!(
                "no answer within {}s",
                TIMEOUT.as_secs()
            ))),
        }
    })
}

async fn get(url: &str) -> Result<String, TokenError> {
    use hyper_util::client::legacy::connect::HttpConnector;
    let uri: hyper::Uri = url
        .parse()
        .map_err(|_| TokenError::BadAnswer("the sign-in URL is not a valid URL".into()))?;
    let (status, body) = if uri.scheme_str() == Some("https") {
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| TokenError::Network(format!("no TLS root certificates: {e}")))?
            .https_only()
            .enable_http1()
            .build();
        fetch(connector, uri).await?
    } else {
        fetch(HttpConnector::new(), uri).await?
    };
    if status != 200 {
        return Err(TokenError::Refused(status));
    }
    let answer: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|_| TokenError::BadAnswer("the answer is not JSON".into()))?;
    answer["SigninToken"]
        .as_str()
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .ok_or_else(|| TokenError::BadAnswer("the answer has no SigninToken".into()))
}

/// One GET: status and body (at most [`MAX_ANSWER`] bytes).
async fn fetch<C>(connector: C, uri: hyper::Uri) -> Result<(u16, Vec<u8>), TokenError>
where
    C: hyper_util::client::legacy::connect::Connect + Clone + Send + Sync + 'static,
{
    use http_body_util::BodyExt;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, http_body_util::Empty<hyper::body::Bytes>>(connector);
    let request = hyper::Request::get(uri)
        .header("user-agent", concat!("rolex/", env!("CARGO_PKG_VERSION")))
        .body(http_body_util::Empty::new())
        .map_err(|e| TokenError::BadAnswer(e.to_string()))?;
    let response = client
        .request(request)
        .await
        .map_err(|e| TokenError::Network(causes(&e)))?;
    let status = response.status().as_u16();
    let body = http_body_util::Limited::new(response.into_body(), MAX_ANSWER)
        .collect()
        .await
        .map_err(|e| TokenError::BadAnswer(format!("cannot read the answer: {e}")))?
        .to_bytes();
    Ok((status, body.to_vec()))
}

/// An error and its causes on one line (none of them holds the URL).
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws() -> Endpoints {
        Endpoints::for_role("arn:aws:iam::1:role/x", None, None).unwrap()
    }

    #[test]
    fn partitions_pick_their_hosts() {
        let hosts = |arn: &str| {
            let e = Endpoints::for_role(arn, None, None).unwrap();
            (e.signin, e.console)
        };
        assert_eq!(
            hosts("arn:aws:iam::111111111111:role/A"),
            (
                "https://signin.aws.amazon.com".into(),
                "https://console.aws.amazon.com".into()
            )
        );
        assert_eq!(
            hosts("arn:aws-us-gov:iam::111111111111:role/A"),
            (
                "https://signin.amazonaws-us-gov.com".into(),
                "https://console.amazonaws-us-gov.com".into()
            )
        );
        assert_eq!(
            hosts("arn:aws-cn:iam::111111111111:role/A"),
            (
                "https://signin.amazonaws.cn".into(),
                "https://console.amazonaws.cn".into()
            )
        );
        let iso = "arn:aws-iso:iam::111111111111:role/A";
        let e = Endpoints::for_role(iso, Some("https://signin.example"), None).unwrap_err();
        assert!(e.message.contains("\"aws-iso\""), "{}", e.message);
        let both = Endpoints::for_role(iso, Some("https://s.example"), Some("https://c.example"));
        assert_eq!(both.unwrap().console, "https://c.example");
    }

    #[test]
    fn overrides_must_be_https_or_loopback_http() {
        let p = "arn:aws:iam::1:role/x";
        let e = Endpoints::for_role(p, Some("http://127.0.0.1:8080/"), Some("https://c.example"))
            .unwrap();
        assert_eq!(e.signin, "http://127.0.0.1:8080");
        assert_eq!(e.console, "https://c.example");
        for bad in [
            "http://signin.example.com",
            "ftp://127.0.0.1",
            "127.0.0.1:80",
            "https://x/?a=b",
            "https://",
            "http://127.0.0.1.evil.example",
            "http://127.0.0.1:1@evil.example",
            "https://user:pw@signin.example",
            "https://evil.example\\.signin.example",
        ] {
            assert!(Endpoints::for_role(p, Some(bad), None).is_err(), "{bad}");
        }
        assert!(Endpoints::for_role(p, Some("http://[::1]:9"), None).is_ok());
    }

    #[test]
    fn destinations_stay_on_the_console() {
        let c = &aws().console;
        assert_eq!(
            destination(c, "eu-west-1", Target::Home).unwrap(),
            "https://console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            destination(c, "us-east-1", Target::Service("ec2")).unwrap(),
            "https://console.aws.amazon.com/ec2/home?region=us-east-1"
        );
        assert!(destination(c, "r", Target::Service("../x")).is_err());
        let ok = "https://eu-west-1.console.aws.amazon.com/s3/buckets?region=eu-west-1";
        assert_eq!(destination(c, "r", Target::Url(ok)).unwrap(), ok);
        for bad in [
            "https://evil.example/console.aws.amazon.com",
            "https://console.aws.amazon.com.evil.example/",
            "http://console.aws.amazon.com/",
            "https://user@console.aws.amazon.com/",
            "https://notconsole.aws.amazon.com/",
        ] {
            assert!(destination(c, "r", Target::Url(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_carry_what_the_federation_endpoint_expects() {
        let creds = Credentials {
            access_key_id: "ASIAX".into(),
            secret_access_key: "s/k+=".into(),
            session_token: Some("t&o".into()),
            expiration: None,
        };
        let json = session_json(&creds).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["sessionId"], "ASIAX");
        assert_eq!(v["sessionKey"], "s/k+=");
        assert_eq!(v["sessionToken"], "t&o");
        let s = "https://signin.aws.amazon.com";
        let u = token_request_url(s, &json, Some(3600));
        assert!(u.starts_with("https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=3600&Session=%7B%22"), "{u}");
        assert!(u.contains("s%2Fk%2B%3D") && u.contains("t%26o"), "{u}");
        assert!(!token_request_url(s, &json, None).contains("SessionDuration"));
        let login = login_url(
            s,
            "https://console.aws.amazon.com/ec2/home?region=r",
            "T+/=",
        );
        assert_eq!(
            login,
            "https://signin.aws.amazon.com/federation?Action=login&Issuer=rolex&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Dr&SigninToken=T%2B%2F%3D"
        );
        let out = logout_url(s, &login);
        assert!(out.starts_with("https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri=https%3A%2F%2Fsignin.aws.amazon.com%2Ffederation%3FAction%3Dlogin%26"), "{out}");
        assert!(
            out.contains("SigninToken%3DT%252B%252F%253D"),
            "encoded twice: {out}"
        );
    }

    #[test]
    fn encoding_keeps_only_unreserved_characters() {
        assert_eq!(
            encode("aZ09-_.~ /?&=%+é"),
            "aZ09-_.~%20%2F%3F%26%3D%25%2B%C3%A9"
        );
    }
}

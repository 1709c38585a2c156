//! Test harness for the end-to-end tests: a real moto server (STS + IAM), a
//! tiny local server that answers every request with an awsQuery error, and
//! the AWS CLI from the same venv. Standard library only (plus the crate's
//! dev-dependencies), with hand-written HTTP/1.1.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

mod decode;
mod error_server;
mod http;
mod moto;
mod record;

pub use decode::*;
pub use error_server::*;
pub use http::*;
pub use moto::*;
pub use record::*;

/// The Python venv holding `moto_server` and `aws`: `$ROLEX_TEST_VENV`, or
/// `<repo>/.venv-moto` (what `tests/run.sh` creates).
pub fn venv() -> PathBuf {
    match std::env::var_os("ROLEX_TEST_VENV") {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-moto"),
    }
}

/// A loopback TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0 to find a free port")
}

// ---------------------------------------------------------------------------
// AWS CLI (from the venv)
// ---------------------------------------------------------------------------

/// Runs the venv's `aws` against `moto_url` with a clean environment: PATH,
/// HOME=`home`, AWS_ENDPOINT_URL, AWS_DEFAULT_REGION=us-east-1,
/// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE = /dev/null, then
/// `extra_env` (which may override any of these). Stdin is empty.
pub fn aws(moto_url: &str, home: &Path, extra_env: &[(&str, &str)], args: &[&str]) -> Output {
    aws_with_stdin(moto_url, home, extra_env, args, b"")
}

/// Like [`aws`], with `stdin` fed to the process (e.g. an MFA code).
pub fn aws_with_stdin(
    moto_url: &str,
    home: &Path,
    extra_env: &[(&str, &str)],
    args: &[&str],
    stdin: &[u8],
) -> Output {
    let bin = venv().join("bin").join("aws");
    let mut cmd = Command::new(&bin);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_ENDPOINT_URL", moto_url)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_PAGER", "");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display()));
    {
        let mut input = child.stdin.take().expect("aws stdin");
        // The CLI may exit without reading its input; ignore EPIPE.
        let _ = input.write_all(stdin);
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait for {}: {e}", bin.display()))
}

// ---------------------------------------------------------------------------
// Self-tests
// ---------------------------------------------------------------------------

#[test]
fn decoders() {
    assert_eq!(
        base64_decode("QWN0aW9uPUdldENhbGxlcklkZW50aXR5JlZlcnNpb249MjAxMS0wNi0xNQ=="),
        b"Action=GetCallerIdentity&Version=2011-06-15"
    );
    assert_eq!(base64_decode(""), b"");
    assert_eq!(base64_decode("YQ=="), b"a");
    assert_eq!(base64_decode("YWI="), b"ab");
    assert_eq!(base64_decode("YWJj"), b"abc");
    assert_eq!(percent_decode("a+b%2Bc%3A%2f%"), "a b+c:/%");
    assert_eq!(percent_decode("%4"), "%4");
    assert_eq!(percent_decode("%zz"), "%zz");
    let f = form_decode("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A9%3Arole%2FX&Empty=&Flag");
    assert_eq!(f["Action"], "AssumeRole");
    assert_eq!(f["RoleArn"], "arn:aws:iam::9:role/X");
    assert_eq!(f["Empty"], "");
    assert_eq!(f["Flag"], "");
    assert_eq!(
        dechunk(b"4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n"),
        b"Wikipedia"
    );
    assert!(chunked_complete(b"4\r\nWiki\r\n0\r\n\r\n"));
    assert!(!chunked_complete(b"4\r\nWiki\r\n"));
    let (status, body) = parse_response(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    )
    .expect("parse chunked response");
    assert_eq!((status, body.as_slice()), (200, b"abc".as_slice()));
    let (status, body) = parse_response(b"HTTP/1.0 404 Not Found\r\nContent-Length: 2\r\n\r\nnoXX")
        .expect("parse sized response");
    assert_eq!((status, body.as_slice()), (404, b"no".as_slice()));
}

#[test]
fn error_server_answers_with_error_document() {
    let server = ErrorServer::start(400, "ExpiredToken", "The security token <x> expired");
    let (status, body) = http(
        &server.url,
        "POST",
        "/",
        Some("application/x-www-form-urlencoded"),
        b"Action=AssumeRole&TokenCode=123456",
    );
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 400);
    assert!(body.contains("<Code>ExpiredToken</Code>"), "{body}");
    assert!(body.contains("&lt;x&gt;"), "{body}");
    let reqs = server.requests();
    assert_eq!(server.hits(), 1);
    assert_eq!(actions(&reqs), ["AssumeRole"]);
    assert_eq!(reqs[0].param("TokenCode"), Some("123456"));
    assert_eq!(reqs[0].method, "POST");
}

#[test]
fn moto_records_requests() {
    let moto = Moto::start();
    let home = tempfile::tempdir().expect("temporary HOME");
    moto.start_recording();
    let out = aws(
        &moto.url,
        home.path(),
        &[
            ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            (
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
        ],
        &["sts", "get-caller-identity", "--output", "json"],
    );
    let reqs = moto.stop_recording();
    assert!(
        out.status.success(),
        "aws sts get-caller-identity failed: {}\n--- moto log ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        moto.log()
    );
    let identity: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("get-caller-identity prints JSON");
    assert_eq!(identity["Account"], "123456789012");
    assert_eq!(actions(&reqs), ["GetCallerIdentity"]);
    assert_eq!(reqs[0].param("Version"), Some("2011-06-15"));
    assert!(
        reqs[0]
            .header("authorization")
            .is_some_and(|a| a.contains("AKIAIOSFODNN7EXAMPLE")),
        "{:?}",
        reqs[0].headers
    );
}

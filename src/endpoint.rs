//! The local credential endpoint of `rolex exec --server`: the AWS container
//! credentials protocol (what `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` point an SDK at) over a minimal
//! HTTP/1.1, one request per connection.
//!
//! Only a request carrying the run's token gets credentials; anything else
//! gets 401 or 403 and a body with nothing secret in it. Requests are read
//! with a size limit and a timeout, so a client that sends nothing or too
//! much cannot hold the endpoint.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::json;

use crate::aws::Credentials;

/// The longest request head we read; an SDK sends a few hundred bytes.
const MAX_HEAD: usize = 16 * 1024;
/// How much of an oversized request is read before the connection closes.
const MAX_DRAIN: usize = 1024 * 1024;
/// How long a client may take to send its request or read the answer.
const IO_TIMEOUT: Duration = Duration::from_secs(3);

/// A fresh random token for one run: 32 bytes from the OS, as hex.
pub fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What a request asks for, once read.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// A GET with the right token: it gets credentials.
    Credentials,
    /// Anything else, answered with this status and no secret.
    Refused(u16, &'static str),
}

/// Reads one request head from `stream` and decides whether it may have
/// credentials.
pub fn read_request(stream: &mut TcpStream, token: &str) -> Request {
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let deadline = std::time::Instant::now() + IO_TIMEOUT;
    match read_head(stream, deadline) {
        Ok(head) => judge(&head, token),
        Err(HeadError::TooLarge) => Request::Refused(431, "request head too large"),
        Err(HeadError::Io) => Request::Refused(400, "incomplete request"),
    }
}

pub enum HeadError {
    TooLarge,
    Io,
}

/// Reads from `stream`, but never past `deadline`: a client that sends a
/// byte now and then cannot hold the connection longer than that.
pub fn read_by(
    stream: &mut TcpStream,
    deadline: std::time::Instant,
    buf: &mut [u8],
) -> std::io::Result<usize> {
    let left = deadline.saturating_duration_since(std::time::Instant::now());
    if left.is_zero() {
        return Err(std::io::ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    stream.read(buf)
}

/// The request line and headers, up to the blank line (a body is not read:
/// the protocol has none), all by `deadline`.
pub fn read_head(
    stream: &mut TcpStream,
    deadline: std::time::Instant,
) -> Result<String, HeadError> {
    collect_head(|chunk| read_by(stream, deadline, chunk))
}

fn collect_head(
    mut read: impl FnMut(&mut [u8]) -> std::io::Result<usize>,
) -> Result<String, HeadError> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            buf.truncate(end);
            return Ok(String::from_utf8_lossy(&buf).into_owned());
        }
        if buf.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
        match read(&mut chunk) {
            Ok(0) | Err(_) => return Err(HeadError::Io),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The decision on a request head.
fn judge(head: &str, token: &str) -> Request {
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let method = request_line.split(' ').next().unwrap_or_default();
    if method != "GET" {
        return Request::Refused(405, "only GET is served");
    }
    let auth = lines.find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("authorization")
            .then(|| value.trim())
    });
    match auth {
        None => Request::Refused(401, "an Authorization header is required"),
        Some(given) if same_secret(given.as_bytes(), token.as_bytes()) => Request::Credentials,
        Some(_) => Request::Refused(403, "the Authorization header is wrong"),
    }
}

/// Compares without stopping at the first difference, so the time taken
/// tells nothing about how much of a guess was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The container credentials document.
pub fn credentials_body(c: &Credentials) -> String {
    json!({
        "AccessKeyId": c.access_key_id,
        "SecretAccessKey": c.secret_access_key,
        "Token": c.session_token,
        "Expiration": c.expiration,
    })
    .to_string()
}

/// An error document, in the shape SDKs show to their user.
pub fn error_body(code: &str, message: &str) -> String {
    json!({ "code": code, "message": message }).to_string()
}

/// Writes a JSON answer and closes the connection (write errors are the
/// client's problem: it went away).
pub fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Internal Server Error",
    };
    let text = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(text.as_bytes());
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    if status == 431 {
        // Closing with unread bytes resets the connection, and the client
        // might lose the answer: read (a bounded amount of) the rest first.
        let mut rest = [0u8; 8192];
        let mut left = MAX_DRAIN;
        let deadline = std::time::Instant::now() + IO_TIMEOUT;
        while left > 0 {
            match read_by(stream, deadline, &mut rest) {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_trickling_bytes_is_cut_off_at_the_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = std::thread::spawn(move || {
            let mut c = TcpStream::connect(addr).unwrap();
            // One byte every 50 ms, never a blank line: per-read timeouts
            // alone would let this go on for ever.
            for _ in 0..100 {
                if c.write_all(b"G").is_err() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        });
        let (mut server, _) = listener.accept().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(300);
        assert!(matches!(
            read_head(&mut server, deadline),
            Err(HeadError::Io)
        ));
        drop(server);
        client.join().unwrap();
    }

    #[test]
    fn only_a_get_with_the_token_gets_credentials() {
        let t = "abc123";
        let ok = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: abc123";
        assert_eq!(judge(ok, t), Request::Credentials);
        assert_eq!(
            judge("GET / HTTP/1.1\r\nAuthorization:   abc123  ", t),
            Request::Credentials
        );
        assert!(matches!(
            judge("GET / HTTP/1.1\r\nHost: x", t),
            Request::Refused(401, _)
        ));
        for wrong in ["abc124", "abc12", "abc1234", ""] {
            let head = format!("GET / HTTP/1.1\r\nAuthorization: {wrong}");
            assert!(
                matches!(judge(&head, t), Request::Refused(403, _)),
                "{wrong}"
            );
        }
        assert!(matches!(
            judge("POST / HTTP/1.1\r\nAuthorization: abc123", t),
            Request::Refused(405, _)
        ));
    }

    #[test]
    fn heads_are_bounded() {
        let big = vec![b'a'; MAX_HEAD + 4096];
        assert!(matches!(
            {
                let r = &mut big.as_slice();
                collect_head(|b| r.read(b))
            },
            Err(HeadError::TooLarge)
        ));
        assert!(matches!(
            {
                let r = &mut b"GET / HTTP/1.1\r\n".as_slice();
                collect_head(|b| r.read(b))
            },
            Err(HeadError::Io)
        ));
        assert_eq!(
            {
                let r = &mut b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest".as_slice();
                collect_head(|b| r.read(b))
            }
            .ok(),
            Some("GET / HTTP/1.1\r\nA: b".to_string())
        );
    }

    #[test]
    fn tokens_are_fresh_and_long() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn the_document_has_the_container_fields() {
        let c = Credentials {
            access_key_id: "ASIA1".into(),
            secret_access_key: "s".into(),
            session_token: Some("t".into()),
            expiration: Some("2030-01-01T00:00:00Z".into()),
        };
        let v: serde_json::Value = serde_json::from_str(&credentials_body(&c)).unwrap();
        assert_eq!(v["AccessKeyId"], "ASIA1");
        assert_eq!(v["SecretAccessKey"], "s");
        assert_eq!(v["Token"], "t");
        assert_eq!(v["Expiration"], "2030-01-01T00:00:00Z");
    }
}

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
// HTTP/1.1 client
// ---------------------------------------------------------------------------

/// One HTTP/1.1 request (`Connection: close`) to `url` (`http://host:port`,
/// any path in it is ignored) for `path`. Returns status and body (chunked
/// transfer encoding decoded). Panics on I/O errors.
pub fn http(
    url: &str,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> (u16, Vec<u8>) {
    try_http(url, method, path, content_type, body)
        .unwrap_or_else(|e| panic!("HTTP {method} {url}{path} failed: {e}"))
}

/// Like [`http`], but returns I/O errors (e.g. connection refused).
pub fn try_http(
    url: &str,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> io::Result<(u16, Vec<u8>)> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| io::Error::other(format!("only http:// URLs are supported: {url}")))?;
    let hostport = rest.split('/').next().unwrap_or(rest);
    let addr = hostport
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::other(format!("cannot resolve {hostport}")))?;
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.set_write_timeout(Some(Duration::from_secs(60)))?;

    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n\
         Accept-Encoding: identity\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(ct) = content_type {
        head.push_str("Content-Type: ");
        head.push_str(ct);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;

    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> io::Result<(u16, Vec<u8>)> {
    let Some(end) = find(raw, b"\r\n\r\n") else {
        return Err(io::Error::other(format!(
            "no end of HTTP headers in {} bytes: {:?}",
            raw.len(),
            String::from_utf8_lossy(raw)
        )));
    };
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let rest = &raw[end + 4..];
    let (status_line, header_text) = head.split_once("\r\n").unwrap_or((head.as_str(), ""));
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("bad HTTP status line {status_line:?}")))?;
    let headers = parse_header_lines(header_text);
    let body = if is_chunked(&headers) {
        dechunk(rest)
    } else if let Some(n) = content_length(&headers) {
        rest[..n.min(rest.len())].to_vec()
    } else {
        rest.to_vec()
    };
    Ok((status, body))
}

fn parse_header_lines(text: &str) -> BTreeMap<String, String> {
    let mut headers = BTreeMap::new();
    for line in text.split("\r\n") {
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
    headers
}

fn header_value<'a>(headers: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn is_chunked(headers: &BTreeMap<String, String>) -> bool {
    header_value(headers, "transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
}

fn content_length(headers: &BTreeMap<String, String>) -> Option<usize> {
    header_value(headers, "content-length").and_then(|v| v.parse().ok())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a chunked transfer-encoded body (trailers ignored).
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(pos) = find(data, b"\r\n") {
        let line = String::from_utf8_lossy(&data[..pos]).into_owned();
        let size_hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).unwrap_or(0);
        data = &data[pos + 2..];
        if size == 0 {
            break;
        }
        let take = size.min(data.len());
        out.extend_from_slice(&data[..take]);
        data = &data[take..];
        if take < size {
            break;
        }
        if data.starts_with(b"\r\n") {
            data = &data[2..];
        }
    }
    out
}

/// True once a chunked body has its terminating zero-size chunk.
fn chunked_complete(data: &[u8]) -> bool {
    data.starts_with(b"0\r\n") || find(data, b"\r\n0\r\n").is_some()
}

// ---------------------------------------------------------------------------
// Decoding helpers
// ---------------------------------------------------------------------------

/// Standard (or URL-safe) base64, padding and whitespace ignored.
pub fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => panic!("invalid base64 byte {c:#04x} in {s:?}"),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Percent-decoding with `+` as space (application/x-www-form-urlencoded).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < b.len() => match (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses `a=1&b=x+y&c=%2F` into a map (last value wins for repeated keys).
pub fn form_decode(s: &str) -> BTreeMap<String, String> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

// ---------------------------------------------------------------------------
// Recorded / received requests
// ---------------------------------------------------------------------------

/// One request as moto's recorder (or [`ErrorServer`]) saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Full URL (moto recorder) or request target (ErrorServer).
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
    /// Form parameters of the body (and of the URL query string, if any).
    pub params: BTreeMap<String, String>,
    /// `params["Action"]`, e.g. `AssumeRole`.
    pub action: Option<String>,
}

impl Request {
    fn new(
        method: String,
        url: String,
        headers: BTreeMap<String, String>,
        body: Vec<u8>,
    ) -> Request {
        let mut params = BTreeMap::new();
        if let Some((_, query)) = url.split_once('?') {
            params.extend(form_decode(query));
        }
        let is_form = match header_value(&headers, "content-type") {
            Some(ct) => ct.to_ascii_lowercase().contains("x-www-form-urlencoded"),
            None => true,
        };
        let text = if is_form {
            std::str::from_utf8(&body).ok()
        } else {
            None
        };
        if let Some(text) = text {
            params.extend(form_decode(text));
        }
        let action = params.get("Action").cloned();
        Request {
            method,
            url,
            headers,
            body,
            params,
            action,
        }
    }

    fn from_recorded(v: &serde_json::Value) -> Request {
        let headers: BTreeMap<String, String> = v["headers"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let s = match v.as_str() {
                            Some(s) => s.to_owned(),
                            None => v.to_string(),
                        };
                        (k.clone(), s)
                    })
                    .collect::<BTreeMap<String, String>>()
            })
            .unwrap_or_default();
        let body_str = v["body"].as_str().unwrap_or("");
        let body = if v["body_encoded"].as_bool().unwrap_or(false) {
            base64_decode(body_str)
        } else {
            body_str.as_bytes().to_vec()
        };
        Request::new(
            v["method"].as_str().unwrap_or("").to_owned(),
            v["url"].as_str().unwrap_or("").to_owned(),
            headers,
            body,
        )
    }

    /// A header, name matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// A form parameter, e.g. `param("TokenCode")`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The `Action` of each request that has one, in order.
pub fn actions(reqs: &[Request]) -> Vec<String> {
    reqs.iter().filter_map(|r| r.action.clone()).collect()
}

/// Parses moto's download-recording output (one JSON object a line).
pub fn parse_recording(text: &str) -> Vec<Request> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("bad moto recording line {l:?}: {e}"));
            Request::from_recorded(&v)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// moto server
// ---------------------------------------------------------------------------

/// A moto server on a free loopback port, killed on drop. Its recording file
/// and log live in a private temporary directory (moto's default recording
/// path is `./moto_recording`, shared by every server started in one folder).
pub struct Moto {
    pub url: String,
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

impl Moto {
    pub fn start() -> Moto {
        let bin = venv().join("bin").join("moto_server");
        assert!(
            bin.exists(),
            "{} not found: run `bash tests/run.sh` (it creates the venv) or set ROLEX_TEST_VENV",
            bin.display()
        );
        let mut failures = String::new();
        // A port found free can be taken by a parallel test before moto binds
        // it: then moto exits at once and we try another port.
        for _attempt in 0..3 {
            let dir = tempfile::tempdir().expect("create a temporary directory for moto");
            let log = File::create(dir.path().join("moto.log")).expect("create moto log file");
            let log_err = log.try_clone().expect("clone moto log file handle");
            let port = free_port();
            let port_s = port.to_string();
            let mut moto = Moto {
                url: format!("http://127.0.0.1:{port}"),
                port,
                child: Command::new(&bin)
                    .args(["-H", "127.0.0.1", "-p", port_s.as_str()])
                    .current_dir(dir.path())
                    .env("MOTO_RECORDER_FILEPATH", dir.path().join("recording.jsonl"))
                    .env_remove("MOTO_ENABLE_RECORDING")
                    .stdin(Stdio::null())
                    .stdout(Stdio::from(log))
                    .stderr(Stdio::from(log_err))
                    .spawn()
                    .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display())),
                dir,
            };
            match moto.wait_ready(Duration::from_secs(20)) {
                Ok(()) => {
                    // Make sure the recording file exists from the start.
                    moto.post("/moto-api/recorder/reset-recording");
                    return moto;
                }
                Err(why) => {
                    failures.push_str(&format!("{why}\n--- moto log ---\n{}\n", moto.log()));
                }
            }
            // Dropping `moto` kills and reaps the process.
        }
        panic!("could not start moto_server:\n{failures}");
    }

    /// Waits until our own process says it listens on the port (so a server
    /// of a parallel test that grabbed the same port cannot pass for ours)
    /// and the moto API answers.
    fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
        let banner = format!("Running on {}", self.url);
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "moto_server on port {} exited early ({status})",
                    self.port
                ));
            }
            if self.log().contains(&banner)
                && matches!(
                    try_http(&self.url, "GET", "/moto-api/data.json", None, b""),
                    Ok((200, _))
                )
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "moto_server on port {} not ready within {timeout:?}",
                    self.port
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn post(&self, path: &str) -> Vec<u8> {
        self.post_with(path, None, b"")
    }

    fn post_with(&self, path: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
        let (status, resp) = http(&self.url, "POST", path, content_type, body);
        assert_eq!(
            status,
            200,
            "POST {path} to moto: {}",
            String::from_utf8_lossy(&resp)
        );
        resp
    }

    /// Clears all moto state (users, roles, keys...).
    pub fn reset(&self) {
        self.post("/moto-api/reset");
    }

    /// Switches moto's IAM auth checks on (`0`: from the first request) or
    /// off (`inf`).
    pub fn set_auth(&self, enabled: bool) {
        let body: &[u8] = if enabled { b"0" } else { b"inf" };
        self.post_with("/moto-api/reset-auth", Some("text/plain"), body);
    }

    /// Empties the recording and starts recording requests.
    pub fn start_recording(&self) {
        self.post("/moto-api/recorder/reset-recording");
        self.post("/moto-api/recorder/start-recording");
    }

    /// Stops recording and returns the requests recorded since
    /// [`Moto::start_recording`]. moto records every request except its
    /// `/moto-api/recorder/` ones: [`Moto::reset`] and [`Moto::set_auth`]
    /// calls made while recording show up too (without an `Action`).
    pub fn stop_recording(&self) -> Vec<Request> {
        self.post("/moto-api/recorder/stop-recording");
        let (status, body) = http(
            &self.url,
            "GET",
            "/moto-api/recorder/download-recording",
            None,
            b"",
        );
        assert_eq!(status, 200, "download-recording from moto");
        parse_recording(&String::from_utf8_lossy(&body))
    }

    /// Environment for a process (rolex, the Rust SDK) that should talk to
    /// this moto and nothing else.
    pub fn sdk_env(&self, home: &Path) -> Vec<(String, String)> {
        vec![
            ("AWS_ENDPOINT_URL".into(), self.url.clone()),
            ("AWS_MAX_ATTEMPTS".into(), "1".into()),
            ("AWS_CONFIG_FILE".into(), "/dev/null".into()),
            ("AWS_SHARED_CREDENTIALS_FILE".into(), "/dev/null".into()),
            ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
            ("AWS_REGION".into(), "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
            ("HOME".into(), home.display().to_string()),
        ]
    }

    /// moto's own log (werkzeug access log and tracebacks).
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("moto.log")).unwrap_or_default()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// Error server
// ---------------------------------------------------------------------------

/// A loopback HTTP server answering every request with the same status and
/// awsQuery error document (for errors moto never produces: ExpiredToken,
/// Throttling...). Stops when dropped.
pub struct ErrorServer {
    pub url: String,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<Request>>>,
    thread: Option<JoinHandle<()>>,
}

impl ErrorServer {
    pub fn start(status: u16, code: &str, msg: &str) -> ErrorServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind error server");
        let port = listener.local_addr().expect("error server address").port();
        listener
            .set_nonblocking(true)
            .expect("make error server listener nonblocking");
        let body = format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{}</Code><Message>{}</Message>\
             </Error><RequestId>x</RequestId></ErrorResponse>",
            xml_escape(code),
            xml_escape(msg)
        );
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let stop = Arc::clone(&stop);
            let requests = Arc::clone(&requests);
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            let _ = serve_error(&mut stream, status, &body, &requests);
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        ErrorServer {
            url: format!("http://127.0.0.1:{port}"),
            stop,
            requests,
            thread: Some(thread),
        }
    }

    /// The requests answered so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many requests were answered so far (e.g. to check retries).
    pub fn hits(&self) -> usize {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }
}

impl Drop for ErrorServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

fn serve_error(
    stream: &mut TcpStream,
    status: u16,
    body: &str,
    requests: &Mutex<Vec<Request>>,
) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let req = read_request(stream)?;
    requests.lock().unwrap_or_else(|e| e.into_inner()).push(req);
    let resp = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
         x-amzn-RequestId: x\r\nConnection: close\r\n\r\n{body}",
        reason(status),
        body.len()
    );
    stream.write_all(resp.as_bytes())?;
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

/// Reads one HTTP/1.1 request (headers and the whole body) from a client.
fn read_request(stream: &mut TcpStream) -> io::Result<Request> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = find(&buf, b"\r\n\r\n") {
            break p;
        }
        let n = stream.read(&mut tmp)?;
        if n == 0 {
            return Err(io::Error::other("connection closed before end of headers"));
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let (request_line, header_text) = head.split_once("\r\n").unwrap_or((head.as_str(), ""));
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("/").to_owned();
    let headers = parse_header_lines(header_text);

    if header_value(&headers, "expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        stream.flush()?;
    }

    let mut body = buf[head_end + 4..].to_vec();
    if is_chunked(&headers) {
        while !chunked_complete(&body) {
            let n = stream.read(&mut tmp)?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&tmp[..n]);
        }
        body = dechunk(&body);
    } else {
        let len = content_length(&headers).unwrap_or(0);
        while body.len() < len {
            let n = stream.read(&mut tmp)?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&tmp[..n]);
        }
        body.truncate(len);
    }
    Ok(Request::new(method, target, headers, body))
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

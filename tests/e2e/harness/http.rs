//! A hand-written HTTP/1.1 client for the tests (`Connection: close`).

use super::*;

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

pub(super) fn parse_response(raw: &[u8]) -> io::Result<(u16, Vec<u8>)> {
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

pub(super) fn parse_header_lines(text: &str) -> BTreeMap<String, String> {
    let mut headers = BTreeMap::new();
    for line in text.split("\r\n") {
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
    headers
}

pub(super) fn header_value<'a>(
    headers: &'a BTreeMap<String, String>,
    name: &str,
) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

pub(super) fn is_chunked(headers: &BTreeMap<String, String>) -> bool {
    header_value(headers, "transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
}

pub(super) fn content_length(headers: &BTreeMap<String, String>) -> Option<usize> {
    header_value(headers, "content-length").and_then(|v| v.parse().ok())
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a chunked transfer-encoded body (trailers ignored).
pub(super) fn dechunk(mut data: &[u8]) -> Vec<u8> {
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
pub(super) fn chunked_complete(data: &[u8]) -> bool {
    data.starts_with(b"0\r\n") || find(data, b"\r\n0\r\n").is_some()
}

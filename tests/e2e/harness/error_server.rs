//! A loopback server answering every request with an awsQuery error.

use super::*;

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

pub(super) fn reason(status: u16) -> &'static str {
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

pub(super) fn serve_error(
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
pub(super) fn read_request(stream: &mut TcpStream) -> io::Result<Request> {
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

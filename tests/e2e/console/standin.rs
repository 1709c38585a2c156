//! A stand-in for the AWS sign-in host and the console, on 127.0.0.1.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::harness::{aws, form_decode};
use crate::world::arn_of;

/// One request the stand-in answered.
#[derive(Debug, Clone)]
pub(super) struct Hit {
    pub(super) path: String,
    pub(super) params: BTreeMap<String, String>,
    pub(super) cookie: Option<String>,
    pub(super) status: u16,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) hits: Vec<Hit>,
    /// Sign-in token -> the caller ARN moto gave for the session's keys.
    pub(super) tokens: BTreeMap<String, String>,
    /// Console session cookie -> caller ARN.
    pub(super) sessions: BTreeMap<String, String>,
    pub(super) issued: usize,
}

/// Plays signin.aws.amazon.com and the console on one loopback port:
/// `/federation?Action=getSigninToken` answers only for keys that moto says
/// belong to an assumed role; `Action=login` takes a token once, sets the
/// console cookie and redirects to the Destination, but refuses while the
/// browser is signed in as someone else (as the console does); `/oauth?Action=logout`
/// clears the cookie and redirects to `redirect_uri`; any other page names
/// the signed-in role.
pub(super) struct SignIn {
    pub(super) url: String,
    pub(super) state: Arc<Mutex<State>>,
    pub(super) stop: Arc<AtomicBool>,
    pub(super) thread: Option<JoinHandle<()>>,
}

impl SignIn {
    pub(super) fn start(moto_url: &str) -> SignIn {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let home = tempfile::tempdir().unwrap();
        let thread = {
            let (state, stop, moto) = (state.clone(), stop.clone(), moto_url.to_string());
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let _ = serve(stream, &state, &moto, home.path());
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        SignIn {
            url,
            state,
            stop,
            thread: Some(thread),
        }
    }

    pub(super) fn hits(&self) -> Vec<Hit> {
        self.state
            .lock()
            .unwrap()
            .hits
            .iter()
            .filter(|h| h.path != "/favicon.ico")
            .cloned()
            .collect()
    }

    pub(super) fn tokens(&self) -> Vec<String> {
        self.state.lock().unwrap().tokens.keys().cloned().collect()
    }

    /// What the requests were, in order: `getSigninToken`, `logout`, `login`,
    /// or the page's path.
    pub(super) fn steps(&self) -> Vec<String> {
        self.hits()
            .iter()
            .map(|h| match h.params.get("Action") {
                Some(a) => a.clone(),
                None => h.path.clone(),
            })
            .collect()
    }

    pub(super) fn only(&self, action: &str) -> Hit {
        let hits: Vec<Hit> = self
            .hits()
            .into_iter()
            .filter(|h| h.params.get("Action").map(String::as_str) == Some(action))
            .collect();
        assert_eq!(hits.len(), 1, "{action}: {:?}", self.steps());
        hits[0].clone()
    }
}

impl Drop for SignIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, moto: &str, home: &Path) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut cookie = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("cookie")
        {
            cookie = v
                .split(';')
                .find_map(|c| c.trim().strip_prefix("console-session="))
                .map(str::to_string);
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params = form_decode(query);
    let (status, headers, body) = route(path, &params, cookie.as_deref(), state, moto, home);
    state.lock().unwrap().hits.push(Hit {
        path: path.to_string(),
        params,
        cookie,
        status,
    });
    let mut out = stream;
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(body.as_bytes())?;
    out.flush()
}

type Reply = (u16, Vec<(&'static str, String)>, String);

fn route(
    path: &str,
    p: &BTreeMap<String, String>,
    cookie: Option<&str>,
    state: &Mutex<State>,
    moto: &str,
    home: &Path,
) -> Reply {
    let html = |body: String| (200, vec![("Content-Type", "text/html".to_string())], body);
    let signed_in = cookie.and_then(|c| state.lock().unwrap().sessions.get(c).cloned());
    match (path, p.get("Action").map(String::as_str)) {
        ("/federation", Some("getSigninToken")) => {
            let Some(arn) = p.get("Session").and_then(|s| caller(s, moto, home)) else {
                return (400, vec![], "Invalid Credentials".into());
            };
            let mut s = state.lock().unwrap();
            s.issued += 1;
            // Characters that must be percent-encoded in the login URL.
            let token = format!("tok+{}/{}==", s.issued, std::process::id());
            s.tokens.insert(token.clone(), arn);
            let body = serde_json::json!({ "SigninToken": token }).to_string();
            (200, vec![("Content-Type", "application/json".into())], body)
        }
        ("/federation", Some("login")) => {
            let arn = p
                .get("SigninToken")
                .and_then(|t| state.lock().unwrap().tokens.remove(t));
            let (Some(arn), Some(dest)) = (arn, p.get("Destination")) else {
                return (400, vec![], "<p>sign-in token not valid</p>".into());
            };
            if let Some(other) = signed_in.filter(|o| *o != arn) {
                return html(format!(
                    "<h1>Already signed in</h1><p id=\"who\">{other}</p><p>sign out first</p>"
                ));
            }
            let id = format!("s{}", state.lock().unwrap().sessions.len() + 1);
            state.lock().unwrap().sessions.insert(id.clone(), arn);
            (
                302,
                vec![
                    ("Location", dest.clone()),
                    (
                        "Set-Cookie",
                        format!("console-session={id}; Path=/; Max-Age=3600"),
                    ),
                ],
                String::new(),
            )
        }
        ("/oauth", Some("logout")) => {
            if let Some(c) = cookie {
                state.lock().unwrap().sessions.remove(c);
            }
            let next = p.get("redirect_uri").cloned().unwrap_or_default();
            (
                302,
                vec![
                    ("Location", next),
                    ("Set-Cookie", "console-session=; Path=/; Max-Age=0".into()),
                ],
                String::new(),
            )
        }
        _ => html(match signed_in {
            Some(arn) => format!(
                "<h1>AWS console</h1><p id=\"who\">Signed in as {arn}</p><p id=\"page\">{path}?region={}</p>",
                p.get("region").cloned().unwrap_or_default()
            ),
            None => "<h1>Not signed in</h1>".into(),
        }),
    }
}

/// The caller ARN moto gives for the Session JSON's keys, if they are the
/// keys of an assumed role.
fn caller(session: &str, moto: &str, home: &Path) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(session).ok()?;
    let field = |k: &str| v[k].as_str().map(str::to_string);
    let (id, key, token) = (
        field("sessionId")?,
        field("sessionKey")?,
        field("sessionToken")?,
    );
    let out = aws(
        moto,
        home,
        &[
            ("AWS_ACCESS_KEY_ID", &id),
            ("AWS_SECRET_ACCESS_KEY", &key),
            ("AWS_SESSION_TOKEN", &token),
        ],
        &["sts", "get-caller-identity"],
    );
    let arn = arn_of(&String::from_utf8_lossy(&out.stdout));
    arn.contains(":assumed-role/").then_some(arn)
}

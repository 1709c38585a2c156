//! Issue 7: `rolex console`. A stand-in for the AWS sign-in host on
//! 127.0.0.1 (it checks the role session's keys against moto with
//! GetCallerIdentity), and a real headless Chromium that follows the whole
//! flow: rolex's private page, sign-out, login, the console page.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::harness::{aws, form_decode};
use crate::world::*;

const PROFILE: &str = r#"
[defaults]
region = "eu-west-1"

[sources.main]
from = "env"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"
mfa_session = "off"

[accounts]
prod = "999999999999"
staging = "888888888888"

[roles.prod-admin]
account = "prod"
role = "Admin"
duration = "30m"

[roles.staging-ops]
account = "staging"
role = "Ops"
region = "us-west-2"

[roles.guarded]
account = "prod"
role = "Guarded"
confirm = true
require_reason = true

[roles.org]
role = "arn:aws:iam::777777777777:role/OrgAccess"

[roles.deep]
account = "prod"
role = "Deep"
via = "org"
"#;

const PROD_ARN: &str = "arn:aws:sts::999999999999:assumed-role/Admin/alice";
const STAGING_ARN: &str = "arn:aws:sts::888888888888:assumed-role/Ops/alice";

// ---------------------------------------------------------------------------
// The sign-in stand-in
// ---------------------------------------------------------------------------

/// One request the stand-in answered.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    params: BTreeMap<String, String>,
    cookie: Option<String>,
    status: u16,
}

#[derive(Default)]
struct State {
    hits: Vec<Hit>,
    /// Sign-in token -> the caller ARN moto gave for the session's keys.
    tokens: BTreeMap<String, String>,
    /// Console session cookie -> caller ARN.
    sessions: BTreeMap<String, String>,
    issued: usize,
}

/// Plays signin.aws.amazon.com and the console on one loopback port:
/// `/federation?Action=getSigninToken` answers only for keys that moto says
/// belong to an assumed role; `Action=login` takes a token once, sets the
/// console cookie and redirects to the Destination, but refuses while the
/// browser is signed in as someone else (as the console does); `/oauth?Action=logout`
/// clears the cookie and redirects to `redirect_uri`; any other page names
/// the signed-in role.
struct SignIn {
    url: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SignIn {
    fn start(moto_url: &str) -> SignIn {
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

    fn hits(&self) -> Vec<Hit> {
        self.state
            .lock()
            .unwrap()
            .hits
            .iter()
            .filter(|h| h.path != "/favicon.ico")
            .cloned()
            .collect()
    }

    fn tokens(&self) -> Vec<String> {
        self.state.lock().unwrap().tokens.keys().cloned().collect()
    }

    /// What the requests were, in order: `getSigninToken`, `logout`, `login`,
    /// or the page's path.
    fn steps(&self) -> Vec<String> {
        self.hits()
            .iter()
            .map(|h| match h.params.get("Action") {
                Some(a) => a.clone(),
                None => h.path.clone(),
            })
            .collect()
    }

    fn only(&self, action: &str) -> Hit {
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

// ---------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------

/// Debian's chromium: a missing browser fails the test, it is not skipped.
fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
        .expect("chromium is not installed: the console tests need a real browser (apt-get install chromium; tests/run.sh installs it)")
}

const CHROMIUM_FLAGS: &str = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --window-size=1280,800";

/// Where a test keeps what the browser saw: `$ROLEX_TEST_ARTIFACTS/NAME`,
/// else `target/tmp/artifacts/NAME` (never in git).
fn artifacts(name: &str) -> PathBuf {
    let base = std::env::var_os("ROLEX_TEST_ARTIFACTS")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("artifacts"));
    let dir = base.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A `$BROWSER` script: headless Chromium with a profile in `dir` (kept
/// between runs, like a user's browser) opens its argument, writes the final
/// page's DOM and a screenshot into `dir/RUN`, then `dir/RUN/done`.
fn browser_script(dir: &Path) -> PathBuf {
    let script = dir.join("browser");
    let text = format!(
        "#!/bin/sh\n\
         run=\"{dir}/run-$(ls -d {dir}/run-* 2>/dev/null | wc -l)\"\n\
         mkdir -p \"$run\"\n\
         printf '%s\\n' \"$@\" > \"$run/argv\"\n\
         {chromium} {CHROMIUM_FLAGS} --user-data-dir={dir}/profile --screenshot=\"$run/final.png\" \
         --dump-dom \"$1\" > \"$run/dom.html\" 2> \"$run/chromium.log\"\n\
         echo $? > \"$run/done\"\n",
        dir = dir.display(),
        chromium = chromium().display(),
    );
    std::fs::write(&script, text).unwrap();
    set_mode(&script, 0o755);
    script
}

/// Waits for the browser script's run `n` to finish; its DOM.
fn browser_run(dir: &Path, n: usize) -> String {
    let run = dir.join(format!("run-{n}"));
    let deadline = Instant::now() + Duration::from_secs(120);
    while !run.join("done").exists() {
        assert!(
            Instant::now() < deadline,
            "the browser did not finish: {}",
            std::fs::read_to_string(run.join("chromium.log")).unwrap_or_default()
        );
        thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        std::fs::read_to_string(run.join("done")).unwrap().trim(),
        "0"
    );
    let png = std::fs::metadata(run.join("final.png"))
        .map(|m| m.len())
        .unwrap_or(0);
    assert!(
        png > 1000,
        "a screenshot of the final page in {}",
        run.display()
    );
    std::fs::read_to_string(run.join("dom.html")).unwrap()
}

/// Chromium (run by the test itself) opens `url`; the final page's DOM.
fn chromium_opens(url: &str, dir: &Path) -> String {
    let out = Command::new(chromium())
        .args(CHROMIUM_FLAGS.split_whitespace())
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--screenshot={}", dir.join("final.png").display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

/// A world whose sign-in host and console are the stand-in.
fn world() -> (World, SignIn) {
    let mut w = World::new(PROFILE);
    let signin = SignIn::start(&w.moto.url);
    w.set("ROLEX_SIGNIN_URL", &signin.url);
    w.set("ROLEX_CONSOLE_URL", &signin.url);
    (w, signin)
}

/// Nothing of the sign-in (token, URL) in stderr, the audit trail or HOME.
#[track_caller]
fn no_secret_outside_stdout(w: &World, signin: &SignIn, stderr_text: &str) {
    let tokens = signin.tokens();
    let issued: Vec<String> = signin
        .hits()
        .iter()
        .filter_map(|h| h.params.get("SigninToken").cloned())
        .chain(tokens)
        .collect();
    assert!(!issued.is_empty());
    for t in &issued {
        for needle in [t.clone(), encoded(t)] {
            assert!(
                !stderr_text.contains(&needle),
                "token on stderr: {stderr_text}"
            );
            let files = files_containing(w.home(), &needle);
            assert!(files.is_empty(), "token in {files:?}");
        }
    }
    for needle in ["SigninToken", "Action=login", "sessionKey"] {
        assert!(
            !stderr_text.contains(needle),
            "{needle} on stderr: {stderr_text}"
        );
        let files = files_containing(w.home(), needle);
        assert!(files.is_empty(), "{needle} in {files:?}");
    }
}

/// Percent-encoded as in a query value.
fn encoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn console_signs_in_through_a_real_browser_and_lands_on_the_role() {
    let (mut w, signin) = world();
    let dir = artifacts("console-browser");
    w.set("BROWSER", &browser_script(&dir).display().to_string());
    let (out, reqs) = w.recorded(|| {
        w.run(&[
            "console",
            "prod-admin",
            "--token",
            "123456",
            "--reason",
            "INC-9",
        ])
    });
    assert_eq!(ok(&out), "", "nothing on stdout without --print");
    let dom = browser_run(&dir, 0);
    assert!(dom.contains(&format!("Signed in as {PROD_ARN}")), "{dom}");
    assert!(dom.contains("/console/home?region=eu-west-1"), "{dom}");

    // MFA as for switch: one AssumeRole with the code.
    let assume = with_action(&reqs, "AssumeRole");
    assert_eq!(assume.len(), 1);
    assert_eq!(assume[0].params["TokenCode"], "123456");
    assert_eq!(assume[0].params["DurationSeconds"], "1800");

    // Sign-out, then login, then the console: all followed by the browser.
    assert_eq!(
        signin.steps(),
        ["getSigninToken", "logout", "login", "/console/home"]
    );
    let get = signin.only("getSigninToken");
    assert_eq!(
        get.params["SessionDuration"], "1800",
        "assumed with long-term keys"
    );
    let session: serde_json::Value = serde_json::from_str(&get.params["Session"]).unwrap();
    assert!(session["sessionId"].as_str().unwrap().starts_with("ASIA"));
    assert_ne!(session["sessionKey"], SECRET);
    let login = signin.only("login");
    assert_eq!(login.status, 302);
    assert_eq!(login.params["Issuer"], "rolex");
    assert_eq!(
        login.params["Destination"],
        format!("{}/console/home?region=eu-west-1", signin.url)
    );
    assert!(login.params["SigninToken"].starts_with("tok+1/"));
    let logout = signin.only("logout");
    assert!(
        logout.params["redirect_uri"]
            .starts_with(&format!("{}/federation?Action=login&", signin.url))
    );

    // The browser's command line held a file of rolex's, not the URL.
    let argv = std::fs::read_to_string(dir.join("run-0/argv")).unwrap();
    assert!(
        argv.starts_with("file:///") && !argv.contains("tok"),
        "{argv}"
    );
    let data = w.home().join(".local/share/rolex");
    let pages: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("console-"))
        .collect();
    assert!(pages.is_empty(), "the page is deleted once read");

    let err = stderr(&out);
    assert!(
        err.contains("opening the AWS console as prod-admin in prod (a 30m console session)"),
        "{err}"
    );
    no_secret_outside_stdout(&w, &signin, &err);
    let log = ok(&w.run(&["log", "--json"]));
    assert!(
        log.contains("\"event\":\"console\"") && log.contains("INC-9"),
        "{log}"
    );
}

#[test]
fn console_signs_out_of_the_previous_account_first() {
    let (mut w, signin) = world();
    let dir = artifacts("console-switch-account");
    w.set("BROWSER", &browser_script(&dir).display().to_string());
    ok(&w.run(&["console", "prod-admin", "--token", "123456"]));
    assert!(browser_run(&dir, 0).contains(PROD_ARN));
    // The same browser profile, now for another account.
    ok(&w.run(&[
        "console",
        "staging-ops",
        "--token",
        "123456",
        "--service",
        "ec2",
    ]));
    let dom = browser_run(&dir, 1);
    assert!(
        dom.contains(&format!("Signed in as {STAGING_ARN}")),
        "{dom}"
    );
    assert!(dom.contains("/ec2/home?region=us-west-2"), "{dom}");
    let logouts: Vec<Hit> = signin
        .hits()
        .into_iter()
        .filter(|h| h.params.get("Action").map(String::as_str) == Some("logout"))
        .collect();
    assert_eq!(logouts.len(), 2);
    assert_eq!(
        logouts[1].cookie.as_deref(),
        Some("s1"),
        "the browser kept the first console session until the sign-out"
    );
    // Without the sign-out, the console refuses the second account.
    ok(&w.run(&["console", "prod-admin", "--no-logout"]));
    let dom = browser_run(&dir, 2);
    assert!(
        dom.contains("Already signed in") && dom.contains(STAGING_ARN),
        "{dom}"
    );
}

#[test]
fn print_puts_the_url_on_stdout_only_and_chromium_follows_it() {
    let (w, signin) = world();
    let dir = artifacts("console-print");
    let out = w.run(&["console", "prod-admin", "--print", "--token", "123456"]);
    let url = ok(&out).trim().to_string();
    assert!(
        url.starts_with(&format!("{}/oauth?Action=logout&redirect_uri=", signin.url)),
        "{url}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("sign-in URL for prod-admin in prod on stdout"),
        "{err}"
    );
    no_secret_outside_stdout(&w, &signin, &err);
    let dom = chromium_opens(&url, &dir);
    assert!(dom.contains(&format!("Signed in as {PROD_ARN}")), "{dom}");

    // No display and no BROWSER: printed too; --no-logout goes straight to login.
    let out = w.run(&[
        "console",
        "prod-admin",
        "--no-logout",
        "--destination",
        &format!("{}/s3/buckets?region=eu-west-1", signin.url),
    ]);
    let url = ok(&out).trim().to_string();
    assert!(
        url.starts_with(&format!(
            "{}/federation?Action=login&Issuer=rolex&",
            signin.url
        )),
        "{url}"
    );
    let dom = chromium_opens(&url, &dir.join("second"));
    assert!(
        dom.contains(PROD_ARN) && dom.contains("/s3/buckets?region=eu-west-1"),
        "{dom}"
    );
    no_secret_outside_stdout(&w, &signin, &stderr(&out));
}

#[test]
fn role_chained_sessions_get_no_session_duration() {
    // A `via` chain.
    let (w, signin) = world();
    let url = ok(&w.run(&["console", "deep", "--print", "--token", "123456"]));
    assert!(!url.is_empty());
    let get = signin.only("getSigninToken");
    assert_eq!(get.params.get("SessionDuration"), None);
    assert_eq!(get.status, 200, "moto knows the chained role's keys");

    // The role assumed with an MFA session (GetSessionToken).
    let mut w = World::new(&PROFILE.replace("mfa_session = \"off\"", "mfa_session = \"12h\""));
    let signin = SignIn::start(&w.moto.url);
    w.set("ROLEX_SIGNIN_URL", &signin.url);
    w.set("ROLEX_CONSOLE_URL", &signin.url);
    let (out, reqs) =
        w.recorded(|| w.run(&["console", "prod-admin", "--print", "--token", "123456"]));
    let err = stderr(&out);
    ok(&out);
    assert_eq!(with_action(&reqs, "GetSessionToken").len(), 1);
    assert_eq!(
        signin.only("getSigninToken").params.get("SessionDuration"),
        None
    );
    assert!(
        err.contains("a console session that AWS ends with the role session"),
        "{err}"
    );
}

#[test]
fn confirm_reason_and_mfa_guard_the_console_as_they_guard_switch() {
    let (w, signin) = world();
    let (out, reqs) = w.recorded(|| w.run(&["console", "guarded", "--print", "--token", "123456"]));
    assert!(fails(&out, 2).contains("requires a reason"));
    assert!(reqs.is_empty() && signin.hits().is_empty());

    let (out, reqs) = w.recorded(|| {
        w.run(&[
            "console", "guarded", "--print", "--token", "123456", "--reason", "INC-1",
        ])
    });
    let err = fails(&out, 1);
    assert!(
        err.contains("asks for confirmation and there is no terminal"),
        "{err}"
    );
    assert!(reqs.is_empty() && signin.hits().is_empty());

    // No MFA code and no terminal: nothing reaches AWS or the sign-in host.
    let (out, reqs) = w.recorded(|| w.run(&["console", "prod-admin", "--print"]));
    fails(&out, 1);
    assert!(with_action(&reqs, "AssumeRole").is_empty());
    assert!(signin.hits().is_empty());

    let out = w.run(&[
        "console", "guarded", "--print", "--token", "123456", "--reason", "INC-1", "--yes",
    ]);
    assert!(ok(&out).contains("Action=logout"));
    let log = ok(&w.run(&["log", "--json"]));
    let entry = log
        .lines()
        .find(|l| l.contains("\"event\":\"console\""))
        .expect(&log);
    assert!(
        entry.contains("\"reason\":\"INC-1\"") && entry.contains("Guarded"),
        "{entry}"
    );
    assert!(!entry.contains("tok") && !entry.contains("http"), "{entry}");
}

#[test]
fn console_errors_say_what_went_wrong_in_plain_words() {
    let (mut w, signin) = world();
    // The sign-in host refuses the session.
    let refusing = crate::harness::ErrorServer::start(400, "x", "Invalid Credentials");
    let out = w.run_with(
        &["console", "prod-admin", "--print", "--token", "123456"],
        &[("ROLEX_SIGNIN_URL", &refusing.url)],
    );
    let err = fails(&out, 1);
    assert!(
        err.contains("refused the session of role prod-admin (HTTP 400)"),
        "{err}"
    );
    assert!(err.contains("rolex clear prod-admin"), "{err}");
    assert!(
        !err.contains("sessionKey") && !err.contains("ASIA"),
        "{err}"
    );
    assert_eq!(stdout(&out), "");

    // An answer far larger than a sign-in token is not read to the end.
    let big = TcpListener::bind("127.0.0.1:0").unwrap();
    let big_url = format!("http://{}", big.local_addr().unwrap());
    let server = thread::spawn(move || {
        let (mut s, _) = big.accept().unwrap();
        let mut line = String::new();
        BufReader::new(s.try_clone().unwrap())
            .read_line(&mut line)
            .unwrap();
        let body = format!("{{\"SigninToken\": \"{}\"}}", "x".repeat(1 << 20));
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
    });
    let out = w.run_with(
        &["console", "prod-admin", "--print"],
        &[("ROLEX_SIGNIN_URL", &big_url)],
    );
    let err = fails(&out, 1);
    assert!(
        err.contains("gave no sign-in token: cannot read the answer: length limit exceeded"),
        "{err}"
    );
    server.join().unwrap();

    // Nobody listens.
    let closed = format!("http://127.0.0.1:{}", crate::harness::free_port());
    let err = fails(
        &w.run_with(
            &["console", "prod-admin", "--print"],
            &[("ROLEX_SIGNIN_URL", &closed)],
        ),
        1,
    );
    assert!(
        err.contains("cannot reach the AWS sign-in endpoint"),
        "{err}"
    );

    // Bad overrides and destinations are usage errors, found before MFA.
    let err = fails(
        &w.run_with(
            &["console", "prod-admin", "--print"],
            &[("ROLEX_SIGNIN_URL", "http://signin.example.com")],
        ),
        2,
    );
    assert!(
        err.contains("http:// is allowed for 127.0.0.1 only"),
        "{err}"
    );
    let err = fails(
        &w.run(&[
            "console",
            "prod-admin",
            "--destination",
            "https://evil.example/",
        ]),
        2,
    );
    assert!(err.contains("is not a page of the console"), "{err}");

    // No browser to be found: say so and point at --print, before any AWS call.
    w.set("BROWSER", "no-such-browser-here");
    let (out, reqs) = w.recorded(|| w.run(&["console", "prod-admin", "--token", "123456"]));
    let err = fails(&out, 1);
    assert!(
        err.contains("names no program") && err.contains("--print"),
        "{err}"
    );
    assert!(reqs.is_empty());
    assert!(signin.hits().is_empty());
}

/// A TLS sign-in stand-in (Python's ssl module, an openssl self-signed
/// certificate for 127.0.0.1): getSigninToken goes over rolex's real HTTPS
/// client, which checks the certificate against the roots it trusts.
#[test]
fn get_signin_token_over_https_checks_the_certificate() {
    let (mut w, _signin) = world();
    w.unset("ROLEX_CONSOLE_URL");
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = test_certificates(dir.path());
    let seen = dir.path().join("seen");
    let script = dir.path().join("tls.py");
    std::fs::write(
        &script,
        "import http.server, json, ssl, sys\n\
         class H(http.server.BaseHTTPRequestHandler):\n\
         \x20   def do_GET(self):\n\
         \x20       open(sys.argv[3], 'a').write(self.path + '\\n')\n\
         \x20       body = json.dumps({'SigninToken': 'tls-token'}).encode()\n\
         \x20       self.send_response(200)\n\
         \x20       self.send_header('Content-Length', str(len(body)))\n\
         \x20       self.end_headers()\n\
         \x20       self.wfile.write(body)\n\
         \x20   def log_message(self, *args):\n\
         \x20       pass\n\
         srv = http.server.HTTPServer(('127.0.0.1', 0), H)\n\
         ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
         ctx.load_cert_chain(sys.argv[1], sys.argv[2])\n\
         srv.socket = ctx.wrap_socket(srv.socket, server_side=True)\n\
         print(srv.server_address[1], flush=True)\n\
         srv.serve_forever()\n",
    )
    .unwrap();
    let mut server = Killed(
        Command::new(crate::harness::venv().join("bin/python"))
            .arg(&script)
            .args([&cert, &key, &seen])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut port = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let url = format!("https://127.0.0.1:{}", port.trim());
    let cert_file = ca.display().to_string();

    // Trusting the stand-in's certificate: the token comes back over TLS.
    let out = w.run_with(
        &["console", "prod-admin", "--print", "--token", "123456"],
        &[("ROLEX_SIGNIN_URL", &url), ("SSL_CERT_FILE", &cert_file)],
    );
    let printed = ok(&out);
    assert!(
        printed.starts_with(&format!("{url}/oauth?Action=logout&redirect_uri=")),
        "{printed}"
    );
    assert!(printed.contains("SigninToken%3Dtls-token"), "{printed}");
    let requests = std::fs::read_to_string(&seen).unwrap();
    assert!(
        requests.starts_with("/federation?Action=getSigninToken&SessionDuration=1800&Session=%7B"),
        "{requests}"
    );

    // The system's roots do not know it: refused, in plain words.
    let out = w.run_with(
        &["console", "prod-admin", "--print"],
        &[("ROLEX_SIGNIN_URL", &url)],
    );
    let err = fails(&out, 1);
    assert!(
        err.contains("cannot reach the AWS sign-in endpoint") && err.contains("certificate"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&seen).unwrap().lines().count(), 1);
}

/// A child process killed when the test ends, passed or not.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A test CA and a certificate it signed for 127.0.0.1: (CA, cert, key).
fn test_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let p = |name: &str| dir.join(name);
    let ext = p("ext");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl (Debian's openssl package) makes the test certificates");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=rolex test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "ext",
        "-out",
        "cert.pem",
    ]);
    (p("ca.pem"), p("cert.pem"), p("key.pem"))
}

/// No ROLE, none active, no defaults.role, and a terminal (tmux): the same
/// fuzzy picker as `switch`.
#[test]
fn console_without_a_role_offers_the_picker_on_a_terminal() {
    let (w, signin) = world();
    let dir = w.home().join("tmux");
    std::fs::create_dir_all(&dir).unwrap();
    let q = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut script = String::from("#!/bin/sh\nexec env -i TERM=xterm");
    for (k, v) in w.base_env().iter().chain(w.vars.iter()) {
        script.push_str(&format!(" {k}={}", q(v)));
    }
    let d = dir.display();
    script.push_str(&format!(
        " sh -c '{} console --print --token 123456 > {d}/url; echo $? > {d}/rc; sleep 60'\n",
        rolex().display()
    ));
    let launcher = dir.join("launch.sh");
    std::fs::write(&launcher, script).unwrap();
    set_mode(&launcher, 0o700);
    let socket = format!("rolex-console-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-L")
            .arg(&socket)
            .args(args)
            .output()
            .unwrap()
    };
    struct Server<'a>(&'a dyn Fn(&[&str]) -> std::process::Output);
    impl Drop for Server<'_> {
        fn drop(&mut self) {
            (self.0)(&["kill-server"]);
        }
    }
    let _server = Server(&tmux);
    assert!(
        tmux(&[
            "new-session",
            "-d",
            "-x",
            "200",
            "-y",
            "50",
            &launcher.display().to_string()
        ])
        .status
        .success()
    );
    let screen = || String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !screen().contains("staging-ops") {
        assert!(Instant::now() < deadline, "no picker: {}", screen());
        thread::sleep(Duration::from_millis(50));
    }
    tmux(&["send-keys", "-l", "stag"]);
    thread::sleep(Duration::from_millis(300));
    tmux(&["send-keys", "Enter"]);
    while !dir.join("rc").exists() {
        assert!(
            Instant::now() < deadline,
            "console did not finish: {}",
            screen()
        );
        thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("rc")).unwrap().trim(),
        "0",
        "{}",
        screen()
    );
    let url = std::fs::read_to_string(dir.join("url")).unwrap();
    assert!(url.contains("Action%3Dlogin"), "{url}");
    let signed_in: Vec<String> = signin
        .state
        .lock()
        .unwrap()
        .tokens
        .values()
        .cloned()
        .collect();
    assert_eq!(signed_in, [STAGING_ARN]);
}

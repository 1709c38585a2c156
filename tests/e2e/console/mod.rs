//! Issue 7: `rolex console`. A stand-in for the AWS sign-in host on
//! 127.0.0.1 (it checks the role session's keys against moto with
//! GetCallerIdentity), and a real headless Chromium that follows the whole
//! flow: rolex's private page, sign-out, login, the console page.

mod browser;
mod standin;
mod tls;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::world::*;
use browser::*;
use standin::{Hit, SignIn};

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
fn the_console_host_follows_the_role_arns_partition() {
    let (mut w, signin) = world();
    w.unset("ROLEX_CONSOLE_URL");
    for (arn, console) in [
        (
            "arn:aws-us-gov:iam::999999999999:role/Gov",
            "console.amazonaws-us-gov.com",
        ),
        (
            "arn:aws-cn:iam::999999999999:role/Cn",
            "console.amazonaws.cn",
        ),
        (
            "arn:aws:iam::999999999999:role/Std",
            "console.aws.amazon.com",
        ),
    ] {
        // (moto keeps one partition's role sessions apart from another's
        // regions: the sessions are made in eu-west-1, the console's region.)
        let out = w.run(&[
            "console",
            arn,
            "--print",
            "--no-logout",
            "--token",
            "123456",
        ]);
        let url = ok(&out);
        let dest =
            format!("Destination=https%3A%2F%2F{console}%2Fconsole%2Fhome%3Fregion%3Deu-west-1&");
        assert!(url.contains(&dest), "{arn}: {url}");
    }
    assert_eq!(signin.tokens().len(), 3, "each session was accepted");
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

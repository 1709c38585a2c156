//! Hands a secret URL (the console sign-in URL) to the operator's browser
//! with as little exposure as we can manage.
//!
//! A command line is readable by every user of the machine (`ps`,
//! `/proc/PID/cmdline`), so the URL never goes on one. Instead rolex
//! 1. listens on 127.0.0.1 (a random port) for one request to a random path,
//! 2. writes a page that only points at that address into a file of its
//!    private data folder (folder 0700, file 0600),
//! 3. starts the browser on that file (`file://...`: nothing secret in argv),
//! 4. answers the browser's request, once, with a redirect to the URL, then
//!    deletes the page and stops listening.
//!
//! The page's path is visible to others but its content is not; the random
//! path it holds works for one request, and only while rolex waits.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::env::Env;
use crate::error::{UserError, failed};

/// How long rolex waits for the browser to ask for the page.
pub const WAIT: Duration = Duration::from_secs(120);

/// A command that opens a URL: its words, `%s` standing for the URL (else
/// the URL goes last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opener {
    pub argv: Vec<String>,
}

impl Opener {
    fn command(&self, url: &str) -> Command {
        let mut words: Vec<String> = self.argv.iter().map(|w| w.replace("%s", url)).collect();
        if !self.argv.iter().any(|w| w.contains("%s")) {
            words.push(url.to_string());
        }
        let mut cmd = Command::new(&words[0]);
        cmd.args(&words[1..]);
        cmd
    }

    fn name(&self) -> &str {
        &self.argv[0]
    }
}

/// The browser to use: `$BROWSER` (a `:`-separated list, the first command
/// found wins), else the platform's opener. `None`: there is no display, so
/// the URL is to be printed.
pub fn find(env: &Env) -> Result<Option<Opener>, UserError> {
    let path = env.get("PATH").unwrap_or("");
    if let Some(list) = env.non_empty("BROWSER") {
        let sep = if cfg!(windows) { ';' } else { ':' };
        for entry in list.split(sep) {
            let argv: Vec<String> = entry.split_whitespace().map(str::to_string).collect();
            if argv.first().is_some_and(|p| on_path(p, path)) {
                return Ok(Some(Opener { argv }));
            }
        }
        return Err(
            failed(format!("BROWSER={list:?} names no program rolex can find"))
                .hint("fix BROWSER, or `rolex console --print` prints the URL to open yourself"),
        );
    }
    let platform: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        if env.non_empty("DISPLAY").is_none() && env.non_empty("WAYLAND_DISPLAY").is_none() {
            return Ok(None);
        }
        &["xdg-open"]
    };
    if cfg!(unix) && !on_path(platform[0], path) {
        return Err(failed(format!(
            "no browser found: BROWSER is not set and {} is not installed",
            platform[0]
        ))
        .hint("`rolex console --print` prints the URL to open yourself, or set BROWSER"));
    }
    Ok(Some(Opener {
        argv: platform.iter().map(|s| s.to_string()).collect(),
    }))
}

/// Whether `program` is a path to a file, or found in `path`.
fn on_path(program: &str, path: &str) -> bool {
    if program.contains('/') || program.contains('\\') {
        return Path::new(program).is_file();
    }
    std::env::split_paths(path).any(|dir| dir.join(program).is_file())
}

/// Opens `secret_url` in the browser through a private page (see the module
/// comment); `dir` is a folder only this user can read. Returns once the
/// browser has been sent on to the URL.
pub fn open(opener: &Opener, secret_url: &str, dir: &Path, env: &Env) -> Result<(), UserError> {
    let cannot = |what: &str, e: std::io::Error| failed(format!("cannot {what}: {e}"));
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| cannot("listen on 127.0.0.1", e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| cannot("listen on 127.0.0.1", e))?;
    let port = listener
        .local_addr()
        .map_err(|e| cannot("listen on 127.0.0.1", e))?
        .port();
    let nonce = random_hex()?;
    let page = Page::write(dir, &format!("http://127.0.0.1:{port}/{nonce}"))?;
    let mut cmd = opener.command(&page.file_url());
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for name in crate::env::ROLE_VARS.iter().chain(crate::env::PRIVATE_VARS) {
        cmd.env_remove(name);
    }
    if let Some(p) = env.get("PATH") {
        cmd.env("PATH", p);
    }
    let mut child = cmd.spawn().map_err(|e| {
        failed(format!("cannot start the browser ({}): {e}", opener.name()))
            .hint("set BROWSER, or `rolex console --print` prints the URL to open yourself")
    })?;
    let deadline = Instant::now() + WAIT;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if answer(stream, &nonce, secret_url) {
                    return Ok(());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(cannot("accept the browser's request", e)),
        }
        if let Ok(Some(status)) = child.try_wait()
            && !status.success()
        {
            return Err(failed(format!(
                "the browser command {} failed ({status})",
                opener.name()
            ))
            .hint("set BROWSER, or `rolex console --print` prints the URL to open yourself"));
        }
        if Instant::now() >= deadline {
            return Err(failed(format!(
                "the browser ({}) did not open the sign-in page within {}s",
                opener.name(),
                WAIT.as_secs()
            ))
            .hint("`rolex console --print` prints the URL to open yourself"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Answers one request: the redirect for `/NONCE` (true), else 404.
fn answer(mut stream: TcpStream, nonce: &str, secret_url: &str) -> bool {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    // One deadline for the whole request, not one per read.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let text = crate::endpoint::read_head(&mut stream, deadline).unwrap_or_default();
    let mut line = text.lines().next().unwrap_or("").split_whitespace();
    let hit = line.next() == Some("GET") && line.next() == Some(&format!("/{nonce}"));
    let reply = if hit {
        format!(
            "HTTP/1.1 303 See Other\r\nLocation: {secret_url}\r\nCache-Control: no-store\r\n\
             Referrer-Policy: no-referrer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    } else {
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
    };
    let sent = stream
        .write_all(reply.as_bytes())
        .and_then(|()| stream.flush());
    hit && sent.is_ok()
}

/// 128 random bits, hex.
fn random_hex() -> Result<String, UserError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| failed(format!("cannot get random bytes from the system: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The page the browser opens; deleted when dropped.
struct Page {
    path: PathBuf,
}

impl Page {
    fn write(dir: &Path, next: &str) -> Result<Self, UserError> {
        let path = dir.join(format!("console-{}.html", random_hex()?));
        let html = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\">\
             <meta name=\"referrer\" content=\"no-referrer\"><title>rolex: AWS console sign-in</title>\
             <script>location.replace(\"{next}\")</script></head>\n\
             <body><p><a href=\"{next}\">Continue to the AWS console</a></p></body></html>\n"
        );
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let page = Self { path };
        let mut file = options
            .open(&page.path)
            .map_err(|e| failed(format!("cannot write {}: {e}", page.path.display())))?;
        file.write_all(html.as_bytes())
            .map_err(|e| failed(format!("cannot write {}: {e}", page.path.display())))?;
        Ok(page)
    }

    fn file_url(&self) -> String {
        let path = self.path.display().to_string().replace('\\', "/");
        let mut url = String::from("file://");
        if !path.starts_with('/') {
            url.push('/');
        }
        for b in path.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~' | b':') {
                url.push(char::from(b));
            } else {
                url.push_str(&format!("%{b:02X}"));
            }
        }
        url
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_comes_from_browser_var_then_the_display() {
        let env = |pairs: &[(&str, &str)]| Env::from_pairs(pairs);
        let b = find(&env(&[
            ("BROWSER", "nope-x:sh -c %s"),
            ("PATH", "/bin:/usr/bin"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(b.argv, ["sh", "-c", "%s"]);
        let c = b.command("URL");
        assert_eq!(
            c.get_args().collect::<Vec<_>>(),
            [std::ffi::OsStr::new("-c"), std::ffi::OsStr::new("URL")]
        );
        assert!(find(&env(&[("BROWSER", "nope-x"), ("PATH", "/bin")])).is_err());
        if cfg!(target_os = "linux") {
            assert_eq!(find(&env(&[("PATH", "/bin")])).unwrap(), None, "no display");
        }
    }

    #[test]
    fn the_page_is_private_points_at_loopback_and_goes_away() {
        let dir = tempfile::tempdir().unwrap();
        let page = Page::write(dir.path(), "http://127.0.0.1:9/abc").unwrap();
        let text = std::fs::read_to_string(&page.path).unwrap();
        assert!(text.contains("location.replace(\"http://127.0.0.1:9/abc\")"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&page.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(page.file_url().starts_with("file:///"));
        let path = page.path.clone();
        drop(page);
        assert!(!path.exists());
    }
}

//! A moto server on a free loopback port, killed on drop.

use super::*;

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

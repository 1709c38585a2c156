//! Debian's headless Chromium as the operator's browser.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::world::{ok, set_mode};

/// Debian's chromium: a missing browser fails the test, it is not skipped.
pub(super) fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
        .expect("chromium is not installed: the console tests need a real browser (apt-get install chromium; tests/run.sh installs it)")
}

pub(super) const CHROMIUM_FLAGS: &str = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --window-size=1280,800";

/// Where a test keeps what the browser saw: `$ROLEX_TEST_ARTIFACTS/NAME`,
/// else `target/tmp/artifacts/NAME` (never in git).
pub(super) fn artifacts(name: &str) -> PathBuf {
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
pub(super) fn browser_script(dir: &Path) -> PathBuf {
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
pub(super) fn browser_run(dir: &Path, n: usize) -> String {
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
pub(super) fn chromium_opens(url: &str, dir: &Path) -> String {
    let out = Command::new(chromium())
        .args(CHROMIUM_FLAGS.split_whitespace())
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--screenshot={}", dir.join("final.png").display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap();
    ok(&out)
}

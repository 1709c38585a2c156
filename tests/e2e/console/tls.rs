//! getSigninToken over real TLS.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::world;
use crate::world::*;

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

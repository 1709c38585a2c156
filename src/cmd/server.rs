//! `rolex exec --server ROLE -- CMD`: the command gets a credential endpoint
//! on 127.0.0.1 instead of static keys, and rolex stays its parent to renew
//! the role session from the MFA session for as long as the command runs.
//!
//! One thread owns the sessions (they are not `Send`) and answers requests
//! one at a time, so requests that arrive together make one STS call.
//! Another waits for the command and wakes the first when it ends; a third
//! forwards signals (Unix).

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use super::Ctx;
use crate::aws::Credentials;
use crate::endpoint::{self, Request};
use crate::env::Env;
use crate::error::{UserError, failed};
use crate::output::{self, RoleVars};
use crate::profile::Plan;
use crate::session::{self, Sessions};

/// Role variables that `exec` sets and `exec --server` leaves out: the
/// endpoint hands out credentials instead, and expiry times would go stale.
const STATIC_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
];

/// Variables that SDKs would read before (or instead of) the endpoint.
const COMPETING_VARS: &[&str] = &[
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
];

pub fn exec_server(ctx: &Ctx, role: Option<String>, command: &[String]) -> anyhow::Result<i32> {
    // The first session up front: a code is asked now, before the command
    // owns the terminal, and a role that cannot be assumed stops us here.
    let (plan, sessions, first) = super::creds::role_session(ctx, role)?;
    ctx.audit("exec", &plan, &first);
    warn_if_default_profile_wins(ctx, &plan.role);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| failed(format!("cannot listen on 127.0.0.1: {e}")))?;
    let addr = listener.local_addr()?;
    let token =
        endpoint::new_token().map_err(|e| failed(format!("cannot make a random token: {e}")))?;

    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..]);
    child_env(
        &mut cmd,
        &RoleVars::new(&plan, &first.credentials, sessions.original()),
        sessions.original(),
        &format!("http://{addr}/"),
        &token,
    );
    #[cfg(unix)]
    let signals = forward::catch().map_err(|e| failed(format!("cannot catch signals: {e}")))?;
    let child = cmd
        .spawn()
        .map_err(|e| crate::error::cannot_run(&command[0], e))?;
    let done = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    signals.forward_to(child.id(), done.clone());
    let ended = wait_in_background(child, addr, done);

    let mut server = Server {
        ctx,
        plan,
        sessions,
        current: first.credentials,
        margin: ctx.config.defaults.cache_margin.into(),
        token,
    };
    for conn in listener.incoming() {
        if let Ok(status) = ended.try_recv() {
            return Ok(status);
        }
        match conn {
            Ok(mut stream) => server.serve(&mut stream),
            // Out of file descriptors and the like: wait, do not spin.
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    unreachable!("incoming() never ends")
}

/// The command's environment: `exec`'s role variables without static keys,
/// plus the endpoint and its token.
fn child_env(cmd: &mut Command, vars: &RoleVars, original: &Env, url: &str, token: &str) {
    let mut vars = vars.clone();
    vars.set.retain(|(k, _)| !STATIC_VARS.contains(&k.as_str()));
    vars.unset.extend(STATIC_VARS.iter().map(|s| s.to_string()));
    output::apply_to_command(cmd, &vars.apply(original));
    for name in COMPETING_VARS {
        cmd.env_remove(name);
    }
    cmd.env("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
}

/// Keys that give the AWS default profile credentials of its own.
const PROFILE_CREDENTIALS: &[&str] = &[
    "aws_access_key_id",
    "credential_process",
    "role_arn",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

/// SDKs and the AWS CLI read the default profile of the AWS files before
/// the container endpoint: credentials there would win over the role.
fn warn_if_default_profile_wins(ctx: &Ctx, role: &str) {
    let credentials_file = ctx
        .env
        .non_empty("AWS_SHARED_CREDENTIALS_FILE")
        .map(std::path::PathBuf::from)
        .or_else(|| crate::config::home(ctx.env).map(|h| h.join(".aws").join("credentials")));
    for path in [credentials_file, super::import::aws_config_path(ctx)]
        .into_iter()
        .flatten()
    {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let profiles = super::import::parse_ini(&text);
        if let Some(p) = profiles.get("default")
            && PROFILE_CREDENTIALS.iter().any(|k| p.contains_key(*k))
        {
            eprintln!(
                "rolex: the default profile of {} has credentials; AWS SDKs and the AWS CLI take them before rolex's endpoint, so the command would not act as {role}",
                path.display()
            );
            eprintln!(
                "  hint: move them to a named profile (a rolex source can read it: from = \"aws-profile:NAME\"), or use rolex exec without --server"
            );
        }
    }
}

/// Waits for the command on its own thread; its exit code arrives on the
/// channel, and a connection to the endpoint wakes the accept loop.
fn wait_in_background(
    mut child: Child,
    addr: SocketAddr,
    done: Arc<AtomicBool>,
) -> mpsc::Receiver<i32> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let code = match child.wait() {
            Ok(status) => exit_code(status),
            Err(e) => {
                eprintln!("rolex: lost track of the command: {e}");
                1
            }
        };
        done.store(true, Ordering::SeqCst);
        let _ = tx.send(code);
        if TcpStream::connect(addr).is_err() {
            // The accept loop cannot be woken: end here.
            std::process::exit(code);
        }
    });
    rx
}

/// The command's own status, or 128+N when signal N ended it.
fn exit_code(status: ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return 128 + sig;
        }
    }
    status.code().unwrap_or(1)
}

/// The endpoint's state: the session handed out last, renewed when stale.
struct Server<'a> {
    ctx: &'a Ctx<'a>,
    plan: Plan,
    sessions: Sessions<'a>,
    current: Credentials,
    margin: i64,
    token: String,
}

impl Server<'_> {
    fn serve(&mut self, stream: &mut TcpStream) {
        match endpoint::read_request(stream, &self.token) {
            Request::Refused(status, why) => {
                endpoint::respond(stream, status, &endpoint::error_body("Refused", why));
            }
            Request::Credentials => match self.credentials() {
                Ok(c) => endpoint::respond(stream, 200, &endpoint::credentials_body(&c)),
                Err(e) => {
                    eprintln!(
                        "rolex: cannot renew the session of role {} for the command: {}",
                        self.plan.role, e.message
                    );
                    if let Some(h) = &e.hint {
                        eprintln!("  hint: {h}");
                    }
                    let message = format!(
                        "rolex could not renew the session of role {}: {} (see rolex's messages)",
                        self.plan.role, e.message
                    );
                    endpoint::respond(stream, 500, &endpoint::error_body("RolexError", &message));
                }
            },
        }
    }

    /// The session handed out last while it is fresher than the cache
    /// margin; else a cached or new one (from the MFA session, asking for a
    /// code only when that ran out too).
    fn credentials(&mut self) -> Result<Credentials, UserError> {
        let left = self
            .current
            .expiration
            .as_deref()
            .and_then(session::seconds_left);
        if left.is_some_and(|s| s > self.margin) {
            return Ok(self.current.clone());
        }
        let s = self.sessions.role(&self.plan)?;
        if s.new {
            self.ctx.audit("renew", &self.plan, &s);
        }
        self.current = s.credentials.clone();
        Ok(s.credentials)
    }
}

/// Signals while the command runs: rolex must outlive them and pass them on.
#[cfg(unix)]
mod forward {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    use signal_hook::iterator::SignalsInfo;
    use signal_hook::iterator::exfiltrator::WithOrigin;

    pub struct Signals(SignalsInfo<WithOrigin>);

    /// From now on these signals no longer end rolex; call before the
    /// command starts, so none slips in between.
    pub fn catch() -> std::io::Result<Signals> {
        SignalsInfo::<WithOrigin>::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT]).map(Signals)
    }

    impl Signals {
        /// Passes signals on to `pid` until `done`. A signal the terminal
        /// or the kernel raised (Ctrl-C, Ctrl-\, hang-up) reached the
        /// command's process group, the command included, already; one that
        /// a process sent to rolex alone (kill) is sent on. SIGTERM always is.
        pub fn forward_to(mut self, pid: u32, done: Arc<AtomicBool>) {
            std::thread::spawn(move || {
                for origin in self.0.forever() {
                    if done.load(Ordering::SeqCst) {
                        break;
                    }
                    if origin.signal == SIGTERM || origin.process.is_some() {
                        send(pid, origin.signal);
                    }
                }
            });
        }
    }

    fn send(pid: u32, signal: i32) {
        let pid = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw);
        let signal = rustix::process::Signal::from_named_raw(signal);
        if let (Some(pid), Some(signal)) = (pid, signal) {
            let _ = rustix::process::kill_process(pid, signal);
        }
    }
}

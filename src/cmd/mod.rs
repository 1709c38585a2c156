//! One file per subcommand; this one dispatches and holds what they share.

mod aws_config;
mod console;
mod creds;
mod doctor;
mod exec_args;
mod first_run;
mod iam;
mod import;
mod import_org;
mod init;
mod list;
mod log;
mod prompt;
mod secrets;
mod server;
mod status;
mod switch;

use crate::cli::{Cli, Command, Common, IamCommand, RegionOpt, RoleOpts};
use crate::config::{self, Config};
use crate::env::Env;
use crate::error::{UserError, failed, usage};
use crate::profile::{self, Overrides, Plan};
use crate::session::{self, Sessions};
use crate::template::Values;

pub use prompt::fast_path as prompt_fast_path;

/// The `rolex` that operators run, for hooks and AWS profiles to name:
/// this binary, or, when this is `rolex-core` (which the small `rolex`
/// front binary hands most commands to), the `rolex` beside it.
pub fn rolex_exe() -> std::io::Result<std::path::PathBuf> {
    let exe = std::env::current_exe()?;
    let front = exe.with_file_name(format!("rolex{}", std::env::consts::EXE_SUFFIX));
    let is_core = exe.file_stem().is_some_and(|s| s == "rolex-core");
    Ok(if is_core && front.is_file() {
        front
    } else {
        exe
    })
}

/// Parses the command line; an `exec` without `--` gets rolex's own error.
pub fn parse() -> Result<Cli, anyhow::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match <Cli as clap::Parser>::try_parse_from(&args) {
        Ok(cli) => Ok(cli),
        Err(e) => match exec_args::missing_dashes(&args) {
            Some(err) if e.use_stderr() => Err(err.into()),
            _ => e.exit(),
        },
    }
}

/// Runs a command; the result is the exit code.
pub fn run(cli: Cli, env: &Env) -> anyhow::Result<i32> {
    // Commands that run at every prompt or shell start: environment only.
    match &cli.command {
        Command::Prompt {
            format,
            shell,
            no_color,
        } => return prompt::run(env, format.as_deref(), shell.as_deref(), *no_color),
        Command::Init { shell, prompt } => return init::init(*shell, *prompt),
        Command::Completions { shell } => return init::completions(*shell),
        Command::Man { dir } => return init::man(dir),
        Command::CompleteRoles => return init::complete_roles(env),
        Command::Log { since, json } => return log::log(env, since.as_deref(), *json),
        _ => {}
    }
    if !matches!(
        cli.command,
        Command::Switch { .. } | Command::Exit | Command::CredentialProcess { .. }
    ) {
        session::warn_if_expired(env);
    }
    // One load of the profile file; `doctor` explains a broken one.
    let config = match config::load(env) {
        Ok(config) => config,
        Err(e) if matches!(cli.command, Command::Doctor { .. }) => {
            return doctor::broken_profile(e);
        }
        Err(e) => return Err(e.into()),
    };
    let ctx = Ctx {
        env,
        config,
        common: common(&cli.command),
        who: std::cell::OnceCell::new(),
    };
    match cli.command {
        Command::Switch {
            role,
            subshell,
            nest,
            ..
        } => switch::switch(&ctx, role, subshell, nest),
        Command::Exit => switch::exit(&ctx),
        Command::Exec {
            role,
            command,
            server: true,
            ..
        } => server::exec_server(&ctx, role, &command),
        Command::Exec { role, command, .. } => creds::exec(&ctx, role, &command),
        Command::Env { role, format, .. } => creds::env(&ctx, role, format),
        Command::CredentialProcess { role, .. } => creds::credential_process(&ctx, &role),
        Command::Console {
            role,
            print,
            service,
            destination,
            no_logout,
            ..
        } => console::console(&ctx, role, print, service, destination, no_logout),
        Command::List { json } => list::list(&ctx, json),
        Command::Status { json, check } => status::status(&ctx, json, check),
        Command::Add {
            source, from_env, ..
        } => secrets::add(&ctx, &source, from_env),
        Command::Remove { source } => secrets::remove(&ctx, &source),
        Command::Rotate { source, .. } => secrets::rotate(&ctx, &source),
        Command::Clear { role, all } => secrets::clear(&ctx, role, all),
        Command::Doctor { role, .. } => doctor::doctor(&ctx, role.as_deref()),
        Command::Iam(cmd) => iam::iam(&ctx, cmd),
        Command::Import {
            write,
            organization: true,
            role,
        } => import_org::import(&ctx, &role, write),
        Command::Import { write, .. } => import::import(&ctx, write),
        Command::AwsConfig { write, prefix } => aws_config::aws_config(&ctx, write, &prefix),
        Command::Prompt { .. }
        | Command::Log { .. }
        | Command::Init { .. }
        | Command::Completions { .. }
        | Command::Man { .. }
        | Command::CompleteRoles => {
            unreachable!("handled above")
        }
    }
}

/// What `ctx.common` holds for this command: its own options, defaults for
/// the options it does not take.
fn common(command: &Command) -> Common {
    let from_role = |opts: &RoleOpts, yes: bool| Common {
        reason: opts.reason.clone(),
        token: opts.token.clone(),
        duration: opts.duration.clone(),
        region: opts.region.clone(),
        yes,
        no_cache: opts.no_cache,
    };
    let from_region = |region: &RegionOpt, yes: bool| Common {
        region: region.region.clone(),
        yes,
        ..Common::default()
    };
    match command {
        Command::Switch { opts, yes, .. }
        | Command::Exec { opts, yes, .. }
        | Command::Env { opts, yes, .. }
        | Command::Console { opts, yes, .. } => from_role(opts, yes.yes),
        Command::CredentialProcess { opts, .. } | Command::Doctor { opts, .. } => {
            from_role(opts, false)
        }
        Command::Add { region, yes, .. } => from_region(region, *yes),
        Command::Rotate { region, .. }
        | Command::Iam(IamCommand::CreateRole { region, .. })
        | Command::Iam(IamCommand::Grant { region, .. }) => from_region(region, false),
        _ => Common::default(),
    }
}

/// What every command that reaches AWS shares.
pub struct Ctx<'a> {
    pub env: &'a Env,
    pub config: Config,
    pub common: Common,
    /// The user and host names, once worked out.
    who: std::cell::OnceCell<(String, String)>,
}

impl Ctx<'_> {
    pub fn overrides(&self) -> Result<Overrides, UserError> {
        let duration = match &self.common.duration {
            Some(d) => {
                Some(config::role_duration(d).map_err(|m| usage(format!("--duration: {m}")))?)
            }
            None => None,
        };
        if let Some(r) = &self.common.region
            && !config::is_region(r)
        {
            return Err(usage(format!("--region {r:?} is not an AWS region name"))
                .hint("write it like eu-west-1 or us-gov-west-1"));
        }
        Ok(Overrides {
            duration,
            region: self.common.region.clone(),
            reason: self.common.reason.clone(),
        })
    }

    /// Who and where, for session names and the audit trail: worked out
    /// once per process (it may read /etc/passwd).
    pub fn values(&self) -> Values {
        let (user, host) = self.who.get_or_init(|| {
            (
                crate::process::user_name(self.env),
                crate::process::hostname(),
            )
        });
        Values {
            user: user.clone(),
            host: host.clone(),
            ..Values::default()
        }
    }

    pub fn plan(&self, role: &str) -> Result<Plan, UserError> {
        if !self.config.names_role(role) {
            self.first_run(&format!("no role {role:?}"))?;
        }
        profile::resolve(&self.config, role, &self.overrides()?, &self.values())
    }

    /// ROLE as given, else the active role, else `defaults.role`.
    pub fn pick_role(&self, role: Option<String>) -> Result<String, UserError> {
        let role = self.config.role_to_use(role, self.env);
        if role.is_none() {
            self.first_run("no role named, and none to fall back on")?;
        }
        role.ok_or_else(|| {
            usage("no role named, none active, and no defaults.role")
                .hint("name one: `rolex list` shows the roles")
        })
    }

    pub fn sessions(&self) -> Result<Sessions<'_>, UserError> {
        Sessions::new(
            self.env,
            self.common.token.clone(),
            !self.common.no_cache,
            self.config.defaults.cache_margin.into(),
        )
    }

    /// Writes what just happened with a role to the audit trail.
    pub fn audit(&self, event: &str, plan: &Plan, session: &crate::session::Session) {
        let v = self.values();
        let entry = crate::audit::Entry::for_session(
            event,
            plan,
            (&v.user, &v.host),
            self.common.reason.as_deref(),
            &session.credentials,
            session.new,
        );
        crate::audit::record(self.env, &entry);
    }

    /// Writes the end of a role to the audit trail.
    pub fn audit_exit(&self, role: &str, account: Option<&str>) {
        let v = self.values();
        let entry = crate::audit::Entry {
            account: account.map(str::to_string),
            ..crate::audit::Entry::new("exit", role, &v.user, &v.host)
        };
        crate::audit::record(self.env, &entry);
    }

    /// Roles marked `confirm` ask first, unless `--yes`.
    pub fn confirm(&self, plan: &Plan) -> Result<(), UserError> {
        if !plan.confirm || self.common.yes {
            return Ok(());
        }
        let term = crate::shell::tty_term().ok_or_else(|| {
            failed(format!(
                "role {} asks for confirmation and there is no terminal",
                plan.role
            ))
            .hint("pass --yes")
        })?;
        let printable = crate::terminal::printable;
        let what = plan
            .description
            .as_deref()
            .map_or(String::new(), |d| format!(" ({})", printable(d)));
        let ok = dialoguer::Confirm::new()
            .with_prompt(format!(
                "Switch to {}{what} in account {}?",
                printable(&plan.role),
                printable(plan.account_alias.as_deref().unwrap_or(&plan.account))
            ))
            .default(false)
            .interact_on(&term)
            .map_err(|e| failed(format!("cannot ask for confirmation: {e}")))?;
        if ok {
            Ok(())
        } else {
            Err(failed("not confirmed; nothing was changed"))
        }
    }
}

/// Whether `text` would load as the profile file at `target`, includes and
/// all: it is written to a private file beside `target` (so relative
/// includes resolve the same), loaded with the real loader, and removed.
pub fn profile_text_loads(
    env: &Env,
    target: &std::path::Path,
    text: &str,
) -> Result<(), UserError> {
    let dir = target.parent().unwrap_or(std::path::Path::new("."));
    let name = target
        .file_name()
        .map_or("config.toml".into(), |n| n.to_string_lossy());
    let trial = dir.join(format!(".{name}.check-{}", std::process::id()));
    let result = crate::store::write_private(&trial, text.as_bytes()).and_then(|()| {
        let mut env = env.clone();
        env.set("ROLEX_CONFIG", trial.display().to_string());
        config::load(&env).map(|_| ()).map_err(|e| UserError {
            message: e
                .message
                .replace(&trial.display().to_string(), &target.display().to_string()),
            ..e
        })
    });
    let _ = std::fs::remove_file(&trial);
    result
}

impl Ctx<'_> {
    /// Where the profile file is (or would be), for commands that write it.
    pub fn profile_path(&self) -> Result<std::path::PathBuf, UserError> {
        self.config
            .path
            .clone()
            .ok_or_else(|| usage("no profile file location: set ROLEX_CONFIG or HOME"))
    }
}

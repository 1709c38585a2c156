//! Every clap type; no logic.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Switch from your IAM user to IAM roles in other AWS accounts, with MFA,
/// for just as long as a task needs.
#[derive(Debug, Parser)]
#[command(name = "rolex", version = env!("ROLEX_VERSION"), about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What the commands that reach AWS read from their options; built from each
/// command's own flattened options (`cmd::common`), defaults elsewhere.
#[derive(Debug, Clone, Default)]
pub struct Common {
    pub reason: Option<String>,
    pub token: Option<String>,
    pub duration: Option<String>,
    pub region: Option<String>,
    pub yes: bool,
    pub no_cache: bool,
}

/// Options of the commands that get a role session.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Role session options")]
pub struct RoleOpts {
    /// Why you need the role (audit trail, `{reason}` in templates)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// MFA code (6 digits); skips the prompt
    #[arg(long, value_name = "CODE")]
    pub token: Option<String>,
    /// Role session length, 15m..12h (for example 30m, 2h)
    #[arg(long, value_name = "D")]
    pub duration: Option<String>,
    /// AWS region inside the role (AWS_REGION)
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Neither read nor write cached sessions
    #[arg(long)]
    pub no_cache: bool,
}

/// `--yes`, for the commands that may ask before they act.
#[derive(Debug, Args, Clone, Default)]
pub struct YesOpt {
    /// Answer yes to confirmations (for scripts)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `--region`, for the commands that call IAM or STS with your own keys.
#[derive(Debug, Args, Clone, Default)]
pub struct RegionOpt {
    /// AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Become ROLE in this shell (a subshell without the shell hook)
    Switch {
        /// Role name from the profile file, or a role ARN; none: pick from a list
        role: Option<String>,
        /// Start a subshell even when the shell hook is loaded
        #[arg(long)]
        subshell: bool,
        /// Allow a subshell inside another rolex subshell
        #[arg(long)]
        nest: bool,
        #[command(flatten)]
        yes: YesOpt,
        #[command(flatten)]
        opts: RoleOpts,
    },
    /// Leave the role: restore the environment from before the switch
    Exit,
    /// Run one command as ROLE (default: the active role, else defaults.role)
    Exec {
        /// Role name or ARN
        role: Option<String>,
        /// The command and its arguments, after `--`
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<String>,
        /// Give the command a local credential endpoint that renews the session, not static keys
        #[arg(long)]
        server: bool,
        #[command(flatten)]
        yes: YesOpt,
        #[command(flatten)]
        opts: RoleOpts,
    },
    /// Print the role's variables for eval, CI or tools
    Env {
        /// Role name or ARN (default: the active role, else defaults.role)
        role: Option<String>,
        /// sh, fish, pwsh: a script to eval; json: one object; dotenv: NAME=value lines
        #[arg(long, value_enum, default_value_t = EnvFormat::Sh)]
        format: EnvFormat,
        #[command(flatten)]
        yes: YesOpt,
        #[command(flatten)]
        opts: RoleOpts,
    },
    /// Print AWS credential_process JSON (Version 1) for ROLE
    CredentialProcess {
        /// Role name or ARN
        role: String,
        #[command(flatten)]
        opts: RoleOpts,
    },
    /// Open the AWS console as ROLE (federation sign-in), or print the sign-in URL
    Console {
        /// Role name or ARN (default: the active role, else defaults.role; none: pick from a list)
        role: Option<String>,
        /// Print the sign-in URL on stdout instead of opening a browser (it is a secret)
        #[arg(long)]
        print: bool,
        /// Open this service's console (ec2, s3, cloudwatch...) instead of the console home
        #[arg(long, value_name = "NAME", conflicts_with = "destination")]
        service: Option<String>,
        /// Open this page of the console
        #[arg(long, value_name = "URL")]
        destination: Option<String>,
        /// Do not sign out of a console session the browser already has
        #[arg(long)]
        no_logout: bool,
        #[command(flatten)]
        yes: YesOpt,
        #[command(flatten)]
        opts: RoleOpts,
    },
    /// List roles with account, role ARN, MFA and time left on cached sessions
    List {
        /// Print JSON (one array of roles) instead of a table
        #[arg(long)]
        json: bool,
    },
    /// The active role in this shell and its time left
    Status {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
        /// Ask STS GetCallerIdentity who we are
        #[arg(long)]
        check: bool,
    },
    /// A prompt segment for the active role; empty outside a role
    Prompt {
        /// Template with {role} {account} {alias} {left} {mark}
        #[arg(long, value_name = "TEMPLATE")]
        format: Option<String>,
        /// Wrap colour codes for this shell's prompt (bash, zsh; others: plain)
        #[arg(long, value_name = "SHELL")]
        shell: Option<String>,
        /// No colour
        #[arg(long)]
        no_color: bool,
    },
    /// Print the shell hook to eval in your shell's rc file
    Init {
        /// The shell whose rc file evals the hook
        #[arg(value_enum)]
        shell: Shell,
        /// Also put the role segment in front of the shell's prompt
        #[arg(long)]
        prompt: bool,
    },
    /// Store the long-term access key of SOURCE in the secret store
    Add {
        /// A source of the profile file ([sources.NAME])
        source: String,
        /// Take AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment
        #[arg(long)]
        from_env: bool,
        /// Write the MFA device found into the profile file without asking
        #[arg(long, short = 'y')]
        yes: bool,
        #[command(flatten)]
        region: RegionOpt,
    },
    /// Delete SOURCE's key and every session made from it
    Remove {
        /// A source of the profile file ([sources.NAME])
        source: String,
    },
    /// Replace SOURCE's access key with a new one (IAM), then delete the old one
    Rotate {
        /// A source of the profile file ([sources.NAME])
        source: String,
        #[command(flatten)]
        region: RegionOpt,
    },
    /// Forget cached sessions
    Clear {
        /// Only this role's session
        role: Option<String>,
        /// Every cached session, MFA sessions included
        #[arg(long)]
        all: bool,
    },
    /// Set up the AWS side: trust policies, cross-account roles, permission to assume them
    #[command(subcommand)]
    Iam(IamCommand),
    /// Check the setup end to end and explain each problem in plain words
    Doctor {
        /// Also check this role (default: every source, no role)
        role: Option<String>,
        #[command(flatten)]
        opts: RoleOpts,
    },
    /// Turn the role profiles of the AWS config file into rolex roles
    Import {
        /// Write them into the profile file (default: print them)
        #[arg(long)]
        write: bool,
        /// Import the accounts of the AWS Organization instead (aliases from account names, one role each)
        #[arg(long)]
        organization: bool,
        /// With --organization: the role to add in every account
        #[arg(
            long,
            value_name = "NAME",
            requires = "organization",
            default_value = "OrganizationAccountAccessRole"
        )]
        role: String,
    },
    /// AWS config profiles (credential_process = rolex) for every role
    AwsConfig {
        /// Keep them in a marked block of the AWS config file (default: print them)
        #[arg(long)]
        write: bool,
        /// Put P in front of each profile name (for example rolex- for [profile rolex-prod])
        #[arg(long, value_name = "P", default_value = "")]
        prefix: String,
    },
    /// The local audit trail: who switched to what, when, why, and when they left
    Log {
        /// Only entries newer than this (for example 24h, 7d)
        #[arg(long, value_name = "DURATION")]
        since: Option<String>,
        /// Print the entries as JSON lines, as stored
        #[arg(long)]
        json: bool,
    },
    /// Print a completion script
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Write the man pages (rolex.1, rolex-COMMAND.1, rolex.5) into DIR
    Man {
        /// Folder to write them into (it is created)
        dir: std::path::PathBuf,
    },
    /// Role names of the profile file, one a line (for shell completion)
    #[command(name = "__complete-roles", hide = true)]
    CompleteRoles,
}

/// `rolex iam ...`: runs with the credentials this shell has (switch to an
/// administrator role of the target account first, or use `rolex exec`).
#[derive(Debug, Subcommand)]
pub enum IamCommand {
    /// Print a trust policy letting users of ACCOUNT assume a role, with MFA
    TrustPolicy {
        #[command(flatten)]
        trust: Trust,
    },
    /// Create a role in this account that users of the identity account may assume with MFA
    CreateRole {
        /// The role's name (or path/name)
        name: String,
        #[command(flatten)]
        trust: Trust,
        /// Managed policies to attach (repeatable)
        #[arg(long = "policy-arn", value_name = "ARN")]
        policy_arns: Vec<String>,
        /// Longest session the role allows, 1h..12h
        #[arg(long, value_name = "D", default_value = "12h")]
        max_duration: String,
        /// The role's description in IAM
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        #[command(flatten)]
        region: RegionOpt,
    },
    /// Let an IAM user or group (in this account) assume ROLE_ARN
    Grant {
        /// The ARN of the role to let them assume
        role_arn: String,
        /// The IAM user to grant it to
        #[arg(long, conflicts_with = "group", required_unless_present = "group")]
        user: Option<String>,
        /// The IAM group to grant it to
        #[arg(long)]
        group: Option<String>,
        /// Name of the inline policy
        #[arg(long, value_name = "NAME")]
        policy_name: Option<String>,
        #[command(flatten)]
        region: RegionOpt,
    },
}

/// Who may assume the role.
#[derive(Debug, Args, Clone)]
pub struct Trust {
    /// The identity account whose users may assume the role (12 digits)
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// Do not require MFA (not recommended)
    #[arg(long)]
    pub no_mfa: bool,
    /// Require this sts:ExternalId
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum EnvFormat {
    Sh,
    Fish,
    Pwsh,
    Json,
    Dotenv,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Pwsh,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}

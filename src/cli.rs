//! Every clap type; no logic.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Switch from your IAM user to IAM roles in other AWS accounts, with MFA,
/// for just as long as a task needs.
#[derive(Debug, Parser)]
#[command(name = "rolex", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags that every command takes.
#[derive(Debug, Args, Clone, Default)]
pub struct Common {
    /// Why you need the role (audit trail, `{reason}` in templates)
    #[arg(long, global = true, value_name = "TEXT")]
    pub reason: Option<String>,
    /// MFA code (6 digits); skips the prompt
    #[arg(long, global = true, value_name = "CODE")]
    pub token: Option<String>,
    /// Role session length, 15m..12h (for example 30m, 2h)
    #[arg(long, global = true, value_name = "D")]
    pub duration: Option<String>,
    /// AWS region inside the role
    #[arg(long, global = true, value_name = "R")]
    pub region: Option<String>,
    /// Answer yes to confirmations (for scripts)
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Neither read nor write cached sessions
    #[arg(long, global = true)]
    pub no_cache: bool,
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
    },
    /// Leave the role: restore the environment from before the switch
    Exit,
    /// Run one command as ROLE (default: the active role, else defaults.role)
    Exec {
        /// Role name or ARN
        role: Option<String>,
        /// The command and its arguments
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<String>,
        /// Give the command a local credential endpoint that renews the session, not static keys
        #[arg(long)]
        server: bool,
    },
    /// Print the role's variables for eval, CI or tools
    Env {
        /// Role name or ARN (default: the active role, else defaults.role)
        role: Option<String>,
        #[arg(long, value_enum, default_value_t = EnvFormat::Sh)]
        format: EnvFormat,
    },
    /// Print AWS credential_process JSON (Version 1) for ROLE
    CredentialProcess {
        /// Role name or ARN
        role: String,
    },
    /// List roles with account, role ARN, MFA and time left on cached sessions
    List {
        #[arg(long)]
        json: bool,
    },
    /// The active role in this shell and its time left
    Status {
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
        #[arg(value_enum)]
        shell: Shell,
        /// Also put the role segment in front of the shell's prompt
        #[arg(long)]
        prompt: bool,
    },
    /// Store the long-term access key of SOURCE in the secret store
    Add {
        source: String,
        /// Take AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment
        #[arg(long)]
        from_env: bool,
    },
    /// Delete SOURCE's key and every session made from it
    Remove { source: String },
    /// Replace SOURCE's access key with a new one (IAM), then delete the old one
    Rotate { source: String },
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
    },
    /// Turn the role profiles of the AWS config file into rolex roles
    Import {
        /// Write them into the profile file (default: print them)
        #[arg(long)]
        write: bool,
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
        #[arg(long)]
        json: bool,
    },
    /// Print a completion script
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Write man pages into DIR
    #[command(hide = true)]
    Man { dir: std::path::PathBuf },
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
        #[arg(long)]
        description: Option<String>,
    },
    /// Let an IAM user or group (in this account) assume ROLE_ARN
    Grant {
        role_arn: String,
        #[arg(long, conflicts_with = "group", required_unless_present = "group")]
        user: Option<String>,
        #[arg(long)]
        group: Option<String>,
        /// Name of the inline policy
        #[arg(long, value_name = "NAME")]
        policy_name: Option<String>,
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

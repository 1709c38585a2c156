# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_rolex_global_optspecs
    string join \n h/help V/version
end

function __fish_rolex_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_rolex_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_rolex_using_subcommand
    set -l cmd (__fish_rolex_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c rolex -n "__fish_rolex_needs_command" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_needs_command" -s V -l version -d 'Print version'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "switch" -d 'Become ROLE in this shell (a subshell without the shell hook)'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "exit" -d 'Leave the role: restore the environment from before the switch'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "exec" -d 'Run one command as ROLE (default: the active role, else defaults.role)'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "env" -d 'Print the role\'s variables for eval, CI or tools'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "credential-process" -d 'Print AWS credential_process JSON (Version 1) for ROLE'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "console" -d 'Open the AWS console as ROLE (federation sign-in), or print the sign-in URL'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "list" -d 'List roles with account, role ARN, MFA and time left on cached sessions'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "status" -d 'The active role in this shell and its time left'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "prompt" -d 'A prompt segment for the active role; empty outside a role'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "init" -d 'Print the shell hook to eval in your shell\'s rc file'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "add" -d 'Store the long-term access key of SOURCE in the secret store'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "remove" -d 'Delete SOURCE\'s key and every session made from it'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "rotate" -d 'Replace SOURCE\'s access key with a new one (IAM), then delete the old one'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "clear" -d 'Forget cached sessions'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "iam" -d 'Set up the AWS side: trust policies, cross-account roles, permission to assume them'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "doctor" -d 'Check the setup end to end and explain each problem in plain words'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "import" -d 'Turn the role profiles of the AWS config file into rolex roles'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "aws-config" -d 'AWS config profiles (credential_process = rolex) for every role'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "log" -d 'The local audit trail: who switched to what, when, why, and when they left'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "completions" -d 'Print a completion script'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "man" -d 'Write the man pages (rolex.1, rolex-COMMAND.1, rolex.5) into DIR'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "__complete-roles" -d 'Role names of the profile file, one a line (for shell completion)'
complete -c rolex -n "__fish_rolex_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rolex -n "__fish_rolex_using_subcommand switch" -l reason -d 'Why you need the role (audit trail, `{reason}` in templates)' -r
complete -c rolex -n "__fish_rolex_using_subcommand switch" -l token -d 'MFA code (6 digits); skips the prompt' -r
complete -c rolex -n "__fish_rolex_using_subcommand switch" -l duration -d 'Role session length, 15m..12h (for example 30m, 2h)' -r
complete -c rolex -n "__fish_rolex_using_subcommand switch" -l region -d 'AWS region inside the role (AWS_REGION)' -r
complete -c rolex -n "__fish_rolex_using_subcommand switch" -l subshell -d 'Start a subshell even when the shell hook is loaded'
complete -c rolex -n "__fish_rolex_using_subcommand switch" -l nest -d 'Allow a subshell inside another rolex subshell'
complete -c rolex -n "__fish_rolex_using_subcommand switch" -s y -l yes -d 'Answer yes to confirmations (for scripts)'
complete -c rolex -n "__fish_rolex_using_subcommand switch" -l no-cache -d 'Neither read nor write cached sessions'
complete -c rolex -n "__fish_rolex_using_subcommand switch" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand exit" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand exec" -l reason -d 'Why you need the role (audit trail, `{reason}` in templates)' -r
complete -c rolex -n "__fish_rolex_using_subcommand exec" -l token -d 'MFA code (6 digits); skips the prompt' -r
complete -c rolex -n "__fish_rolex_using_subcommand exec" -l duration -d 'Role session length, 15m..12h (for example 30m, 2h)' -r
complete -c rolex -n "__fish_rolex_using_subcommand exec" -l region -d 'AWS region inside the role (AWS_REGION)' -r
complete -c rolex -n "__fish_rolex_using_subcommand exec" -l server -d 'Give the command a local credential endpoint that renews the session, not static keys'
complete -c rolex -n "__fish_rolex_using_subcommand exec" -s y -l yes -d 'Answer yes to confirmations (for scripts)'
complete -c rolex -n "__fish_rolex_using_subcommand exec" -l no-cache -d 'Neither read nor write cached sessions'
complete -c rolex -n "__fish_rolex_using_subcommand exec" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand env" -l format -d 'sh, fish, pwsh: a script to eval; json: one object; dotenv: NAME=value lines' -r -f -a "sh\t''
fish\t''
pwsh\t''
json\t''
dotenv\t''"
complete -c rolex -n "__fish_rolex_using_subcommand env" -l reason -d 'Why you need the role (audit trail, `{reason}` in templates)' -r
complete -c rolex -n "__fish_rolex_using_subcommand env" -l token -d 'MFA code (6 digits); skips the prompt' -r
complete -c rolex -n "__fish_rolex_using_subcommand env" -l duration -d 'Role session length, 15m..12h (for example 30m, 2h)' -r
complete -c rolex -n "__fish_rolex_using_subcommand env" -l region -d 'AWS region inside the role (AWS_REGION)' -r
complete -c rolex -n "__fish_rolex_using_subcommand env" -s y -l yes -d 'Answer yes to confirmations (for scripts)'
complete -c rolex -n "__fish_rolex_using_subcommand env" -l no-cache -d 'Neither read nor write cached sessions'
complete -c rolex -n "__fish_rolex_using_subcommand env" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand credential-process" -l reason -d 'Why you need the role (audit trail, `{reason}` in templates)' -r
complete -c rolex -n "__fish_rolex_using_subcommand credential-process" -l token -d 'MFA code (6 digits); skips the prompt' -r
complete -c rolex -n "__fish_rolex_using_subcommand credential-process" -l duration -d 'Role session length, 15m..12h (for example 30m, 2h)' -r
complete -c rolex -n "__fish_rolex_using_subcommand credential-process" -l region -d 'AWS region inside the role (AWS_REGION)' -r
complete -c rolex -n "__fish_rolex_using_subcommand credential-process" -l no-cache -d 'Neither read nor write cached sessions'
complete -c rolex -n "__fish_rolex_using_subcommand credential-process" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand console" -l service -d 'Open this service\'s console (ec2, s3, cloudwatch...) instead of the console home' -r
complete -c rolex -n "__fish_rolex_using_subcommand console" -l destination -d 'Open this page of the console' -r
complete -c rolex -n "__fish_rolex_using_subcommand console" -l reason -d 'Why you need the role (audit trail, `{reason}` in templates)' -r
complete -c rolex -n "__fish_rolex_using_subcommand console" -l token -d 'MFA code (6 digits); skips the prompt' -r
complete -c rolex -n "__fish_rolex_using_subcommand console" -l duration -d 'Role session length, 15m..12h (for example 30m, 2h)' -r
complete -c rolex -n "__fish_rolex_using_subcommand console" -l region -d 'AWS region inside the role (AWS_REGION)' -r
complete -c rolex -n "__fish_rolex_using_subcommand console" -l print -d 'Print the sign-in URL on stdout instead of opening a browser (it is a secret)'
complete -c rolex -n "__fish_rolex_using_subcommand console" -l no-logout -d 'Do not sign out of a console session the browser already has'
complete -c rolex -n "__fish_rolex_using_subcommand console" -s y -l yes -d 'Answer yes to confirmations (for scripts)'
complete -c rolex -n "__fish_rolex_using_subcommand console" -l no-cache -d 'Neither read nor write cached sessions'
complete -c rolex -n "__fish_rolex_using_subcommand console" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand list" -l json -d 'Print JSON (one array of roles) instead of a table'
complete -c rolex -n "__fish_rolex_using_subcommand list" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand status" -l json -d 'Print JSON instead of text'
complete -c rolex -n "__fish_rolex_using_subcommand status" -l check -d 'Ask STS GetCallerIdentity who we are'
complete -c rolex -n "__fish_rolex_using_subcommand status" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand prompt" -l format -d 'Template with {role} {account} {alias} {left} {mark}' -r
complete -c rolex -n "__fish_rolex_using_subcommand prompt" -l shell -d 'Wrap colour codes for this shell\'s prompt (bash, zsh; others: plain)' -r
complete -c rolex -n "__fish_rolex_using_subcommand prompt" -l no-color -d 'No colour'
complete -c rolex -n "__fish_rolex_using_subcommand prompt" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand init" -l prompt -d 'Also put the role segment in front of the shell\'s prompt'
complete -c rolex -n "__fish_rolex_using_subcommand init" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand add" -l region -d 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)' -r
complete -c rolex -n "__fish_rolex_using_subcommand add" -l from-env -d 'Take AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment'
complete -c rolex -n "__fish_rolex_using_subcommand add" -s y -l yes -d 'Write the MFA device found into the profile file without asking'
complete -c rolex -n "__fish_rolex_using_subcommand add" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand remove" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand rotate" -l region -d 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)' -r
complete -c rolex -n "__fish_rolex_using_subcommand rotate" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand clear" -l all -d 'Every cached session, MFA sessions included'
complete -c rolex -n "__fish_rolex_using_subcommand clear" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and not __fish_seen_subcommand_from trust-policy create-role grant help" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and not __fish_seen_subcommand_from trust-policy create-role grant help" -f -a "trust-policy" -d 'Print a trust policy letting users of ACCOUNT assume a role, with MFA'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and not __fish_seen_subcommand_from trust-policy create-role grant help" -f -a "create-role" -d 'Create a role in this account that users of the identity account may assume with MFA'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and not __fish_seen_subcommand_from trust-policy create-role grant help" -f -a "grant" -d 'Let an IAM user or group (in this account) assume ROLE_ARN'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and not __fish_seen_subcommand_from trust-policy create-role grant help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from trust-policy" -l account -d 'The identity account whose users may assume the role (12 digits)' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from trust-policy" -l external-id -d 'Require this sts:ExternalId' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from trust-policy" -l no-mfa -d 'Do not require MFA (not recommended)'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from trust-policy" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from create-role" -l account -d 'The identity account whose users may assume the role (12 digits)' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from create-role" -l external-id -d 'Require this sts:ExternalId' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from create-role" -l policy-arn -d 'Managed policies to attach (repeatable)' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from create-role" -l max-duration -d 'Longest session the role allows, 1h..12h' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from create-role" -l description -d 'The role\'s description in IAM' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from create-role" -l region -d 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from create-role" -l no-mfa -d 'Do not require MFA (not recommended)'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from create-role" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from grant" -l user -d 'The IAM user to grant it to' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from grant" -l group -d 'The IAM group to grant it to' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from grant" -l policy-name -d 'Name of the inline policy' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from grant" -l region -d 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)' -r
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from grant" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from help" -f -a "trust-policy" -d 'Print a trust policy letting users of ACCOUNT assume a role, with MFA'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from help" -f -a "create-role" -d 'Create a role in this account that users of the identity account may assume with MFA'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from help" -f -a "grant" -d 'Let an IAM user or group (in this account) assume ROLE_ARN'
complete -c rolex -n "__fish_rolex_using_subcommand iam; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rolex -n "__fish_rolex_using_subcommand doctor" -l reason -d 'Why you need the role (audit trail, `{reason}` in templates)' -r
complete -c rolex -n "__fish_rolex_using_subcommand doctor" -l token -d 'MFA code (6 digits); skips the prompt' -r
complete -c rolex -n "__fish_rolex_using_subcommand doctor" -l duration -d 'Role session length, 15m..12h (for example 30m, 2h)' -r
complete -c rolex -n "__fish_rolex_using_subcommand doctor" -l region -d 'AWS region inside the role (AWS_REGION)' -r
complete -c rolex -n "__fish_rolex_using_subcommand doctor" -l no-cache -d 'Neither read nor write cached sessions'
complete -c rolex -n "__fish_rolex_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand import" -l role -d 'With --organization: the role to add in every account' -r
complete -c rolex -n "__fish_rolex_using_subcommand import" -l write -d 'Write them into the profile file (default: print them)'
complete -c rolex -n "__fish_rolex_using_subcommand import" -l organization -d 'Import the accounts of the AWS Organization instead (aliases from account names, one role each)'
complete -c rolex -n "__fish_rolex_using_subcommand import" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand aws-config" -l prefix -d 'Put P in front of each profile name (for example rolex- for [profile rolex-prod])' -r
complete -c rolex -n "__fish_rolex_using_subcommand aws-config" -l write -d 'Keep them in a marked block of the AWS config file (default: print them)'
complete -c rolex -n "__fish_rolex_using_subcommand aws-config" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand log" -l since -d 'Only entries newer than this (for example 24h, 7d)' -r
complete -c rolex -n "__fish_rolex_using_subcommand log" -l json -d 'Print the entries as JSON lines, as stored'
complete -c rolex -n "__fish_rolex_using_subcommand log" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand completions" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand man" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand __complete-roles" -s h -l help -d 'Print help'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "switch" -d 'Become ROLE in this shell (a subshell without the shell hook)'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "exit" -d 'Leave the role: restore the environment from before the switch'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "exec" -d 'Run one command as ROLE (default: the active role, else defaults.role)'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "env" -d 'Print the role\'s variables for eval, CI or tools'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "credential-process" -d 'Print AWS credential_process JSON (Version 1) for ROLE'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "console" -d 'Open the AWS console as ROLE (federation sign-in), or print the sign-in URL'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "list" -d 'List roles with account, role ARN, MFA and time left on cached sessions'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "status" -d 'The active role in this shell and its time left'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "prompt" -d 'A prompt segment for the active role; empty outside a role'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "init" -d 'Print the shell hook to eval in your shell\'s rc file'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "add" -d 'Store the long-term access key of SOURCE in the secret store'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "remove" -d 'Delete SOURCE\'s key and every session made from it'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "rotate" -d 'Replace SOURCE\'s access key with a new one (IAM), then delete the old one'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "clear" -d 'Forget cached sessions'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "iam" -d 'Set up the AWS side: trust policies, cross-account roles, permission to assume them'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "doctor" -d 'Check the setup end to end and explain each problem in plain words'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "import" -d 'Turn the role profiles of the AWS config file into rolex roles'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "aws-config" -d 'AWS config profiles (credential_process = rolex) for every role'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "log" -d 'The local audit trail: who switched to what, when, why, and when they left'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "completions" -d 'Print a completion script'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "man" -d 'Write the man pages (rolex.1, rolex-COMMAND.1, rolex.5) into DIR'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "__complete-roles" -d 'Role names of the profile file, one a line (for shell completion)'
complete -c rolex -n "__fish_rolex_using_subcommand help; and not __fish_seen_subcommand_from switch exit exec env credential-process console list status prompt init add remove rotate clear iam doctor import aws-config log completions man __complete-roles help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rolex -n "__fish_rolex_using_subcommand help; and __fish_seen_subcommand_from iam" -f -a "trust-policy" -d 'Print a trust policy letting users of ACCOUNT assume a role, with MFA'
complete -c rolex -n "__fish_rolex_using_subcommand help; and __fish_seen_subcommand_from iam" -f -a "create-role" -d 'Create a role in this account that users of the identity account may assume with MFA'
complete -c rolex -n "__fish_rolex_using_subcommand help; and __fish_seen_subcommand_from iam" -f -a "grant" -d 'Let an IAM user or group (in this account) assume ROLE_ARN'

# Role names from the profile file (`rolex __complete-roles` reads only the
# profile file), for the ROLE argument of the commands that take one.
function __fish_rolex_wants_role
    set -l words (commandline -opc)
    set -e words[1]
    set -l sub ''
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case --
                return 1
            case --reason --token --duration --region --format --service --destination
                set skip 1
            case '-*'
            case '*'
                if test -z "$sub"
                    set sub $w
                else
                    return 1
                end
        end
    end
    test $skip = 0
    and contains -- "$sub" switch exec env console credential-process clear doctor
end
complete -c rolex -n __fish_rolex_wants_role -f -a "(command rolex __complete-roles 2>/dev/null)" -d role

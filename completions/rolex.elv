
use builtin;
use str;

set edit:completion:arg-completer[rolex] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'rolex'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'rolex'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand switch 'Become ROLE in this shell (a subshell without the shell hook)'
            cand exit 'Leave the role: restore the environment from before the switch'
            cand exec 'Run one command as ROLE (default: the active role, else defaults.role)'
            cand env 'Print the role''s variables for eval, CI or tools'
            cand credential-process 'Print AWS credential_process JSON (Version 1) for ROLE'
            cand console 'Open the AWS console as ROLE (federation sign-in), or print the sign-in URL'
            cand list 'List roles with account, role ARN, MFA and time left on cached sessions'
            cand status 'The active role in this shell and its time left'
            cand prompt 'A prompt segment for the active role; empty outside a role'
            cand init 'Print the shell hook to eval in your shell''s rc file'
            cand add 'Store the long-term access key of SOURCE in the secret store'
            cand remove 'Delete SOURCE''s key and every session made from it'
            cand rotate 'Replace SOURCE''s access key with a new one (IAM), then delete the old one'
            cand clear 'Forget cached sessions'
            cand iam 'Set up the AWS side: trust policies, cross-account roles, permission to assume them'
            cand doctor 'Check the setup end to end and explain each problem in plain words'
            cand import 'Turn the role profiles of the AWS config file into rolex roles'
            cand aws-config 'AWS config profiles (credential_process = rolex) for every role'
            cand log 'The local audit trail: who switched to what, when, why, and when they left'
            cand completions 'Print a completion script'
            cand man 'Write the man pages (rolex.1, rolex-COMMAND.1, rolex.5) into DIR'
            cand __complete-roles 'Role names of the profile file, one a line (for shell completion)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rolex;switch'= {
            cand --reason 'Why you need the role (audit trail, `{reason}` in templates)'
            cand --token 'MFA code (6 digits); skips the prompt'
            cand --duration 'Role session length, 15m..12h (for example 30m, 2h)'
            cand --region 'AWS region inside the role (AWS_REGION)'
            cand --subshell 'Start a subshell even when the shell hook is loaded'
            cand --nest 'Allow a subshell inside another rolex subshell'
            cand -y 'Answer yes to confirmations (for scripts)'
            cand --yes 'Answer yes to confirmations (for scripts)'
            cand --no-cache 'Neither read nor write cached sessions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;exit'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;exec'= {
            cand --reason 'Why you need the role (audit trail, `{reason}` in templates)'
            cand --token 'MFA code (6 digits); skips the prompt'
            cand --duration 'Role session length, 15m..12h (for example 30m, 2h)'
            cand --region 'AWS region inside the role (AWS_REGION)'
            cand --server 'Give the command a local credential endpoint that renews the session, not static keys'
            cand -y 'Answer yes to confirmations (for scripts)'
            cand --yes 'Answer yes to confirmations (for scripts)'
            cand --no-cache 'Neither read nor write cached sessions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;env'= {
            cand --format 'sh, fish, pwsh: a script to eval; json: one object; dotenv: NAME=value lines'
            cand --reason 'Why you need the role (audit trail, `{reason}` in templates)'
            cand --token 'MFA code (6 digits); skips the prompt'
            cand --duration 'Role session length, 15m..12h (for example 30m, 2h)'
            cand --region 'AWS region inside the role (AWS_REGION)'
            cand -y 'Answer yes to confirmations (for scripts)'
            cand --yes 'Answer yes to confirmations (for scripts)'
            cand --no-cache 'Neither read nor write cached sessions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;credential-process'= {
            cand --reason 'Why you need the role (audit trail, `{reason}` in templates)'
            cand --token 'MFA code (6 digits); skips the prompt'
            cand --duration 'Role session length, 15m..12h (for example 30m, 2h)'
            cand --region 'AWS region inside the role (AWS_REGION)'
            cand --no-cache 'Neither read nor write cached sessions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;console'= {
            cand --service 'Open this service''s console (ec2, s3, cloudwatch...) instead of the console home'
            cand --destination 'Open this page of the console'
            cand --reason 'Why you need the role (audit trail, `{reason}` in templates)'
            cand --token 'MFA code (6 digits); skips the prompt'
            cand --duration 'Role session length, 15m..12h (for example 30m, 2h)'
            cand --region 'AWS region inside the role (AWS_REGION)'
            cand --print 'Print the sign-in URL on stdout instead of opening a browser (it is a secret)'
            cand --no-logout 'Do not sign out of a console session the browser already has'
            cand -y 'Answer yes to confirmations (for scripts)'
            cand --yes 'Answer yes to confirmations (for scripts)'
            cand --no-cache 'Neither read nor write cached sessions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;list'= {
            cand --json 'Print JSON (one array of roles) instead of a table'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;status'= {
            cand --json 'Print JSON instead of text'
            cand --check 'Ask STS GetCallerIdentity who we are'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;prompt'= {
            cand --format 'Template with {role} {account} {alias} {left} {mark}'
            cand --shell 'Wrap colour codes for this shell''s prompt (bash, zsh; others: plain)'
            cand --no-color 'No colour'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;init'= {
            cand --prompt 'Also put the role segment in front of the shell''s prompt'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;add'= {
            cand --region 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)'
            cand --from-env 'Take AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment'
            cand -y 'Write the MFA device found into the profile file without asking'
            cand --yes 'Write the MFA device found into the profile file without asking'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;remove'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;rotate'= {
            cand --region 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;clear'= {
            cand --all 'Every cached session, MFA sessions included'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;iam'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand trust-policy 'Print a trust policy letting users of ACCOUNT assume a role, with MFA'
            cand create-role 'Create a role in this account that users of the identity account may assume with MFA'
            cand grant 'Let an IAM user or group (in this account) assume ROLE_ARN'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rolex;iam;trust-policy'= {
            cand --account 'The identity account whose users may assume the role (12 digits)'
            cand --external-id 'Require this sts:ExternalId'
            cand --no-mfa 'Do not require MFA (not recommended)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;iam;create-role'= {
            cand --account 'The identity account whose users may assume the role (12 digits)'
            cand --external-id 'Require this sts:ExternalId'
            cand --policy-arn 'Managed policies to attach (repeatable)'
            cand --max-duration 'Longest session the role allows, 1h..12h'
            cand --description 'The role''s description in IAM'
            cand --region 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)'
            cand --no-mfa 'Do not require MFA (not recommended)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;iam;grant'= {
            cand --user 'The IAM user to grant it to'
            cand --group 'The IAM group to grant it to'
            cand --policy-name 'Name of the inline policy'
            cand --region 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;iam;help'= {
            cand trust-policy 'Print a trust policy letting users of ACCOUNT assume a role, with MFA'
            cand create-role 'Create a role in this account that users of the identity account may assume with MFA'
            cand grant 'Let an IAM user or group (in this account) assume ROLE_ARN'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rolex;iam;help;trust-policy'= {
        }
        &'rolex;iam;help;create-role'= {
        }
        &'rolex;iam;help;grant'= {
        }
        &'rolex;iam;help;help'= {
        }
        &'rolex;doctor'= {
            cand --reason 'Why you need the role (audit trail, `{reason}` in templates)'
            cand --token 'MFA code (6 digits); skips the prompt'
            cand --duration 'Role session length, 15m..12h (for example 30m, 2h)'
            cand --region 'AWS region inside the role (AWS_REGION)'
            cand --no-cache 'Neither read nor write cached sessions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;import'= {
            cand --role 'With --organization: the role to add in every account'
            cand --write 'Write them into the profile file (default: print them)'
            cand --organization 'Import the accounts of the AWS Organization instead (aliases from account names, one role each)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;aws-config'= {
            cand --prefix 'Put P in front of each profile name (for example rolex- for [profile rolex-prod])'
            cand --write 'Keep them in a marked block of the AWS config file (default: print them)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;log'= {
            cand --since 'Only entries newer than this (for example 24h, 7d)'
            cand --json 'Print the entries as JSON lines, as stored'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;__complete-roles'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'rolex;help'= {
            cand switch 'Become ROLE in this shell (a subshell without the shell hook)'
            cand exit 'Leave the role: restore the environment from before the switch'
            cand exec 'Run one command as ROLE (default: the active role, else defaults.role)'
            cand env 'Print the role''s variables for eval, CI or tools'
            cand credential-process 'Print AWS credential_process JSON (Version 1) for ROLE'
            cand console 'Open the AWS console as ROLE (federation sign-in), or print the sign-in URL'
            cand list 'List roles with account, role ARN, MFA and time left on cached sessions'
            cand status 'The active role in this shell and its time left'
            cand prompt 'A prompt segment for the active role; empty outside a role'
            cand init 'Print the shell hook to eval in your shell''s rc file'
            cand add 'Store the long-term access key of SOURCE in the secret store'
            cand remove 'Delete SOURCE''s key and every session made from it'
            cand rotate 'Replace SOURCE''s access key with a new one (IAM), then delete the old one'
            cand clear 'Forget cached sessions'
            cand iam 'Set up the AWS side: trust policies, cross-account roles, permission to assume them'
            cand doctor 'Check the setup end to end and explain each problem in plain words'
            cand import 'Turn the role profiles of the AWS config file into rolex roles'
            cand aws-config 'AWS config profiles (credential_process = rolex) for every role'
            cand log 'The local audit trail: who switched to what, when, why, and when they left'
            cand completions 'Print a completion script'
            cand man 'Write the man pages (rolex.1, rolex-COMMAND.1, rolex.5) into DIR'
            cand __complete-roles 'Role names of the profile file, one a line (for shell completion)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rolex;help;switch'= {
        }
        &'rolex;help;exit'= {
        }
        &'rolex;help;exec'= {
        }
        &'rolex;help;env'= {
        }
        &'rolex;help;credential-process'= {
        }
        &'rolex;help;console'= {
        }
        &'rolex;help;list'= {
        }
        &'rolex;help;status'= {
        }
        &'rolex;help;prompt'= {
        }
        &'rolex;help;init'= {
        }
        &'rolex;help;add'= {
        }
        &'rolex;help;remove'= {
        }
        &'rolex;help;rotate'= {
        }
        &'rolex;help;clear'= {
        }
        &'rolex;help;iam'= {
            cand trust-policy 'Print a trust policy letting users of ACCOUNT assume a role, with MFA'
            cand create-role 'Create a role in this account that users of the identity account may assume with MFA'
            cand grant 'Let an IAM user or group (in this account) assume ROLE_ARN'
        }
        &'rolex;help;iam;trust-policy'= {
        }
        &'rolex;help;iam;create-role'= {
        }
        &'rolex;help;iam;grant'= {
        }
        &'rolex;help;doctor'= {
        }
        &'rolex;help;import'= {
        }
        &'rolex;help;aws-config'= {
        }
        &'rolex;help;log'= {
        }
        &'rolex;help;completions'= {
        }
        &'rolex;help;man'= {
        }
        &'rolex;help;__complete-roles'= {
        }
        &'rolex;help;help'= {
        }
    ]
    $completions[$command]
}

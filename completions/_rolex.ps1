
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'rolex' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'rolex'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'rolex' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('switch', 'switch', [CompletionResultType]::ParameterValue, 'Become ROLE in this shell (a subshell without the shell hook)')
            [CompletionResult]::new('exit', 'exit', [CompletionResultType]::ParameterValue, 'Leave the role: restore the environment from before the switch')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run one command as ROLE (default: the active role, else defaults.role)')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the role''s variables for eval, CI or tools')
            [CompletionResult]::new('credential-process', 'credential-process', [CompletionResultType]::ParameterValue, 'Print AWS credential_process JSON (Version 1) for ROLE')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Open the AWS console as ROLE (federation sign-in), or print the sign-in URL')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List roles with account, role ARN, MFA and time left on cached sessions')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The active role in this shell and its time left')
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'A prompt segment for the active role; empty outside a role')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the shell hook to eval in your shell''s rc file')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Store the long-term access key of SOURCE in the secret store')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete SOURCE''s key and every session made from it')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace SOURCE''s access key with a new one (IAM), then delete the old one')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Forget cached sessions')
            [CompletionResult]::new('iam', 'iam', [CompletionResultType]::ParameterValue, 'Set up the AWS side: trust policies, cross-account roles, permission to assume them')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the setup end to end and explain each problem in plain words')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn the role profiles of the AWS config file into rolex roles')
            [CompletionResult]::new('aws-config', 'aws-config', [CompletionResultType]::ParameterValue, 'AWS config profiles (credential_process = rolex) for every role')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'The local audit trail: who switched to what, when, why, and when they left')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (rolex.1, rolex-COMMAND.1, rolex.5) into DIR')
            [CompletionResult]::new('__complete-roles', '__complete-roles', [CompletionResultType]::ParameterValue, 'Role names of the profile file, one a line (for shell completion)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rolex;switch' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why you need the role (audit trail, `{reason}` in templates)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'MFA code (6 digits); skips the prompt')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Role session length, 15m..12h (for example 30m, 2h)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region inside the role (AWS_REGION)')
            [CompletionResult]::new('--subshell', '--subshell', [CompletionResultType]::ParameterName, 'Start a subshell even when the shell hook is loaded')
            [CompletionResult]::new('--nest', '--nest', [CompletionResultType]::ParameterName, 'Allow a subshell inside another rolex subshell')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (for scripts)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (for scripts)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write cached sessions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;exit' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;exec' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why you need the role (audit trail, `{reason}` in templates)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'MFA code (6 digits); skips the prompt')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Role session length, 15m..12h (for example 30m, 2h)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region inside the role (AWS_REGION)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Give the command a local credential endpoint that renews the session, not static keys')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (for scripts)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (for scripts)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write cached sessions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;env' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'sh, fish, pwsh: a script to eval; json: one object; dotenv: NAME=value lines')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why you need the role (audit trail, `{reason}` in templates)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'MFA code (6 digits); skips the prompt')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Role session length, 15m..12h (for example 30m, 2h)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region inside the role (AWS_REGION)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (for scripts)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (for scripts)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write cached sessions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;credential-process' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why you need the role (audit trail, `{reason}` in templates)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'MFA code (6 digits); skips the prompt')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Role session length, 15m..12h (for example 30m, 2h)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region inside the role (AWS_REGION)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write cached sessions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;console' {
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Open this service''s console (ec2, s3, cloudwatch...) instead of the console home')
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'Open this page of the console')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why you need the role (audit trail, `{reason}` in templates)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'MFA code (6 digits); skips the prompt')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Role session length, 15m..12h (for example 30m, 2h)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region inside the role (AWS_REGION)')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print the sign-in URL on stdout instead of opening a browser (it is a secret)')
            [CompletionResult]::new('--no-logout', '--no-logout', [CompletionResultType]::ParameterName, 'Do not sign out of a console session the browser already has')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (for scripts)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (for scripts)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write cached sessions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;list' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (one array of roles) instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;status' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of text')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Ask STS GetCallerIdentity who we are')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;prompt' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Template with {role} {account} {alias} {left} {mark}')
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Wrap colour codes for this shell''s prompt (bash, zsh; others: plain)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colour')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;init' {
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Also put the role segment in front of the shell''s prompt')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;add' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Take AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Write the MFA device found into the profile file without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Write the MFA device found into the profile file without asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;remove' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;rotate' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;clear' {
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every cached session, MFA sessions included')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;iam' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('trust-policy', 'trust-policy', [CompletionResultType]::ParameterValue, 'Print a trust policy letting users of ACCOUNT assume a role, with MFA')
            [CompletionResult]::new('create-role', 'create-role', [CompletionResultType]::ParameterValue, 'Create a role in this account that users of the identity account may assume with MFA')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Let an IAM user or group (in this account) assume ROLE_ARN')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rolex;iam;trust-policy' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The identity account whose users may assume the role (12 digits)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'Require this sts:ExternalId')
            [CompletionResult]::new('--no-mfa', '--no-mfa', [CompletionResultType]::ParameterName, 'Do not require MFA (not recommended)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;iam;create-role' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The identity account whose users may assume the role (12 digits)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'Require this sts:ExternalId')
            [CompletionResult]::new('--policy-arn', '--policy-arn', [CompletionResultType]::ParameterName, 'Managed policies to attach (repeatable)')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Longest session the role allows, 1h..12h')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'The role''s description in IAM')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)')
            [CompletionResult]::new('--no-mfa', '--no-mfa', [CompletionResultType]::ParameterName, 'Do not require MFA (not recommended)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;iam;grant' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The IAM user to grant it to')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The IAM group to grant it to')
            [CompletionResult]::new('--policy-name', '--policy-name', [CompletionResultType]::ParameterName, 'Name of the inline policy')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the endpoint to call (default: AWS_REGION, else us-east-1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;iam;help' {
            [CompletionResult]::new('trust-policy', 'trust-policy', [CompletionResultType]::ParameterValue, 'Print a trust policy letting users of ACCOUNT assume a role, with MFA')
            [CompletionResult]::new('create-role', 'create-role', [CompletionResultType]::ParameterValue, 'Create a role in this account that users of the identity account may assume with MFA')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Let an IAM user or group (in this account) assume ROLE_ARN')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rolex;iam;help;trust-policy' {
            break
        }
        'rolex;iam;help;create-role' {
            break
        }
        'rolex;iam;help;grant' {
            break
        }
        'rolex;iam;help;help' {
            break
        }
        'rolex;doctor' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why you need the role (audit trail, `{reason}` in templates)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'MFA code (6 digits); skips the prompt')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Role session length, 15m..12h (for example 30m, 2h)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region inside the role (AWS_REGION)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write cached sessions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;import' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'With --organization: the role to add in every account')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Write them into the profile file (default: print them)')
            [CompletionResult]::new('--organization', '--organization', [CompletionResultType]::ParameterName, 'Import the accounts of the AWS Organization instead (aliases from account names, one role each)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;aws-config' {
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Put P in front of each profile name (for example rolex- for [profile rolex-prod])')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Keep them in a marked block of the AWS config file (default: print them)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;log' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only entries newer than this (for example 24h, 7d)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the entries as JSON lines, as stored')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;__complete-roles' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'rolex;help' {
            [CompletionResult]::new('switch', 'switch', [CompletionResultType]::ParameterValue, 'Become ROLE in this shell (a subshell without the shell hook)')
            [CompletionResult]::new('exit', 'exit', [CompletionResultType]::ParameterValue, 'Leave the role: restore the environment from before the switch')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run one command as ROLE (default: the active role, else defaults.role)')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the role''s variables for eval, CI or tools')
            [CompletionResult]::new('credential-process', 'credential-process', [CompletionResultType]::ParameterValue, 'Print AWS credential_process JSON (Version 1) for ROLE')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Open the AWS console as ROLE (federation sign-in), or print the sign-in URL')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List roles with account, role ARN, MFA and time left on cached sessions')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The active role in this shell and its time left')
            [CompletionResult]::new('prompt', 'prompt', [CompletionResultType]::ParameterValue, 'A prompt segment for the active role; empty outside a role')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the shell hook to eval in your shell''s rc file')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Store the long-term access key of SOURCE in the secret store')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete SOURCE''s key and every session made from it')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace SOURCE''s access key with a new one (IAM), then delete the old one')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Forget cached sessions')
            [CompletionResult]::new('iam', 'iam', [CompletionResultType]::ParameterValue, 'Set up the AWS side: trust policies, cross-account roles, permission to assume them')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the setup end to end and explain each problem in plain words')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn the role profiles of the AWS config file into rolex roles')
            [CompletionResult]::new('aws-config', 'aws-config', [CompletionResultType]::ParameterValue, 'AWS config profiles (credential_process = rolex) for every role')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'The local audit trail: who switched to what, when, why, and when they left')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (rolex.1, rolex-COMMAND.1, rolex.5) into DIR')
            [CompletionResult]::new('__complete-roles', '__complete-roles', [CompletionResultType]::ParameterValue, 'Role names of the profile file, one a line (for shell completion)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rolex;help;switch' {
            break
        }
        'rolex;help;exit' {
            break
        }
        'rolex;help;exec' {
            break
        }
        'rolex;help;env' {
            break
        }
        'rolex;help;credential-process' {
            break
        }
        'rolex;help;console' {
            break
        }
        'rolex;help;list' {
            break
        }
        'rolex;help;status' {
            break
        }
        'rolex;help;prompt' {
            break
        }
        'rolex;help;init' {
            break
        }
        'rolex;help;add' {
            break
        }
        'rolex;help;remove' {
            break
        }
        'rolex;help;rotate' {
            break
        }
        'rolex;help;clear' {
            break
        }
        'rolex;help;iam' {
            [CompletionResult]::new('trust-policy', 'trust-policy', [CompletionResultType]::ParameterValue, 'Print a trust policy letting users of ACCOUNT assume a role, with MFA')
            [CompletionResult]::new('create-role', 'create-role', [CompletionResultType]::ParameterValue, 'Create a role in this account that users of the identity account may assume with MFA')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Let an IAM user or group (in this account) assume ROLE_ARN')
            break
        }
        'rolex;help;iam;trust-policy' {
            break
        }
        'rolex;help;iam;create-role' {
            break
        }
        'rolex;help;iam;grant' {
            break
        }
        'rolex;help;doctor' {
            break
        }
        'rolex;help;import' {
            break
        }
        'rolex;help;aws-config' {
            break
        }
        'rolex;help;log' {
            break
        }
        'rolex;help;completions' {
            break
        }
        'rolex;help;man' {
            break
        }
        'rolex;help;__complete-roles' {
            break
        }
        'rolex;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

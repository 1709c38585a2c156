# rolex shell hook for fish. Load it from ~/.config/fish/config.fish with:
#     rolex init fish | source
# Rendered by `rolex init fish`: @ROLEX@ is the binary's absolute path, quoted.
#
# Completions (role names included) are a separate line, so that the hook
# stays small:
#     rolex completions fish | source           # in ~/.config/fish/config.fish
#
# Protocol: every call runs the binary with ROLEX_HOOK=fish and
# __ROLEX_SAVED=<the global, unexported __rolex_saved> in its environment
# only. `switch` and `exit` (without --subshell) print a script on stdout;
# when the binary exits 0 that script is sourced here. It runs inside this
# function, so it must use global scope: set -gx / set -g / set -e -g.
function rolex --description 'Switch this shell to an AWS IAM role'
    set -l __rolex_sub
    set -l __rolex_capture 1
    set -l __rolex_skip 0
    # The subcommand is the first word that is neither a flag nor the value
    # of a flag that takes one (options follow the command; values are skipped).
    for __rolex_arg in $argv
        if test $__rolex_skip = 1
            set __rolex_skip 0
            continue
        end
        switch $__rolex_arg
            case '--'
                break
            case --subshell -h --help -V --version
                set __rolex_capture 0
            case --reason --token --duration --region
                set __rolex_skip 1
            case '-*'
            case '*'
                test -n "$__rolex_sub"; or set __rolex_sub $__rolex_arg
        end
    end
    contains -- "$__rolex_sub" switch exit; or set __rolex_capture 0

    # "$__rolex_saved" is one word, empty when the variable is not set.
    if test $__rolex_capture = 0
        ROLEX_HOOK=fish __ROLEX_SAVED="$__rolex_saved" @ROLEX@ $argv
        return $status
    end

    # stdout only is captured (one list element a line): stderr and
    # /dev/tty (the MFA prompt) stay on the terminal.
    # Role variables this shell has but does not export: rolex cannot see
    # them, so a switch refuses rather than lose them on exit. (The list is
    # env.rs's ROLE_VARS.)
    set -l __rolex_local
    for __rolex_n in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
            AWS_CREDENTIAL_EXPIRATION AWS_SESSION_EXPIRATION AWS_REGION AWS_DEFAULT_REGION \
            AWS_PROFILE AWS_DEFAULT_PROFILE ROLEX_ROLE ROLEX_ACCOUNT \
            ROLEX_ACCOUNT_ALIAS ROLEX_COLOR ROLEX_SUBSHELL
        if set -q $__rolex_n; and not set -qx $__rolex_n
            set -a __rolex_local $__rolex_n
        end
    end
    set -l __rolex_out (ROLEX_HOOK=fish __ROLEX_UNEXPORTED="$__rolex_local" __ROLEX_SAVED="$__rolex_saved" @ROLEX@ $argv)
    set -l __rolex_rc $status
    if test $__rolex_rc -ne 0
        return $__rolex_rc
    end
    # Lines joined back exactly (a quoted value may span lines). The status of
    # the last line is not ours to report: `set -e -g` of a variable that was
    # not set fails quietly, yet the switch worked.
    string join \n -- $__rolex_out | source
    return 0
end

# rolex shell hook for bash. Load it from ~/.bashrc with:
#     eval "$(rolex init bash)"
# Rendered by `rolex init bash`: @ROLEX@ is the binary's absolute path, quoted.
#
# Completions (role names included) are a separate line, so that the hook
# stays small:
#     source <(rolex completions bash)          # in ~/.bashrc, after this hook
#
# Protocol: every call runs the binary with ROLEX_HOOK=bash and
# __ROLEX_SAVED=<the shell-local __rolex_saved> in its environment only.
# `switch` and `exit` (without --subshell) print a script on stdout; when the
# binary exits 0 that script is eval'd here, in this shell. It exports and
# unsets the role variables and assigns or unsets the global, unexported
# __rolex_saved, so nothing in this function may declare that name local.
function rolex {
    local __rolex_sub='' __rolex_capture=1 __rolex_skip='' __rolex_arg
    local __rolex_out='' __rolex_rc=0
    # The subcommand is the first word that is neither a flag nor the value
    # of a flag that takes one (options follow the command; values are skipped).
    for __rolex_arg in "$@"; do
        if [ -n "$__rolex_skip" ]; then
            __rolex_skip=''
            continue
        fi
        case $__rolex_arg in
            --) break ;;
            --subshell | -h | --help | -V | --version) __rolex_capture='' ;;
            --reason | --token | --duration | --region) __rolex_skip=1 ;;
            -*) ;;
            *) [ -n "$__rolex_sub" ] || __rolex_sub=$__rolex_arg ;;
        esac
    done
    case $__rolex_sub in
        switch | exit) ;;
        *) __rolex_capture='' ;;
    esac

    if [ -z "$__rolex_capture" ]; then
        ROLEX_HOOK=bash __ROLEX_SAVED="${__rolex_saved-}" @ROLEX@ "$@"
        return
    fi

    # Role variables this shell has but does not export: rolex cannot see
    # them, so a switch refuses rather than lose them on exit. (compgen -e:
    # the exported names; the list is env.rs's ROLE_VARS.)
    local __rolex_exported __rolex_local='' __rolex_n
    __rolex_exported=$'\n'"$(compgen -e)"$'\n'
    for __rolex_n in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
        AWS_CREDENTIAL_EXPIRATION AWS_SESSION_EXPIRATION AWS_REGION AWS_DEFAULT_REGION \
        AWS_PROFILE AWS_DEFAULT_PROFILE ROLEX_ROLE ROLEX_ACCOUNT \
        ROLEX_ACCOUNT_ALIAS ROLEX_COLOR ROLEX_SUBSHELL; do
        if [ -n "${!__rolex_n+x}" ]; then
            case $__rolex_exported in
                *$'\n'"$__rolex_n"$'\n'*) ;;
                *) __rolex_local="$__rolex_local $__rolex_n" ;;
            esac
        fi
    done

    # stdout only is captured: stderr and /dev/tty (the MFA prompt) stay on
    # the terminal.
    __rolex_out=$(ROLEX_HOOK=bash __ROLEX_UNEXPORTED="$__rolex_local" __ROLEX_SAVED="${__rolex_saved-}" @ROLEX@ "$@") || __rolex_rc=$?
    if [ "$__rolex_rc" -ne 0 ]; then
        return "$__rolex_rc"
    fi
    eval "$__rolex_out"
}

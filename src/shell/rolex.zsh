# rolex shell hook for zsh. Load it from ~/.zshrc with:
#     eval "$(rolex init zsh)"
# Rendered by `rolex init zsh`: @ROLEX@ is the binary's absolute path, quoted.
#
# Completions (role names included) are a separate line, so that the hook
# stays small:
#     source <(rolex completions zsh)           # in ~/.zshrc, after compinit
#
# Protocol: every call runs the binary with ROLEX_HOOK=zsh and
# __ROLEX_SAVED=<the shell-local __rolex_saved> in its environment only.
# `switch` and `exit` (without --subshell) print a script on stdout; when the
# binary exits 0 that script is eval'd here, in this shell. It exports and
# unsets the role variables and assigns or unsets the global, unexported
# __rolex_saved, so nothing in this function may declare that name local.
function rolex {
    # zsh's own option defaults while this runs (the user's no_unset,
    # err_exit, sh_word_split, ksh_arrays... are back on return).
    emulate -L zsh
    local __rolex_sub='' __rolex_capture=1 __rolex_skip='' __rolex_arg
    local __rolex_out='' __rolex_rc=0
    # The subcommand is the first word that is neither a flag nor the value
    # of a flag that takes one (options follow the command; values are skipped).
    for __rolex_arg in "$@"; do
        if [[ -n $__rolex_skip ]]; then
            __rolex_skip=''
            continue
        fi
        case $__rolex_arg in
            (--) break ;;
            (--subshell|-h|--help|-V|--version) __rolex_capture='' ;;
            (--reason|--token|--duration|--region) __rolex_skip=1 ;;
            (-*) ;;
            (*) [[ -n $__rolex_sub ]] || __rolex_sub=$__rolex_arg ;;
        esac
    done
    [[ $__rolex_sub == (switch|exit) ]] || __rolex_capture=''

    if [[ -z $__rolex_capture ]]; then
        ROLEX_HOOK=zsh __ROLEX_SAVED="${__rolex_saved-}" @ROLEX@ "$@"
        return
    fi

    # Role variables this shell has but does not export: rolex cannot see
    # them, so a switch refuses rather than lose them on exit. (The list is
    # env.rs's ROLE_VARS.)
    local __rolex_local='' __rolex_n
    for __rolex_n in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
        AWS_CREDENTIAL_EXPIRATION AWS_SESSION_EXPIRATION AWS_REGION AWS_DEFAULT_REGION \
        AWS_PROFILE AWS_DEFAULT_PROFILE ROLEX_ROLE ROLEX_ACCOUNT \
        ROLEX_ACCOUNT_ALIAS ROLEX_COLOR ROLEX_SUBSHELL; do
        if [[ -n ${(Pt)__rolex_n} && ${(Pt)__rolex_n} != *-export* ]]; then
            __rolex_local+=" $__rolex_n"
        fi
    done

    # stdout only is captured: stderr and /dev/tty (the MFA prompt) stay on
    # the terminal.
    __rolex_out=$(ROLEX_HOOK=zsh __ROLEX_UNEXPORTED="$__rolex_local" __ROLEX_SAVED="${__rolex_saved-}" @ROLEX@ "$@") || __rolex_rc=$?
    if (( __rolex_rc != 0 )); then
        return $__rolex_rc
    fi
    eval "$__rolex_out"
}

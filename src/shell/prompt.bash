# rolex prompt segment for bash (`rolex init bash --prompt`): the active role,
# then one space, in front of PS1; nothing outside a role. One `rolex prompt`
# run a prompt, from PROMPT_COMMAND, into the global __rolex_ps1 that PS1
# expands (the binary wraps its colour codes in \001..\002 for readline).
__rolex_ps1=${__rolex_ps1-}

function __rolex_prompt {
    local __rolex_rc=$? __rolex_seg=''
    __rolex_seg=$(@ROLEX@ prompt --shell bash 2>/dev/null) || __rolex_seg=''
    __rolex_ps1=${__rolex_seg:+$__rolex_seg }
    # Hand the last command's status on to the rest of PROMPT_COMMAND, except
    # under `set -e`, where a non-zero status here would end the shell.
    case $- in
        *e*) return 0 ;;
    esac
    return "$__rolex_rc"
}

# Run first in PROMPT_COMMAND, once however often this is eval'd. For the
# array form (bash 5.1+) this prepends to element 0, which is as good.
case ${PROMPT_COMMAND-} in
    *__rolex_prompt*) ;;
    *) PROMPT_COMMAND=__rolex_prompt${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND} ;;
esac

# shellcheck disable=SC2016 # single quotes on purpose: PS1 expands it at each prompt
case ${PS1-} in
    *'${__rolex_ps1-}'*) ;;
    *) PS1='${__rolex_ps1-}'${PS1-} ;;
esac

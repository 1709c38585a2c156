# rolex prompt segment for zsh (`rolex init zsh --prompt`): the active role,
# then one space, in front of PROMPT; nothing outside a role. One
# `rolex prompt` run a prompt, from a precmd hook, into the global
# __rolex_ps1 that PROMPT expands (the binary wraps its colour codes in
# %{..%}). Put this after anything that sets PROMPT (themes).
typeset -g __rolex_ps1=${__rolex_ps1-}

function __rolex_precmd {
    emulate -L zsh
    local __rolex_seg=''
    __rolex_seg=$(@ROLEX@ prompt --shell zsh 2>/dev/null) || __rolex_seg=''
    __rolex_ps1=${__rolex_seg:+$__rolex_seg }
}

autoload -Uz add-zsh-hook
add-zsh-hook precmd __rolex_precmd    # adds it once, however often this is eval'd
setopt prompt_subst
[[ $PROMPT == *'${__rolex_ps1-}'* ]] || PROMPT='${__rolex_ps1-}'$PROMPT

# rolex prompt segment for fish (`rolex init fish --prompt`): the active role,
# then one space, in front of the prompt; nothing outside a role. The user's
# fish_prompt is kept as __rolex_user_fish_prompt (copied once, however often
# this is sourced) and called after the segment. One `rolex prompt` run a
# prompt. Source this after anything that defines fish_prompt (themes).
if not functions -q __rolex_user_fish_prompt
    if functions -q fish_prompt
        functions -c fish_prompt __rolex_user_fish_prompt
    else
        function __rolex_user_fish_prompt
            printf '> '
        end
    end
end

function __rolex_return
    return $argv[1]
end

function fish_prompt --description 'rolex role segment, then the prompt from before'
    set -l __rolex_rc $status
    set -l __rolex_seg (@ROLEX@ prompt --shell fish 2>/dev/null)
    if test -n "$__rolex_seg"
        printf '%s ' (string join \n -- $__rolex_seg)
    end
    # The user's prompt sees the last command's status, as it would unwrapped.
    __rolex_return $__rolex_rc
    __rolex_user_fish_prompt
end

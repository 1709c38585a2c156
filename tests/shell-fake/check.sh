#!/usr/bin/env bash
# Tests the shell hooks in src/shell/ for real, without the Rust binary: the
# hooks are rendered the way shell::init does (src/shell/mod.rs), calling the
# fake binary ./rolex from a path with a space and a quote in it, then
# interactive bash, zsh and fish are driven in tmux.
#
#   tests/shell-fake/check.sh [bash] [zsh] [fish]     (default: all three)
#
# Needs tmux and shellcheck, and the shells asked for. Exit status 0 when every
# check passed; on a failure the pane is printed.
# shellcheck disable=SC2016 # single quotes on purpose: the text is typed into the shells under test
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
src=$root/src/shell
if (($#)); then shells=("$@"); else shells=(bash zsh fish); fi
for tool in tmux shellcheck "${shells[@]}"; do
    command -v "$tool" >/dev/null || { echo "check.sh: $tool not found" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/rolex-shell.XXXXXX")
sock=rolex-check-$$
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

bindir="$work/bin dir/it's"
mkdir -p "$bindir" "$work/home"
cp "$here/rolex" "$bindir/rolex"
chmod +x "$bindir/rolex"
exe=$bindir/rolex
log=$work/calls.log
: >"$log"

sq="'"
bs=$'\\'
sh_quote() { printf "'%s'" "${1//"$sq"/"$sq$bs$sq$sq"}"; }
fish_quote() {
    local v=${1//"$bs"/"$bs$bs"}
    printf "'%s'" "${v//"$sq"/"$bs$sq"}"
}
# FILE QUOTED-EXE: the template with @ROLEX@ replaced, trailing newline kept.
render() {
    local text
    text=$(cat "$1" && echo .)
    text=${text%.}
    printf '%s' "${text//@ROLEX@/$2}"
}
# SHELL: what `rolex init SHELL --prompt` prints (hook, "\n", prompt add-on).
render_init() {
    local q
    case $1 in
        fish) q=$(fish_quote "$exe") ;;
        *) q=$(sh_quote "$exe") ;;
    esac
    render "$src/rolex.$1" "$q"
    printf '\n'
    render "$src/prompt.$1" "$q"
}

fails=0
pass() { printf 'ok   %s\n' "$1"; }
fail() {
    printf 'FAIL %s\n' "$1"
    fails=$((fails + 1))
}

# --- static checks ----------------------------------------------------------
q=$(sh_quote "$exe")
render "$src/rolex.bash" "$q" >"$work/hook.bash"
render "$src/prompt.bash" "$q" >"$work/prompt.bash"
render_init bash >"$work/init.bash"
for f in hook.bash prompt.bash init.bash; do
    if out=$(shellcheck -s bash "$work/$f" 2>&1); then pass "shellcheck -s bash rendered $f"; else
        fail "shellcheck -s bash rendered $f"
        printf '%s\n' "$out"
    fi
done
for f in "$here/rolex" "$here/check.sh"; do
    if out=$(shellcheck -s bash "$f" 2>&1); then pass "shellcheck $(basename "$f")"; else
        fail "shellcheck $(basename "$f")"
        printf '%s\n' "$out"
    fi
done
for sh in "${shells[@]}"; do
    render_init "$sh" >"$work/init.$sh"
    grep -q @ROLEX@ "$work/init.$sh" && fail "$sh: @ROLEX@ left after rendering"
    case $sh in
        bash) syntax=(bash -n) ;;
        zsh) syntax=(zsh -n) ;;
        fish) syntax=(fish --no-execute) ;;
    esac
    if "${syntax[@]}" "$work/init.$sh"; then pass "${syntax[*]} rendered init.$sh"; else fail "${syntax[*]} rendered init.$sh"; fi
done

# --- interactive shells in tmux ---------------------------------------------
T() { tmux -L "$sock" -f /dev/null "$@"; }
T new-session -d -s boot -x 80 -y 10 \; set -g history-limit 50000 \; set -g remain-on-exit on

step_n=0
session=''
pane() { T capture-pane -p -J -t "$session" -S - -E -; }
# REGEX [SECONDS]: wait until a pane line matches (extended regex).
wait_for() {
    local i
    for ((i = 0; i < ${2:-10} * 10; i++)); do
        pane | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
# Wait until the last line is a prompt (ends in "#", "$" or ">" and spaces),
# so keys sent next are not echoed before it: one prompt a line.
wait_prompt() {
    local i
    for ((i = 0; i < 100; i++)); do
        pane | grep -v '^$' | tail -n 1 | grep -Eq '[#$>] *$' && return 0
        sleep 0.1
    done
    fail "$session: no prompt"
}
send() {
    T send-keys -t "$session" -l -- "$1"
    T send-keys -t "$session" Enter
}
# CMDLINE: run it, then wait for its marker line. The marker is typed as
# "@""@N", so only the echo's output matches ^@@N$.
step() {
    step_n=$((step_n + 1))
    send "$1; echo \"@\"\"@$step_n\""
    wait_for "^@@$step_n\$" || fail "$session: no end marker after: $1"
    wait_prompt
}
# Same, the marker first: for commands whose status the next prompt shows.
step_last() {
    step_n=$((step_n + 1))
    send "echo \"@\"\"@$step_n\"; $1"
    wait_for "^@@$step_n\$" || fail "$session: no end marker before: $1"
    wait_prompt
}
# NAME REGEX: a pane line matches.
expect() {
    if pane | grep -Eq -- "$2"; then pass "$session: $1"; else
        fail "$session: $1 (no line matching $2)"
        dump=1
    fi
}
expect_not() {
    if pane | grep -Eq -- "$2"; then
        fail "$session: $1 (a line matches $2)"
        dump=1
    else pass "$session: $1"; fi
}

run_shell() {
    local sh=$1 st cmd
    session=$sh
    dump=''
    case $sh in
        bash) cmd='bash --norc --noprofile -i'; st='$?' ;;
        zsh) cmd='zsh -f -i'; st='$?' ;;
        fish) cmd='fish --no-config -i'; st='$status' ;;
    esac
    T new-session -d -s "$sh" -x 200 -y 50 \
        "env -i HOME=$(printf %q "$work/home") PATH=$(printf %q "$PATH") TERM=xterm \
         ROLEX_FAKE_LOG=$(printf %q "$log") AWS_PROFILE=$(printf %q "dev it's") $cmd"
    step true

    # A user prompt showing the last status, and (bash) a user PROMPT_COMMAND
    # and (all) a helper that prints a variable or "unset".
    case $sh in
        bash)
            step "PS1='\$? \\\$ '; __user_pc() { __user_rc=\$?; }; PROMPT_COMMAND=__user_pc"
            step 'v() { if [[ -v $1 ]]; then printf %s "${!1}"; else printf unset; fi; }'
            ;;
        zsh)
            step "PROMPT='%? %# '"
            step 'v() { if (( ${+parameters[$1]} )); then printf %s "${(P)1}"; else printf unset; fi }'
            ;;
        fish)
            step "function fish_prompt; printf '%s > ' \$status; end"
            step 'function v; if set -q $argv[1]; printf %s $$argv[1]; else; printf unset; end; end'
            ;;
    esac

    # Loaded twice: the prompt add-on must not stack up.
    case $sh in
        fish)
            step "source $(fish_quote "$work/init.fish")"
            step "source $(fish_quote "$work/init.fish")"
            ;;
        *)
            step "eval \"\$(cat $(sh_quote "$work/init.$sh"))\""
            step "eval \"\$(cat $(sh_quote "$work/init.$sh"))\""
            ;;
    esac

    step 'echo "E1:$(v ROLEX_ROLE):$(v AWS_PROFILE):$(v __rolex_saved)"'
    expect "before: no role, AWS_PROFILE kept" "^E1:unset:dev it's:unset\$"
    expect_not "before: no prompt segment" '^\[[a-z]*\] '

    step 'rolex hookenv'
    expect "ROLEX_HOOK passed, __ROLEX_SAVED empty" "^HOOK=$sh SAVED=\$"
    step 'echo "E2:$(v ROLEX_HOOK):$(v __ROLEX_SAVED)"'
    expect "ROLEX_HOOK/__ROLEX_SAVED not left in the shell" '^E2:unset:unset$'

    step 'rolex switch x'
    step 'echo "E3:$(v ROLEX_ROLE):$(v AWS_PROFILE):$(v AWS_ACCESS_KEY_ID)"'
    expect "switch sets the role" '^E3:x:unset:fake$'
    step "sh -c 'echo \"E4:\${ROLEX_ROLE-unset}:\${__rolex_saved-unset}:\${ROLEX_HOOK-unset}\"'"
    expect "role exported, __rolex_saved not exported" '^E4:x:unset:unset$'
    expect "prompt segment in a role" '^\[x\] 0 [#$>] '
    expect_not "prompt segment once" '\[x\] \[x\]'
    step 'rolex hookenv'
    expect "__rolex_saved handed to the binary" '^HOOK=[a-z]+ SAVED=s1:[0-9a-f]+$'

    step 'rolex switch y'
    step 'echo "E5:$(v ROLEX_ROLE):$(v AWS_PROFILE)"'
    expect "role to role" '^E5:y:unset$'
    step 'rolex exit'
    step 'echo "E6:$(v ROLEX_ROLE):$(v AWS_PROFILE):$(v __rolex_saved):$(v AWS_ACCESS_KEY_ID)"'
    expect "exit restores the state from before the first switch" "^E6:unset:dev it's:unset:unset\$"

    step "rolex false; echo \"E7:$st\""
    expect "status of a plain command" '^E7:3$'
    # (Separate echos: fish expands $(...) before variables, so $status in
    # the same word would be the substitution's.)
    step "rolex switch fail; echo \"E8:$st\"; echo \"E8b:\$(v ROLEX_ROLE)\""
    expect "status of a failing switch" '^E8:4$'
    expect "failing switch changes nothing" '^E8b:unset$'
    expect "stderr reaches the terminal" '^rolex: fake failure$'
    expect_not "failing switch's stdout not eval'd" '^SHOULD-NOT-EVAL$'
    step "rolex exit; echo \"E9:$st\""
    expect "exit outside a role fails" '^E9:1$'

    step 'rolex switch --subshell z; echo "E10:$(v ROLEX_ROLE)"'
    expect "--subshell not captured" '^FAKE-SUBSHELL z$'
    expect "--subshell not eval'd" '^E10:unset$'
    step 'rolex switch --help; echo "E11:$(v ROLEX_ROLE)"'
    expect "--help not captured" '^Usage: rolex switch \[ROLE\]$'
    expect "--help not eval'd" '^E11:unset$'
    step 'rolex switch --reason "a b" --region eu-west-1 -y g; echo "E12:$(v ROLEX_ROLE)"'
    expect "valued flags before the role" '^E12:g$'
    step 'rolex exit'

    # MFA on /dev/tty while stdout is captured.
    step_n=$((step_n + 1))
    send "rolex switch mfa; echo \"E13:\$(v ROLEX_MFA)\"; echo \"@\"\"@$step_n\""
    if wait_for 'MFA code: *$'; then
        send 123456
        wait_for "^@@$step_n\$" || fail "$session: no end marker after the MFA switch"
        expect "MFA prompt on /dev/tty, switch evals" '^E13:123456$'
    else
        fail "$session: no MFA prompt on /dev/tty"
        dump=1
    fi
    step 'rolex exit'

    # The last command's status still reaches the user's prompt.
    step_last "sh -c 'exit 7'"
    expect "user prompt sees the last status" '^7 [#$>] '
    if [[ $sh == bash ]]; then
        step 'echo "E14:$__user_rc"'
        expect "user PROMPT_COMMAND sees the last status" '^E14:7$'
        step 'echo "E15:$(grep -o __rolex_prompt <<<"$PROMPT_COMMAND" | wc -l)"'
        expect "PROMPT_COMMAND hooked once" '^E15:1$'
    fi
    if [[ $sh == zsh ]]; then
        step 'echo "E15:${#${(@M)precmd_functions:#__rolex_precmd}}"'
        expect "precmd hooked once" '^E15:1$'
    fi

    # Strict modes.
    case $sh in
        bash) step 'set -euo pipefail' ;;
        zsh) step 'setopt no_unset err_exit pipe_fail' ;;
    esac
    if [[ $sh != fish ]]; then
        step 'rolex switch s'
        step 'echo "E16:$ROLEX_ROLE"'
        expect "strict: switch" '^E16:s$'
        expect "strict: prompt segment" '^\[s\] 0 [#$] '
        step "rolex false || echo \"E17:$st\""
        expect "strict: status of a failing call" '^E17:3$'
        step_last 'false && true'
        step 'echo E18:alive'
        expect "strict: a failed status does not end the shell at the prompt" '^E18:alive$'
        step 'rolex exit'
        step 'echo "E19:${ROLEX_ROLE-unset}:${AWS_PROFILE-unset}"'
        expect "strict: exit" "^E19:unset:dev it's\$"
    fi

    if grep -q "^prompt --shell $sh|hook=<unset>|saved=<unset>\$" "$log"; then pass "$sh: prompt called as 'prompt --shell $sh'"; else
        fail "$sh: prompt never called as 'prompt --shell $sh'"
    fi
    if [[ -n $dump ]]; then
        echo "----- $sh pane -----"
        pane | grep -v '^$'
        echo "--------------------"
    fi
    # One `rolex prompt` a prompt: every prompt drawn since the hook was
    # loaded (all but the 2 drawn after setting up the user prompt and v).
    calls=$(grep -c "^prompt --shell $sh|" "$log" || true)
    prompts=$(pane | grep -cE '^(\[[a-z]+\] )?[0-9]+ [#$>] ' || true)
    if ((calls == prompts - 2)); then pass "$sh: one rolex prompt a prompt ($calls)"; else
        fail "$sh: $calls rolex prompt calls for $((prompts - 2)) prompts"
    fi
    T kill-session -t "$sh"
}

for sh in "${shells[@]}"; do
    run_shell "$sh"
done

if ((fails)); then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"

#!/usr/bin/env bash
# Regenerates the checked-in completions/ and man/ from the CLI definition.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build -q
bin=${CARGO_TARGET_DIR:-target}/debug/rolex
mkdir -p completions man
"$bin" completions bash >completions/rolex.bash
"$bin" completions zsh >completions/_rolex
"$bin" completions fish >completions/rolex.fish
"$bin" completions powershell >completions/_rolex.ps1
"$bin" completions elvish >completions/rolex.elv
rm -f man/*.1
"$bin" man man

# Help of every command, for tests/e2e/help.rs (width fixed so it is stable).
help_of() {
    local name sub
    name=$(IFS=-; echo "rolex${*:+-$*}")
    COLUMNS=100 "$bin" "$@" --help >"tests/help/$name.txt"
    for sub in $(awk '/^Commands:$/{f=1;next} f&&/^$/{f=0} f&&/^  [^ ]/{print $1}' "tests/help/$name.txt"); do
        [[ $sub == help ]] || help_of "$@" "$sub"
    done
}
rm -rf tests/help
mkdir -p tests/help
help_of

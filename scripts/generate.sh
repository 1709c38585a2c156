#!/usr/bin/env bash
# Regenerates the checked-in completions/ and man/ from the CLI definition.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build -q
bin=target/debug/rolex
mkdir -p completions man
"$bin" completions bash >completions/rolex.bash
"$bin" completions zsh >completions/_rolex
"$bin" completions fish >completions/rolex.fish
"$bin" completions powershell >completions/_rolex.ps1
"$bin" completions elvish >completions/rolex.elv
rm -f man/*.1
"$bin" man man

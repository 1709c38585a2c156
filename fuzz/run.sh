#!/usr/bin/env bash
# A short coverage-guided fuzz run of every target: bash fuzz/run.sh [SECONDS]
# (per target, default 15). cargo-fuzz (libFuzzer) on the stable toolchain:
# RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags cargo-fuzz passes.
# The fuzz crate includes rolex's pure modules by path, so no AWS SDK is
# built with sanitizers.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
secs=${1:-15}
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi
export RUSTC_BOOTSTRAP=1
targets=(profile duration template saved)
for t in "${targets[@]}"; do
    echo "fuzz/run.sh: $t for ${secs} s" >&2
    cargo fuzz run --debug-assertions "$t" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done

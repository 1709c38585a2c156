#!/usr/bin/env bash
# shellcheck disable=SC2030,SC2031 # sections export a variable in a subshell on purpose
# Benchmarks with hyperfine against a local moto (not part of the tests).
# Every figure of one run is measured side by side on the same machine:
#   1. the release binaries' sizes (`rolex`, the front, and `rolex-core`);
#   2. `rolex prompt` inside a role (a plain `cargo install` build), beside
#      /bin/true and rolex-core's own prompt;
#   3. a cached `rolex exec ROLE -- true`: the kernel-keyring session cache with
#      either backend (run directly, as /bin/true is: no env(1) in front), and
#      the secret-store cache (ROLEX_SESSION_CACHE=store);
#   4. `rolex list` with 2,000 roles and a warm cache, likewise;
#   5. completion of role names and the role picker with 2,000 roles;
#   6. the hook's `rolex switch` + `rolex exit` with a cached session;
#   7. peers on the same moto: the AWS CLI with a cached role profile and
#      awsume with its cached MFA session; then a first switch (empty caches:
#      MFA session + AssumeRole) for rolex, awsume and the AWS CLI.
# The keyring backend runs on a private gnome-keyring, as in tests/run.sh.
# Results: a markdown table and medians on stdout; bench/RESULTS.md keeps them.
# Usage: bash bench/run.sh [SECTION...]   (size prompt exec list complete hook
# peers first; default: all of them)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z ${ROLEX_BENCH_INNER:-} ]]; then
    for c in hyperfine keyctl gnome-keyring-daemon dbus-run-session expect; do
        command -v "$c" >/dev/null || { echo "bench: $c is missing (apt-get install hyperfine keyutils gnome-keyring dbus expect)" >&2; exit 1; }
    done
    [[ -x .venv-moto/bin/moto_server ]] || { echo "bench: run bash tests/run.sh once first (it makes .venv-moto)" >&2; exit 1; }
    if [[ ! -x .venv-awsume/bin/awsumepy ]]; then
        python3 -m venv .venv-awsume
        .venv-awsume/bin/pip install -q awsume
    fi
    echo "bench: building the release binary (the first build takes several minutes)" >&2
    cargo build --release --locked
    T=$(mktemp -d "${TMPDIR:-/tmp}/rolex-bench.XXXXXX")
    mkdir -p "$T/run" && chmod 700 "$T/run"
    unset DBUS_SESSION_BUS_ADDRESS
    # shellcheck disable=SC2016 # expanded by the inner bash
    XDG_RUNTIME_DIR=$T/run XDG_DATA_HOME=$T/data ROLEX_BENCH_INNER=$T ROLEX_BENCH_ONLY="$*" dbus-run-session -- bash -c '
        eval "$(printf %s bench | gnome-keyring-daemon --unlock --components=secrets)"
        for _ in $(seq 1 100); do
            dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply \
                /org/freedesktop/DBus org.freedesktop.DBus.ListNames 2>/dev/null | grep -q org.freedesktop.secrets && break
            sleep 0.1
        done
        exec bash "$0"' "$0"
    status=$?
    rm -rf "$T"
    exit $status
fi

T=$ROLEX_BENCH_INNER
R=$PWD/target/release/rolex
C=$PWD/target/release/rolex-core
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
.venv-moto/bin/moto_server -H 127.0.0.1 -p "$port" >"$T/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; ROLEX_BACKEND=keyring "$R" clear --all 2>/dev/null; ROLEX_BACKEND=file ROLEX_FILE_PASSPHRASE=bench "$R" clear --all 2>/dev/null' EXIT
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/data.json')" 2>/dev/null; do sleep 0.2; done

KEY=AKIAIOSFODNN7EXAMPLE
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
cat >"$T/config.toml" <<'TOML'
[sources.main]
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"
mfa_session = "12h"
[roles.prod-admin]
account = "222222222222"
role = "Admin"
region = "us-east-1"
TOML
# 2,000 roles over 500 accounts, for `rolex list`.
python3 - "$T/config.toml" "$T/big.toml" <<'PY'
import sys
head = open(sys.argv[1]).read()
with open(sys.argv[2], "w") as f:
    f.write(head + "[accounts]\n")
    for a in range(500):
        f.write('acct%d = "%012d"\n' % (a, 200000000000 + a))
    for r in range(2000):
        f.write('[roles.role%d]\naccount = "acct%d"\nrole = "Role%d"\ndescription = "role %d"\n' % (r, r % 500, r // 500, r))
PY
chmod 600 "$T/config.toml" "$T/big.toml"
export ROLEX_CONFIG=$T/config.toml HOME=$T \
    AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1 ROLEX_FILE_PASSPHRASE=bench
# The source's key in both stores.
for b in keyring file; do
    AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET ROLEX_BACKEND=$b "$R" add main --from-env --yes 2>/dev/null </dev/null || true
done

# `bash bench/run.sh exec list` measures only those sections (default: all):
# size prompt exec list complete hook peers first.
want() { [[ -z ${ROLEX_BENCH_ONLY:-} || " $ROLEX_BENCH_ONLY " == *" $1 "* ]]; }

md=$T/results.md
: >"$md"
bench() {
    hyperfine -N --style basic --export-markdown "$T/one.md" --export-json "$T/one.json" "$@"
    tail -n +3 "$T/one.md" >>"$md"
    python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]: print("median %8.2f ms  %s" % (r["median"]*1000, r["command"]))' "$T/one.json" >>"$T/medians.txt"
}
warm() { # warm BACKEND CACHE: a cached prod-admin session for that store and cache
    ROLEX_BACKEND=$1 ROLEX_SESSION_CACHE=$2 "$R" exec prod-admin --token 123456 -- true
}

# A cached prod-admin session in every store and cache the sections use.
warm file kernel
warm keyring kernel
warm keyring store
warm file store

if want size; then
echo "== size =="
: >"$T/size.txt"
for b in "$R" "$C"; do
    size=$(stat -c %s "$b")
    echo "release binary $(basename "$b"): $size bytes ($((size / 1048576)) MiB)" | tee -a "$T/size.txt"
done

fi

if want prompt; then
echo "== rolex prompt, inside a role =="
(
    eval "$(env ROLEX_BACKEND=file "$R" env prod-admin)"
    bench --warmup 50 --runs 1000 -n 'rolex prompt' "$R prompt" -n '/bin/true' /bin/true \
        -n 'rolex-core prompt' "$C prompt"
)

fi

if want exec; then
# The issue's ratio: rolex run directly, as /bin/true is (env(1) in front
# would add its own start), the backend exported by a subshell.
for backend in file keyring; do
    echo "== cached rolex exec prod-admin -- true, kernel keyring cache, $backend backend =="
    (
        export ROLEX_BACKEND=$backend
        bench --warmup 20 --runs 500 \
            -n "rolex exec (kernel cache, $backend backend)" "$R exec prod-admin -- true" \
            -n "rolex-core exec (kernel cache, $backend backend)" "$C exec prod-admin -- true" \
            -n '/bin/true' /bin/true
    )
done
echo "== cached rolex exec prod-admin -- true, secret-store cache =="
bench --warmup 5 --runs 100 \
    -n 'rolex exec (store cache, keyring backend)' "env ROLEX_BACKEND=keyring ROLEX_SESSION_CACHE=store $R exec prod-admin -- true" \
    -n 'rolex exec (store cache, file backend)' "env ROLEX_BACKEND=file ROLEX_SESSION_CACHE=store $R exec prod-admin -- true" \
    -n 'env /bin/true' "env /bin/true"

fi

if want list; then
echo "== rolex list, 2,000 roles, warm cache =="
bench --warmup 3 --runs 30 \
    -n 'rolex list, 2000 roles (kernel cache, file backend)' "env ROLEX_CONFIG=$T/big.toml ROLEX_BACKEND=file $R list" \
    -n 'rolex list, 2000 roles (kernel cache, keyring backend)' "env ROLEX_CONFIG=$T/big.toml ROLEX_BACKEND=keyring $R list" \
    -n 'rolex list, 2000 roles (store cache, keyring backend)' "env ROLEX_CONFIG=$T/big.toml ROLEX_BACKEND=keyring ROLEX_SESSION_CACHE=store $R list" \
    -n 'rolex list, 2000 roles (store cache, file backend)' "env ROLEX_CONFIG=$T/big.toml ROLEX_BACKEND=file ROLEX_SESSION_CACHE=store $R list"

fi

if want complete; then
echo "== completion and the picker, 2,000 roles =="
# The picker in a terminal (expect): open it, type a filter, wait for the
# one role it leaves, cancel with Escape. Beside it the same with one role.
cat >"$T/pick.exp" <<'EXP'
set timeout 20
set filter [lindex $argv 0]
set want [lindex $argv 1]
spawn -noecho {*}[lrange $argv 2 end]
expect "Role"
send -- $filter
expect $want
send "\033"
expect eof
EXP
bench --warmup 3 --runs 30 \
    -n 'rolex __complete-roles, 2000 roles (what Tab runs)' "env ROLEX_CONFIG=$T/big.toml $R __complete-roles" \
    -n 'rolex __complete-roles, 1 role' "$R __complete-roles" \
    -n 'picker, 2000 roles: open, type role1999, Escape' "env ROLEX_CONFIG=$T/big.toml expect -f $T/pick.exp role1999 acct499 $R switch" \
    -n 'picker, 1 role: open, type prod, Escape' "expect -f $T/pick.exp prod 222222222222 $R switch"

fi

if want hook; then
echo "== hook: rolex switch + exit with a cached session (bash function + eval) =="
cat >"$T/switch.sh" <<SH
eval "\$($R init bash)"
rolex switch prod-admin 2>/dev/null
rolex exit 2>/dev/null
SH
bench --warmup 3 --runs 50 -n 'bash: hook + switch + exit (cached)' "env ROLEX_BACKEND=keyring bash --norc --noprofile $T/switch.sh" \
    -n 'bash: startup alone' "bash --norc --noprofile -c true"

fi

if want peers; then
echo "== peers on the same moto =="
cat >"$T/aws-config" <<CFG
[profile base]
region = us-east-1
[profile prod]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice
region = us-east-1
CFG
printf '[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$KEY" "$SECRET" >"$T/aws-creds"
peer_env="env -u XDG_DATA_HOME -u XDG_RUNTIME_DIR AWS_CONFIG_FILE=$T/aws-config AWS_SHARED_CREDENTIALS_FILE=$T/aws-creds"
# Fill the AWS CLI's role cache (MFA code on stdin) and awsume's MFA session.
echo 123456 | $peer_env .venv-moto/bin/aws --profile prod sts get-caller-identity >/dev/null
$peer_env .venv-awsume/bin/awsumepy prod --mfa-token 123456 </dev/null >/dev/null
# rolex run directly, as in the exec section; the peers need env(1) for
# their files, which adds under 1 ms (`env /bin/true`) to their 300 ms.
(
    export ROLEX_BACKEND=keyring
    bench --warmup 3 --runs 30 \
        -n 'rolex exec prod-admin -- true (kernel cache)' "$R exec prod-admin -- true" \
        -n 'awsumepy prod (cached MFA session)' "$peer_env .venv-awsume/bin/awsumepy prod" \
        -n 'aws --profile prod sts get-caller-identity (cached role)' "$peer_env .venv-moto/bin/aws --profile prod sts get-caller-identity"
)

fi

if want first; then
echo "== first switch: empty caches, MFA session + AssumeRole =="
bench --warmup 1 --runs 10 \
    --prepare "env ROLEX_BACKEND=keyring $R clear --all" \
    -n 'rolex exec prod-admin --token CODE -- true (empty cache)' "env ROLEX_BACKEND=keyring $R exec prod-admin --token 123456 -- true"
bench --warmup 1 --runs 10 \
    --prepare "rm -rf $T/.awsume/cache" \
    -n 'awsumepy prod --mfa-token CODE (empty cache)' "$peer_env .venv-awsume/bin/awsumepy prod --mfa-token 123456"
bench --warmup 1 --runs 10 \
    --prepare "rm -rf $T/.aws/cli/cache" \
    -n 'aws --profile prod sts get-caller-identity (empty cache, code on stdin)' "sh -c 'echo 123456 | $peer_env .venv-moto/bin/aws --profile prod sts get-caller-identity'"

fi
echo
echo "== summary (markdown: mean, min, max in ms) =="
echo "| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |"
echo "|:---|---:|---:|---:|---:|"
cat "$md"
echo
echo "== medians =="
cat "$T/size.txt" 2>/dev/null || true
cat "$T/medians.txt" 2>/dev/null || true

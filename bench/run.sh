#!/usr/bin/env bash
# Benchmarks with hyperfine against a local moto (not part of the tests):
#   1. `rolex prompt` inside a role, beside /bin/true;
#   2. a cached `rolex exec ROLE -- true` with the file and keyring backends;
#   3. the hook's own cost for `rolex switch` with a cached session;
#   4. peers on the same moto: the AWS CLI with a cached role profile, awsume
#      with its cached MFA session.
# The keyring runs on a private gnome-keyring, as in tests/run.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z ${ROLEX_BENCH_INNER:-} ]]; then
    command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
    [[ -x .venv-moto/bin/moto_server ]] || { echo "bench: run bash tests/run.sh once first (it makes .venv-moto)" >&2; exit 1; }
    if [[ ! -x .venv-awsume/bin/awsumepy ]]; then
        python3 -m venv .venv-awsume
        .venv-awsume/bin/pip install -q awsume
    fi
    cargo build --release -q
    # The same binary built as a non-PIE executable: no load-time relocations,
    # which is most of `rolex prompt`'s cost (see README, Benchmarks).
    triple=$(rustc -vV | sed -n 's/^host: //p')
    RUSTFLAGS="-C relocation-model=static" cargo build --release -q --target "$triple"
    T=$(mktemp -d "${TMPDIR:-/tmp}/rolex-bench.XXXXXX")
    mkdir -p "$T/run" && chmod 700 "$T/run"
    unset DBUS_SESSION_BUS_ADDRESS
    # shellcheck disable=SC2016 # expanded by the inner bash
    XDG_RUNTIME_DIR=$T/run XDG_DATA_HOME=$T/data ROLEX_BENCH_INNER=$T dbus-run-session -- bash -c '
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
S=$PWD/target/$(rustc -vV | sed -n 's/^host: //p')/release/rolex
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
.venv-moto/bin/moto_server -H 127.0.0.1 -p "$port" >"$T/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null' EXIT
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/data.json')" 2>/dev/null; do sleep 0.2; done

KEY=AKIAIOSFODNN7EXAMPLE
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
install -m 600 demo/config.toml "$T/config.toml"
export ROLEX_CONFIG=$T/config.toml HOME=$T \
    AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1
md=$T/results.md
: >"$md"
bench() {
    hyperfine -N --style basic --export-markdown "$T/one.md" --export-json "$T/one.json" "$@"
    tail -n +3 "$T/one.md" >>"$md"
    python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]: print("median %7.2f ms  %s" % (r["median"]*1000, r["command"]))' "$T/one.json" >>"$T/medians.txt"
}

echo "== rolex prompt, inside a role =="
# starship's aws module beside it when a starship binary is at hand
# (STARSHIP=/path/to/starship, or on PATH): `cargo install starship --locked`.
starship=${STARSHIP:-$(command -v starship || true)}
(
    eval "$(ROLEX_BACKEND=file ROLEX_FILE_PASSPHRASE=bench "$R" env prod-admin)"
    peers=()
    if [[ -n $starship ]]; then
        peers=(-n 'starship module aws' "$starship module aws")
    fi
    bench --warmup 50 --runs 1000 -n 'rolex prompt (cargo install build)' "$R prompt" \
        -n 'rolex prompt (non-PIE build)' "$S prompt" "${peers[@]}" -n '/bin/true' /bin/true
)

echo "== cached rolex exec prod-admin -- true =="
ROLEX_BACKEND=file ROLEX_FILE_PASSPHRASE=bench "$R" exec prod-admin -- true
ROLEX_BACKEND=keyring "$R" exec prod-admin -- true
bench --warmup 5 --runs 100 \
    -n 'rolex exec (file backend, cached)' "env ROLEX_BACKEND=file ROLEX_FILE_PASSPHRASE=bench $R exec prod-admin -- true" \
    -n 'rolex exec (keyring backend, cached)' "env ROLEX_BACKEND=keyring $R exec prod-admin -- true"

echo "== hook: rolex switch with a cached session (bash function + eval) =="
cat >"$T/switch.sh" <<SH
eval "\$($R init bash)"
rolex switch prod-admin 2>/dev/null
rolex exit 2>/dev/null
SH
bench --warmup 3 --runs 50 -n 'bash: hook + switch + exit (keyring, cached)' "env ROLEX_BACKEND=keyring bash --norc --noprofile $T/switch.sh" \
    -n 'bash: startup alone' "bash --norc --noprofile -c true"

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
peer_env="env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u XDG_DATA_HOME -u XDG_RUNTIME_DIR AWS_CONFIG_FILE=$T/aws-config AWS_SHARED_CREDENTIALS_FILE=$T/aws-creds"
# Fill the AWS CLI's role cache (MFA code on stdin) and awsume's MFA session.
echo 123456 | $peer_env .venv-moto/bin/aws --profile prod sts get-caller-identity >/dev/null
$peer_env .venv-awsume/bin/awsumepy prod --mfa-token 123456 </dev/null | tail -n 1 | cut -c1-20
bench --warmup 2 --runs 15 \
    -n 'rolex exec -- aws sts get-caller-identity (cached)' "env ROLEX_BACKEND=keyring $R exec prod-admin -- .venv-moto/bin/aws sts get-caller-identity" \
    -n 'aws --profile prod sts get-caller-identity (cached role)' "$peer_env .venv-moto/bin/aws --profile prod sts get-caller-identity" \
    -n 'awsumepy prod (cached MFA session)' "$peer_env .venv-awsume/bin/awsumepy prod"

echo
echo "== summary (markdown: mean, min, max in ms) =="
echo "| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |"
echo "|:---|---:|---:|---:|---:|"
cat "$md"
echo
echo "== medians =="
cat "$T/medians.txt"

#!/usr/bin/env bash
# Benchmarks (hyperfine): `rolex prompt` beside /bin/true, and a cached
# `rolex exec ROLE -- true` with the file and keyring backends beside the AWS
# CLI's cached role profile, all against a local moto. Not part of the tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)"; exit 1; }
[[ -x .venv-moto/bin/moto_server ]] || { echo "run bash tests/run.sh once first (it makes .venv-moto)"; exit 1; }
cargo build --release -q
R=$PWD/target/release/rolex
T=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
.venv-moto/bin/moto_server -H 127.0.0.1 -p "$port" >"$T/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; rm -rf "$T"' EXIT
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/data.json')" 2>/dev/null; do sleep 0.2; done
install -m 600 demo/config.toml "$T/config.toml"
export ROLEX_CONFIG=$T/config.toml XDG_DATA_HOME=$T/data HOME=$T \
    AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY AWS_DEFAULT_REGION=us-east-1

echo "== rolex prompt (inside a role) =="
eval "$(ROLEX_BACKEND=file ROLEX_FILE_PASSPHRASE=bench $R env prod-admin)"
hyperfine -N --warmup 20 --runs 300 "$R prompt" /bin/true --export-markdown "$T/prompt.md"
unset AWS_SESSION_TOKEN ROLEX_ROLE ROLEX_ACCOUNT ROLEX_ACCOUNT_ALIAS ROLEX_COLOR AWS_CREDENTIAL_EXPIRATION AWS_SESSION_EXPIRATION
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

echo "== cached exec, file backend =="
export ROLEX_BACKEND=file ROLEX_FILE_PASSPHRASE=bench
$R exec prod-admin -- true
hyperfine -N --warmup 5 --runs 50 "$R exec prod-admin -- true"

if [[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && command -v secret-tool >/dev/null; then
    echo "== cached exec, keyring backend =="
    export ROLEX_BACKEND=keyring
    $R exec prod-admin -- true
    hyperfine -N --warmup 5 --runs 50 "$R exec prod-admin -- true"
else
    echo "(keyring backend skipped: run inside the Secret Service session of tests/run.sh, e.g. bash tests/run.sh is not needed: see README)"
fi

echo "== AWS CLI, cached role profile =="
cat >"$T/aws-config" <<CFG
[profile base]
region = us-east-1
[profile prod]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
region = us-east-1
CFG
printf '[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >"$T/aws-creds"
AWS_CONFIG_FILE=$T/aws-config AWS_SHARED_CREDENTIALS_FILE=$T/aws-creds .venv-moto/bin/aws --profile prod configure export-credentials >/dev/null 2>&1 || true
hyperfine --warmup 2 --runs 10 "env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE=$T/aws-config AWS_SHARED_CREDENTIALS_FILE=$T/aws-creds .venv-moto/bin/aws --profile prod sts get-caller-identity --query Account"

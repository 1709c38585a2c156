#!/usr/bin/env bash
# A local demo: builds rolex, starts moto as a stand-in for AWS STS/IAM, and
# assumes two roles with one MFA session. No AWS account needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -x .venv-moto/bin/moto_server ]]; then
    python3 -m venv .venv-moto
    .venv-moto/bin/pip install -q 'moto==5.2.5' flask flask-cors awscli
fi
cargo build -q
T=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
.venv-moto/bin/moto_server -H 127.0.0.1 -p "$port" >"$T/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; rm -rf "$T"' EXIT
until python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/data.json')" 2>/dev/null; do sleep 0.2; done
install -m 600 demo/config.toml "$T/config.toml"
export ROLEX_CONFIG=$T/config.toml ROLEX_BACKEND=file ROLEX_FILE_PASSPHRASE=demo XDG_DATA_HOME=$T/data XDG_STATE_HOME=$T/state \
    AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    PATH=$PWD/target/debug:$PWD/.venv-moto/bin:$PATH
show() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
show rolex list;                                rolex list
show rolex exec prod-admin -- aws sts get-caller-identity
rolex exec prod-admin -- aws sts get-caller-identity
show rolex exec staging-admin -- aws sts get-caller-identity '   # same MFA session, no new code'
rolex exec staging-admin -- aws sts get-caller-identity
show rolex list;                                rolex list
# shellcheck disable=SC2016 # shown, not run
show 'eval "$(rolex init bash)"';                eval "$(rolex init bash)"
show rolex switch prod-admin;                   rolex switch prod-admin
show rolex prompt;                              rolex prompt; echo
show rolex status;                              rolex status
show aws sts get-caller-identity --query Arn;   aws sts get-caller-identity --query Arn
show rolex exit;                                rolex exit
show rolex status;                              rolex status || true
show rolex log;                                 rolex log

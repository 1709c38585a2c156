#!/usr/bin/env bash
# A local demo: builds rolex, starts moto as a stand-in for AWS STS/IAM, and
# shows who you are before, inside two roles (one MFA code for both), and
# after `rolex exit`. No AWS account needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf 'demo: %s\n' "$*" >&2; }
if [[ ! -x .venv-moto/bin/moto_server ]]; then
    say "installing moto and the AWS CLI into .venv-moto (about 30 s, once)"
    python3 -m venv .venv-moto
    .venv-moto/bin/pip install -q 'moto==5.2.5' flask flask-cors awscli
fi
say "building rolex (a first build takes a few minutes; cargo shows its progress)"
cargo build
bin_dir=${CARGO_TARGET_DIR:-$PWD/target}/debug
T=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
say "starting moto on 127.0.0.1:$port as a stand-in for AWS"
.venv-moto/bin/moto_server -H 127.0.0.1 -p "$port" >"$T/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; rm -rf "$T"' EXIT
until python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/data.json')" 2>/dev/null; do sleep 0.2; done
install -m 600 demo/config.toml "$T/config.toml"
export ROLEX_CONFIG=$T/config.toml ROLEX_BACKEND=file ROLEX_FILE_PASSPHRASE=demo XDG_DATA_HOME=$T/data XDG_STATE_HOME=$T/state \
    AWS_DEFAULT_REGION=eu-west-1 AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    PATH=$bin_dir:$PWD/.venv-moto/bin:$PATH
show() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
whoami_aws() { aws sts get-caller-identity --query Arn --output text; }

show rolex list;                                 rolex list
show 'aws sts get-caller-identity   # who you are before any switch'
whoami_aws
# shellcheck disable=SC2016 # shown, not run
show 'eval "$(rolex init bash)"';                 eval "$(rolex init bash)"

# The one MFA code: typed at rolex's prompt (expect plays the operator).
show 'rolex exec prod-admin -- aws sts get-caller-identity   # asks for the MFA code once'
if command -v expect >/dev/null; then
    # shellcheck disable=SC2016 # Tcl variables, not shell ones
    expect -c '
        set timeout 60
        spawn rolex exec prod-admin -- aws sts get-caller-identity --query Arn --output text
        expect "MFA code" { sleep 0.5; send "123456\r" }
        expect eof
        lassign [wait] pid spawnid os_error status
        exit $status'
else
    echo "(expect is not installed: the code is given with --token instead of typed)"
    rolex exec prod-admin --token 123456 -- aws sts get-caller-identity --query Arn --output text
fi

show 'rolex switch prod-admin   # no new code: the MFA session is cached'
rolex switch prod-admin
show rolex prompt;                               rolex prompt; echo
show aws sts get-caller-identity;                whoami_aws
show 'rolex switch staging-admin   # another account, still no new code'
rolex switch staging-admin
show aws sts get-caller-identity;                whoami_aws
show rolex exit;                                 rolex exit
show 'aws sts get-caller-identity   # yourself again'
whoami_aws
show rolex log;                                  rolex log

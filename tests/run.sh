#!/usr/bin/env bash
# The one test command (README and CI): bash tests/run.sh [nextest args...]
#
# Installs what the end-to-end tests need (Debian packages when root, a
# Python venv with moto and the AWS CLI), then runs the whole test suite
# inside a private D-Bus session with an unlocked gnome-keyring and private
# XDG folders, so rolex's Secret Service store is real but disposable.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --- system packages --------------------------------------------------------
apt_packages=(tmux zsh fish expect gnome-keyring dbus libsecret-tools shellcheck hyperfine chromium openssl keyutils)
missing=()
for c in tmux zsh fish expect gnome-keyring-daemon dbus-run-session dbus-send secret-tool shellcheck hyperfine chromium openssl keyctl; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "tests/run.sh: installing ${apt_packages[*]} (missing: ${missing[*]})" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" </dev/null
    else
        echo "tests/run.sh: missing commands: ${missing[*]}" >&2
        echo "install them first, e.g.: sudo apt-get install ${apt_packages[*]}" >&2
        exit 1
    fi
fi

# --- moto + AWS CLI venv ----------------------------------------------------
if [[ ! -x .venv-moto/bin/moto_server || ! -x .venv-moto/bin/aws ]]; then
    echo "tests/run.sh: creating .venv-moto (moto 5.2.5, awscli)" >&2
    python3 -m venv .venv-moto
    .venv-moto/bin/pip install -q --disable-pip-version-check 'moto==5.2.5' flask flask-cors awscli </dev/null
fi
export ROLEX_TEST_VENV="$PWD/.venv-moto"

# --- the AWS SDK for JavaScript v3 (a real client of `exec --server`) ---------
# Pinned: its releases from 2027 on need Node.js 22, and this machine has 20.
if [[ ! -d .node-sdk/node_modules/@aws-sdk/client-sts ]]; then
    echo "tests/run.sh: installing @aws-sdk/client-sts@3.1177.0 into .node-sdk" >&2
    npm install --prefix .node-sdk --no-audit --no-fund --silent @aws-sdk/client-sts@3.1177.0 </dev/null
fi
export ROLEX_TEST_NODE_MODULES="$PWD/.node-sdk/node_modules"

# --- test runner --------------------------------------------------------------
if cargo nextest --version >/dev/null 2>&1; then
    runner=(cargo nextest run --no-fail-fast)
else
    echo "tests/run.sh: cargo-nextest not found, using cargo test (cargo install --locked cargo-nextest to get it)" >&2
    runner=(cargo test --no-fail-fast)
fi

# --- private XDG folders + session bus + unlocked keyring --------------------
T=$(mktemp -d "${TMPDIR:-/tmp}/rolex-tests.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/data" "$T/run" "$T/cache" "$T/config"
chmod 0700 "$T/run"
export XDG_DATA_HOME="$T/data" XDG_RUNTIME_DIR="$T/run" XDG_CACHE_HOME="$T/cache" XDG_CONFIG_HOME="$T/config"
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

# Not exec: the EXIT trap must still remove $T.
# shellcheck disable=SC2016 # the inner script expands its own variables
dbus-run-session -- bash -c '
    set -euo pipefail
    eval "$(printf %s test | gnome-keyring-daemon --unlock --components=secrets)"
    for _ in $(seq 1 100); do
        if dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply \
            /org/freedesktop/DBus org.freedesktop.DBus.ListNames 2>/dev/null |
            grep -q org.freedesktop.secrets; then
            export ROLEX_TEST_SECRET_SERVICE=1
            break
        fi
        sleep 0.1
    done
    if [[ -z ${ROLEX_TEST_SECRET_SERVICE:-} ]]; then
        echo "tests/run.sh: org.freedesktop.secrets did not appear on the session bus within 10 s" >&2
        exit 1
    fi
    exec "$@"' bash "${runner[@]}" "$@" </dev/null

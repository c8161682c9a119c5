#!/usr/bin/env bash
# Install the Debian packages that the dev servers and browser tests need, when missing.
#   tools/install-system-packages.sh rabbitmq-server chromium golang
# Only root can install; anyone else is told what is missing (tests may still run against
# RABBITMQ_URL / MONGODB_URL or containers).
set -euo pipefail

present() {
    case "$1" in
        rabbitmq-server) [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || command -v rabbitmq-server ;;
        chromium) command -v chromium ;;
        # A Go from go.dev in /usr/local/go is better than Debian's (too old for FerretDB).
        golang) command -v go || [[ -x /usr/local/go/bin/go ]] ;;
        *) dpkg -s "$1" ;;
    esac >/dev/null 2>&1
}

missing=()
for package in "$@"; do
    present "$package" || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system packages present: $*"
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "WARNING: missing system packages: ${missing[*]} (install them as root with apt-get)" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "installing system packages: ${missing[*]}"
if ! apt-get install -y -q "${missing[@]}" </dev/null; then
    # A fresh machine may have no package lists yet.
    apt-get update -q </dev/null
    apt-get install -y -q "${missing[@]}" </dev/null
fi

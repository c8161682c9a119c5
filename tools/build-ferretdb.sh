#!/usr/bin/env bash
# Build FerretDB v1 (the MongoDB-protocol server for development and tests) into
# .tools/bin/ferretdb. Idempotent: does nothing when a working binary is there.
#
# Why not `go install ...@version`: it asks the module proxy for the module's version list
# (for deprecation notices), which the proxy refuses here. Downloading the one version works,
# so we build from a writable copy of the downloaded module instead.
set -euo pipefail

VERSION="v1.24.0"
MODULE="github.com/FerretDB/FerretDB"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.tools/bin"
BIN="$DEST/ferretdb"

have_binary() {
    [[ -x "$BIN" ]] && "$BIN" --version >/dev/null 2>&1
}

if have_binary; then
    echo "FerretDB: $BIN is present ($("$BIN" --version | head -n1))"
    exit 0
fi

# The first Go new enough: Debian's golang package (1.19 on bookworm) is not.
GO=""
for candidate in "$(command -v go || true)" /usr/local/go/bin/go; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    minor="$("$candidate" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
    if [[ -n "$minor" && "$minor" -ge 22 ]]; then
        GO="$candidate"
        break
    fi
    echo "FerretDB: $candidate is $("$candidate" env GOVERSION), too old (needs >= go1.22)" >&2
done
if [[ -z "$GO" ]]; then
    echo "FerretDB: cannot build $VERSION, no Go >= 1.22 found" >&2
    exit 1
fi

mkdir -p "$DEST"
# Two builds at once (parallel test runs, make run beside make test) would race on the binary.
exec 9>"$ROOT/.tools/ferretdb.lock"
flock 9
if have_binary; then
    echo "FerretDB: $BIN was built meanwhile"
    exit 0
fi

echo "FerretDB: downloading $MODULE@$VERSION"
module_dir="$("$GO" mod download -json "$MODULE@$VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
if [[ -z "$module_dir" || ! -d "$module_dir" ]]; then
    echo "FerretDB: go mod download gave no module directory" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The module cache is read-only; the build needs to write go.sum and the version file.
cp -R "$module_dir/." "$work/src"
chmod -R u+w "$work/src"
# Without it the binary panics at start: release builds get the version from this file.
echo "$VERSION" > "$work/src/build/version/version.txt"

echo "FerretDB: building $VERSION (about a minute and a half on 2 cores)"
(
    cd "$work/src"
    GOFLAGS="-mod=mod -buildvcs=false" "$GO" build -o "$work/ferretdb" ./cmd/ferretdb
)
"$work/ferretdb" --version >/dev/null
mv "$work/ferretdb" "$BIN"
echo "FerretDB: built $BIN ($("$BIN" --version | head -n1))"

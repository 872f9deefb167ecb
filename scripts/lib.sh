# Shared helpers for scripts/*.sh — sourced, not executed.
# shellcheck shell=bash

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_BIN="$ROOT/.tools/bin"
VENV="$ROOT/.venv"
BUILD="$ROOT/build"

# Minimum versions (keep in sync with go.mod's `go` line and README).
GO_MIN_MAJOR=1
GO_MIN_MINOR=26
PY_MIN_MAJOR=3
PY_MIN_MINOR=9
PYTHON="${PYTHON:-python3}"

if [ -t 1 ]; then
  _B=$'\033[1m' _R=$'\033[31m' _G=$'\033[32m' _Y=$'\033[33m' _N=$'\033[0m'
else
  _B="" _R="" _G="" _Y="" _N=""
fi

say()  { printf '%s\n' "$*"; }
ok()   { printf '%s  ok%s  %s\n' "$_G" "$_N" "$*"; }
step() { printf '%s==>%s %s\n' "$_B" "$_N" "$*"; }
warn() { printf '%swarning:%s %s\n' "$_Y" "$_N" "$*" >&2; }
die()  { printf '%serror:%s %s\n' "$_R" "$_N" "$*" >&2; exit 1; }

# now_s prints seconds since the epoch, with decimals where date supports %N (not macOS).
now_s() { local t; t="$(date +%s.%N)"; case "$t" in *N) date +%s ;; *) printf '%s\n' "$t" ;; esac; }
# elapsed START prints seconds since START with one decimal.
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# sha_of FILE... prints one sha256 over the given files' contents (missing files count as empty).
sha_of() {
  local f
  for f in "$@"; do
    printf '%s\n' "== $f"
    if [ -f "$f" ]; then cat "$f"; fi
  done | _sha256 | cut -d' ' -f1
}
_sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi; }

# check_go: `go` on PATH and at least GO_MIN_MAJOR.GO_MIN_MINOR. Sets GO_VERSION and GOROOT_BIN.
check_go() {
  if ! command -v go >/dev/null 2>&1; then
    die "Go is not on PATH. This project needs Go >= ${GO_MIN_MAJOR}.${GO_MIN_MINOR}.
       Get it from https://go.dev/dl/ (e.g. unpack into /usr/local/go and add /usr/local/go/bin to PATH),
       then run this command again."
  fi
  # Do not let an older local toolchain silently download a newer one: we want a clear message instead.
  GO_VERSION="$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)"
  local v="${GO_VERSION#go}" major minor
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%[!0-9]*}"
  if ! [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]]; then
    warn "cannot parse the Go version '${GO_VERSION}' (a development build?); carrying on"
  elif (( major < GO_MIN_MAJOR || (major == GO_MIN_MAJOR && minor < GO_MIN_MINOR) )); then
    die "found ${GO_VERSION} at $(command -v go), but this project needs Go >= ${GO_MIN_MAJOR}.${GO_MIN_MINOR}.
       Get a newer Go from https://go.dev/dl/ and put its bin/ first on PATH."
  fi
  GOROOT_BIN="$(GOTOOLCHAIN=local go env GOROOT)/bin"

}

# check_python: $PYTHON (default python3) at least 3.9 with the venv module (and ensurepip).
check_python() {
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    die "'$PYTHON' is not on PATH. This project needs Python >= ${PY_MIN_MAJOR}.${PY_MIN_MINOR} with venv
       (Debian/Ubuntu: apt-get install python3 python3-venv; macOS: brew install python).
       To use another interpreter: make setup PYTHON=/path/to/python3.12"
  fi
  if ! "$PYTHON" -c "import sys; sys.exit(0 if sys.version_info >= (${PY_MIN_MAJOR}, ${PY_MIN_MINOR}) else 1)"; then
    die "$("$PYTHON" --version 2>&1) at $(command -v "$PYTHON") is too old: this project needs Python >= ${PY_MIN_MAJOR}.${PY_MIN_MINOR}.
       Install a newer one and run: make setup PYTHON=/path/to/python3.X"
  fi
  if ! "$PYTHON" -c "import venv, ensurepip" >/dev/null 2>&1; then
    die "$("$PYTHON" --version 2>&1) lacks the venv/ensurepip modules.
       Debian/Ubuntu: apt-get install python3-venv (or python3.X-venv matching your version)."
  fi
}

# Jupyter must find the project's own kernelspec (in .venv/share/jupyter) before any
# user-wide one of the same name (e.g. a `gonb --install` in ~/.local/share/jupyter).
jupyter_env() {
  export JUPYTER_PREFER_ENV_PATH=1
  export PATH="$TOOLS_BIN:$VENV/bin:$PATH"
}

#!/usr/bin/env bash
# make setup — install whatever is missing for `make lab` and `make test`, all inside the
# project folder (nothing is written to $HOME except Go's usual module and build caches):
#
#   .tools/bin/   gonb (the Jupyter kernel) and goimports, pinned by go.mod's `tool` lines;
#                 speedup-kernel (cmd/speedup-kernel: runs gonb so that nothing it started
#                 outlives it); gopls (optional, for completion in JupyterLab)
#   .venv/        Python virtual environment with requirements.txt (JupyterLab, nbclient, pytest)
#   .venv/share/jupyter/kernels/gonb/   the "Go (gonb)" kernelspec: .tools/bin/speedup-kernel
#                 running .tools/bin/gonb
#
# Idempotent: a second run only checks stamps and takes a second or two.
# Environment: PYTHON=/path/to/python3.X picks the interpreter for the venv (default python3).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

GOPLS_VERSION="v0.21.1"
T0="$(now_s)"

# --- 1. toolchains ---------------------------------------------------------------------------
check_go
check_python
ok "$GO_VERSION ($(command -v go)), $("$PYTHON" --version 2>&1) ($(command -v "$PYTHON"))"

# --- 2. Go tools: gonb + goimports from go.mod's tool directives ------------------------------
mkdir -p "$TOOLS_BIN"
tools_stamp="$ROOT/.tools/.stamp"
tools_sha="$(sha_of go.mod go.sum; printf '%s' "$GO_VERSION")"
if [ -x "$TOOLS_BIN/gonb" ] && [ -x "$TOOLS_BIN/goimports" ] &&
   [ "$(cat "$tools_stamp" 2>/dev/null)" = "$tools_sha" ]; then
  ok "gonb and goimports already installed in .tools/bin"
else
  step "installing gonb and goimports (go.mod tool directives) into .tools/bin"
  t="$(now_s)"
  # `go install github.com/janpfeifer/gonb@v0.11.4` is refused by some module proxies;
  # installing the tools pinned in go.mod works everywhere the module itself resolves.
  if ! GOBIN="$TOOLS_BIN" go install tool; then
    die "'go install tool' failed (see above). It needs the Go module proxy (or a warm module cache)."
  fi
  printf '%s\n' "$tools_sha" > "$tools_stamp"
  ok "gonb $(go version -m "$TOOLS_BIN/gonb" | awk '$1 == "mod" { print $3 }') and goimports installed ($(elapsed "$t") s)"
fi

# The kernel's guard, built from this repository (offline: its only dependency, x/sys, is in
# go.mod). Rebuilt when its source, go.mod or Go changes.
guard_stamp="$ROOT/.tools/.speedup-kernel.stamp"
guard_sha="$(sha_of go.mod go.sum cmd/speedup-kernel/*.go internal/procfs/*.go; printf '%s' "$GO_VERSION")"
if [ -x "$TOOLS_BIN/speedup-kernel" ] && [ "$(cat "$guard_stamp" 2>/dev/null)" = "$guard_sha" ]; then
  ok "speedup-kernel already built in .tools/bin"
else
  step "building speedup-kernel (cmd/speedup-kernel, the kernel's guard) into .tools/bin"
  GOBIN="$TOOLS_BIN" go install ./cmd/speedup-kernel || die "'go install ./cmd/speedup-kernel' failed (see above)"
  printf '%s\n' "$guard_sha" > "$guard_stamp"
  ok "speedup-kernel built"
fi

# gopls is optional: GoNB uses it for completion and hover docs in JupyterLab.
gopls_failed="$ROOT/.tools/.gopls-failed"
if [ -x "$TOOLS_BIN/gopls" ]; then
  ok "gopls already installed"
elif [ "$(cat "$gopls_failed" 2>/dev/null)" = "$GO_VERSION $GOPLS_VERSION" ]; then
  warn "gopls is not installed (an earlier attempt failed; 'make clean' or delete .tools/.gopls-failed to retry)." \
       "Notebooks run fine without it; only code completion is missing."
else
  step "installing gopls $GOPLS_VERSION (optional: code completion in JupyterLab)"
  t="$(now_s)"
  if GOBIN="$TOOLS_BIN" go install "golang.org/x/tools/gopls@$GOPLS_VERSION"; then
    rm -f "$gopls_failed"
    ok "gopls installed ($(elapsed "$t") s)"
  else
    printf '%s\n' "$GO_VERSION $GOPLS_VERSION" > "$gopls_failed"
    warn "could not install gopls $GOPLS_VERSION; carrying on without it (no code completion)."
  fi
fi

# --- 3. Go module cache and build cache: everything a notebook imports, so notebooks run -----
#        offline and their first cell compiles in seconds (scripts/modules.sh)
modules_stamp="$ROOT/.tools/.modules-stamp"
modules_sha="$(sha_of go.mod go.sum scripts/modules.sh; printf '%s %s' "$GO_VERSION" "$(go env GOMODCACHE)")"
if [ "$(cat "$modules_stamp" 2>/dev/null)" = "$modules_sha" ] && GOPROXY=off GOFLAGS=-mod=readonly go list -deps ./... >/dev/null 2>&1; then
  ok "Go modules already in the module cache ($(go env GOMODCACHE)), build cache warm"
else
  step "downloading the Go modules the notebooks need and warming the build cache"
  bash "$ROOT/scripts/modules.sh"
  printf '%s\n' "$modules_sha" > "$modules_stamp"
fi

# --- 4. Python venv with JupyterLab, nbclient, pytest ------------------------------------------
venv_ok() { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import sys" >/dev/null 2>&1; }
if [ -e "$VENV" ] && ! venv_ok; then
  warn ".venv is broken (its Python is gone?); recreating it"
  rm -rf "$VENV"
fi
if ! venv_ok; then
  step "creating the Python virtual environment .venv ($("$PYTHON" --version 2>&1))"
  "$PYTHON" -m venv "$VENV" || die "'$PYTHON -m venv .venv' failed (Debian/Ubuntu: apt-get install python3-venv)"
fi
req_stamp="$VENV/.requirements.sha256"
req_sha="$(sha_of requirements.txt; "$VENV/bin/python" --version 2>&1)"
if [ "$(cat "$req_stamp" 2>/dev/null)" = "$req_sha" ] && [ -x "$VENV/bin/jupyter-lab" ]; then
  ok "Python packages already installed in .venv"
else
  step "installing Python packages from requirements.txt into .venv"
  t="$(now_s)"
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir -r requirements.txt; then
    die "pip install -r requirements.txt failed (see above): PyPI must be reachable on first set-up."
  fi
  printf '%s\n' "$req_sha" > "$req_stamp"
  ok "Python packages installed ($(elapsed "$t") s)"
fi

# --- 5. The "Go (gonb)" kernelspec, project-local ----------------------------------------------
# Written by us rather than `gonb --install` (which writes into ~/.local/share/jupyter).
# Jupyter starts speedup-kernel, which runs gonb. On Linux it makes sure that nothing the
# kernel started (gopls, the cell's program and its workers) outlives it, however it ends,
# and passes interrupts on to the build steps of a cell too: hence interrupt_mode "signal"
# (Jupyter sends SIGINT to it; with "message" the interrupt would reach GoNB only, which
# does not stop a cell that is still being built). Elsewhere it simply executes gonb, and
# the interrupt stays a message, as GoNB's own kernelspec has it. See cmd/speedup-kernel.
# jupyter_client substitutes ${PATH} in a kernelspec's env from the environment of whoever
# starts the kernel (JupyterLab or nbclient), so the kernel finds .tools/bin (goimports,
# gopls) and this Go toolchain first, then the user's PATH.
kernel_dir="$VENV/share/jupyter/kernels/gonb"
gonb_dir="$(go list -m -f '{{.Dir}}' github.com/janpfeifer/gonb 2>/dev/null || true)"
changed="$("$VENV/bin/python" - "$kernel_dir" "$TOOLS_BIN" "$GOROOT_BIN" "$gonb_dir" <<'PY'
import json, os, shutil, sys
kernel_dir, tools_bin, goroot_bin, gonb_dir = sys.argv[1:5]
spec = {
    "argv": [
        os.path.join(tools_bin, "speedup-kernel"), "--gonb", os.path.join(tools_bin, "gonb"), "--",
        "--kernel", "{connection_file}", "--logtostderr",
    ],
    "display_name": "Go (gonb)",
    "language": "go",
    "interrupt_mode": "signal" if sys.platform.startswith("linux") else "message",
    "env": {"PATH": tools_bin + os.pathsep + goroot_bin + os.pathsep + "${PATH}"},
}
text = json.dumps(spec, indent=2) + "\n"
os.makedirs(kernel_dir, exist_ok=True)
path = os.path.join(kernel_dir, "kernel.json")
old = open(path).read() if os.path.exists(path) else None
changed = old != text
if changed:
    with open(path, "w") as f:
        f.write(text)
logo = os.path.join(gonb_dir, "internal", "kernel", "Go_gopher_favicon.svg") if gonb_dir else ""
dest = os.path.join(kernel_dir, "logo-svg.svg")
if logo and os.path.exists(logo) and not os.path.exists(dest):
    shutil.copyfile(logo, dest)
    os.chmod(dest, 0o644)
print("changed" if changed else "same")
PY
)" || die "could not write the kernelspec in $kernel_dir"
jupyter_env
specs="$("$VENV/bin/jupyter" kernelspec list 2>&1 || true)"
if ! grep -q "^ *gonb  *$kernel_dir\$" <<<"$specs"; then
  printf '%s\n' "$specs" >&2
  die "Jupyter does not see the project's gonb kernelspec at $kernel_dir (see the list above)"
fi
ok "kernelspec 'Go (gonb)' $([ "$changed" = changed ] && echo written || echo up to date) in .venv/share/jupyter/kernels/gonb"

say "${_G}setup done${_N} in $(elapsed "$T0") s"

#!/usr/bin/env bash
# make lab — set up whatever is missing, then open JupyterLab on notebooks/.
# Extra arguments go to `jupyter lab`; a --port or --ip among them replaces our default:
#   scripts/lab.sh --no-browser --port 9999      (or: make lab ARGS="--no-browser --port 9999")
# Environment: LAB_IP (default localhost), LAB_PORT (default 8888).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$ROOT/scripts/setup.sh"
jupyter_env

port="${LAB_PORT:-8888}"
ip="${LAB_IP:-localhost}"
want_port=1 want_ip=1
prev=""
for a in "$@"; do
  case "$a" in
    --port=*|--ServerApp.port=*) want_port=0; port="${a#*=}" ;;
    --port|--ServerApp.port)     want_port=0 ;;
    --ip|--ip=*|--ServerApp.ip|--ServerApp.ip=*) want_ip=0 ;;
  esac
  case "$prev" in --port|--ServerApp.port) port="$a" ;; esac
  prev="$a"
done
# New notebooks get the Go kernel (ipykernel's python3 is also there, as a JupyterLab dependency).
args=(--ServerApp.root_dir="$ROOT/notebooks" --MappingKernelManager.default_kernel_name=gonb)
[ "$want_ip" = 0 ] || args+=(--ip="$ip")
[ "$want_port" = 0 ] || args+=(--port="$port")
if [ "$(id -u)" = 0 ]; then
  args+=(--allow-root)   # Jupyter refuses to run as root without it (containers, CI machines)
fi

say ""
say "${_B}Starting JupyterLab on notebooks/${_N} — open the http://localhost:${port}/lab?token=... URL"
say "printed below (if the port is taken Jupyter picks the next free one and prints that)."
say "Pick the kernel 'Go (gonb)' for new notebooks. Stop with Ctrl-C (twice)."
say ""
cd "$ROOT/notebooks"
exec "$VENV/bin/jupyter" lab "${args[@]}" "$@"

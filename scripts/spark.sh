#!/usr/bin/env bash
# make spark / spark-stop / spark-status — a local Apache Spark Connect server for notebook 07
# (07_when_one_machine_is_not_enough.ipynb), kept apart from `make setup` so that set-up without
# Spark stays small and fast.
#
#   scripts/spark.sh install   install what is missing, then nothing else:
#                                Java 17 or 21 (checked; Debian/Ubuntu: apt-get install openjdk-17-jre-headless),
#                                pyspark (spark/requirements.txt) into .spark/venv (~520 MB: Spark's jars),
#                                the Go client's modules (spark/go.mod, ~390 MB: gRPC, Arrow) into Go's
#                                module cache, and spark/'s packages built once (warms Go's build cache,
#                                so the notebook's first cell with Spark compiles in seconds).
#                              Later runs check stamps in a second and need no network.
#   scripts/spark.sh start     install, then start a server in its own process group and return once it
#                              accepts connections (13–22 s on 2 cores). Already running: says so.
#   scripts/spark.sh stop      SIGTERM to the server's whole process group, SIGKILL after 20 s; fails if a
#                              JVM of this checkout's Spark is still running afterwards.
#   scripts/spark.sh status    whether it runs, where, since when (exit status 0 if it runs, 3 if not).
#   scripts/spark.sh remote    print the sc:// address the server listens on (for SPARK_REMOTE).
#
# Environment knobs:
#   SPARK_CONNECT_PORT    port of the server (default 15002, Spark Connect's own default)
#   SPARK_MASTER          where Spark runs its tasks (default local[2]: two threads in the server's JVM)
#   SPARK_DRIVER_MEMORY   heap of the server's JVM (default 2g)
#   SPEEDUP_SPARK_STATE   folder of the pid file, log and ready file (default build/spark)
#   SPARK_START_TIMEOUT   seconds to wait for the server to accept connections (default 180)
#   JAVA_HOME             the Java to run Spark with (default: java on PATH)
#
# The server binds to 127.0.0.1 only, runs with no web UI, keeps its scratch files under the state
# folder and needs no network. Its log: <state>/server.log.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

SPARK_VENV="$ROOT/.spark/venv"
SPARK_REQ="$ROOT/spark/requirements.txt"
PORT="${SPARK_CONNECT_PORT:-15002}"
MASTER="${SPARK_MASTER:-local[2]}"
DRIVER_MEMORY="${SPARK_DRIVER_MEMORY:-2g}"
STATE="${SPEEDUP_SPARK_STATE:-$BUILD/spark}"
case "$STATE" in /*) ;; *) STATE="$ROOT/$STATE" ;; esac   # absolute: it marks the server's JVM
START_TIMEOUT="${SPARK_START_TIMEOUT:-180}"
PID_FILE="$STATE/server.pid"
LOG_FILE="$STATE/server.log"
READY_FILE="$STATE/server.ready"
SERVER_CLASS="org.apache.spark.sql.connect.service.SparkConnectServer"
REMOTE="sc://127.0.0.1:$PORT"

# --- Java ----------------------------------------------------------------------------------------
java_bin() { if [ -n "${JAVA_HOME:-}" ]; then printf '%s\n' "$JAVA_HOME/bin/java"; else command -v java || true; fi; }
check_java() {
  local java v major
  java="$(java_bin)"
  if [ -z "$java" ] || [ ! -x "$java" ]; then
    die "Java is missing: Spark 4 needs Java 17 or 21.
       Debian/Ubuntu: apt-get install openjdk-17-jre-headless   (as root; else with sudo)
       elsewhere: https://adoptium.net/, then put its bin/ on PATH or set JAVA_HOME."
  fi
  v="$("$java" -version 2>&1 | sed -nE 's/.*version "([^"]+)".*/\1/p' | head -n1)"
  major="${v%%.*}"
  [ "$major" = 1 ] && major="$(cut -d. -f2 <<<"$v")"   # 1.8.0_x is Java 8
  if ! [[ "$major" =~ ^[0-9]+$ ]]; then
    warn "cannot tell the version of $java ($("$java" -version 2>&1 | head -n1)); trying it anyway"
  elif (( major < 17 )); then
    die "$java is Java $v: Spark 4 needs Java 17 or 21 (apt-get install openjdk-17-jre-headless, then JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64)"
  elif (( major > 21 )); then
    warn "$java is Java $v; Spark 4 is tested on Java 17 and 21 (set JAVA_HOME to one of those if the server fails)"
  fi
  JAVA_VERSION="$v"
}

# --- install -------------------------------------------------------------------------------------
spark_home() { "$SPARK_VENV/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'; }

install() {
  local t stamp sha
  check_java
  check_go
  check_python
  ok "Java $JAVA_VERSION ($(java_bin))"

  # pyspark, in a venv of its own.
  if [ -e "$SPARK_VENV" ] && ! "$SPARK_VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    warn ".spark/venv is broken (its Python is gone?); recreating it"
    rm -rf "$SPARK_VENV"
  fi
  stamp="$SPARK_VENV/.requirements.sha256"
  if [ -x "$SPARK_VENV/bin/python" ]; then sha="$(sha_of "$SPARK_REQ"; "$SPARK_VENV/bin/python" --version 2>&1)"; else sha=""; fi
  if [ -n "$sha" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sha" ] && [ -x "$(spark_home 2>/dev/null)/bin/spark-submit" ]; then
    ok "pyspark already installed in .spark/venv"
  else
    step "installing pyspark (spark/requirements.txt) into .spark/venv: ~520 MB, the first time only"
    t="$(now_s)"
    [ -x "$SPARK_VENV/bin/python" ] || "$PYTHON" -m venv "$SPARK_VENV" ||
      die "'$PYTHON -m venv .spark/venv' failed (Debian/Ubuntu: apt-get install python3-venv)"
    "$SPARK_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir -r "$SPARK_REQ" ||
      die "pip install -r spark/requirements.txt failed (see above): PyPI must be reachable the first time."
    sha="$(sha_of "$SPARK_REQ"; "$SPARK_VENV/bin/python" --version 2>&1)"
    printf '%s\n' "$sha" > "$stamp"
    ok "pyspark installed ($(elapsed "$t") s, $(du -sh "$SPARK_VENV" | cut -f1) in .spark/venv)"
  fi

  # The Go client: its modules in the module cache, spark/'s packages in the build cache.
  stamp="${SPARK_GO_STAMP:-$ROOT/.spark/.go.sha256}" # another for another module cache (scripts/test.sh)
  sha="$(sha_of spark/go.mod spark/go.sum go.mod go.sum; printf '%s %s' "$GO_VERSION" "$(go env GOMODCACHE GOCACHE)")"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$sha" ]; then
    ok "Spark Connect Go client (spark/go.mod) already downloaded and built"
  else
    step "downloading the Spark Connect Go client's modules (spark/go.mod: gRPC, Arrow; ~390 MB the first time)"
    t="$(now_s)"
    (cd spark && go mod download) ||
      die "'go mod download' in spark/ failed (see above): the Go module proxy must be reachable the first time."
    ok "modules downloaded ($(elapsed "$t") s)"
    step "building spark/'s packages once (Go's build cache; ~90 s the first time on 2 cores)"
    t="$(now_s)"
    (cd spark && go build ./... && go vet ./... >/dev/null) || die "building spark/ failed (see above)"
    # What notebook 07's cells do, once: GoNB builds them in a module of its own that requires both
    # local modules (the notebook's first cell), so the modules of the union of both graphs must be
    # in the cache (a fresh machine lacks some that neither module's own download fetches, e.g.
    # go-logr/logr at the version spark/'s graph selects for kernelext's gonbui), and the build
    # cache gets the notebook's program.
    warm_notebook_build || die "building a program like notebook 07's failed (see above)"
    printf '%s\n' "$sha" > "$stamp"
    ok "spark/ built ($(elapsed "$t") s)"
  fi
}

# warm_notebook_build: a throw-away module like GoNB's for notebook 07 (same go.mod edits, both go.sum
# files), a program importing what the notebook imports, `go get` (downloads what is missing) and build.
warm_notebook_build() {
  local w rc=0
  w="$(mktemp -d)"
  (
    cd "$w" &&
    go mod init gonb_spark_warmup >/dev/null 2>&1 &&
    go mod edit -require=github.com/speedup-go/speedup@v0.0.0-00010101000000-000000000000 -replace="github.com/speedup-go/speedup=$ROOT" \
      -require=github.com/speedup-go/speedup/spark@v0.0.0-00010101000000-000000000000 -replace="github.com/speedup-go/speedup/spark=$ROOT/spark" &&
    cat "$ROOT/go.sum" "$ROOT/spark/go.sum" >> go.sum &&
    printf '%s\n' 'package main' 'import (' '_ "github.com/janpfeifer/gonb/gonbui"' '_ "github.com/speedup-go/speedup/charts"' \
      '_ "github.com/speedup-go/speedup/kernelext"' '_ "github.com/speedup-go/speedup/spark"' '_ "github.com/speedup-go/speedup/workloads"' \
      ')' 'func main() {}' > main.go &&
    go get >/dev/null && go build -o /dev/null .
  ) || rc=$?
  rm -rf "$w"
  return "$rc"
}

# --- the server ----------------------------------------------------------------------------------
# proc_stat PID: "state ppid pgrp" of a live process from /proc/PID/stat (empty if it is gone), read
# with builtins only (no procps in slim images, and no fork per process).
proc_stat() {
  local st state ppid pgrp
  { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 0
  read -r state ppid pgrp _ <<<"${st##*) }"
  printf '%s %s %s\n' "$state" "$ppid" "$pgrp"
}
server_pid() {
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && [ "$(proc_stat "$pid" | cut -c1)" != Z ] && printf '%s\n' "$pid"
  return 0
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
# group_members PGID: the live processes of a process group.
group_members() {
  local p st state ppid pgrp
  for p in /proc/[0-9]*; do
    { read -r st <"$p/stat"; } 2>/dev/null || continue
    read -r state ppid pgrp _ <<<"${st##*) }"
    [ "$pgrp" = "$1" ] && [ "$state" != Z ] && printf '%s\n' "${p#/proc/}"
  done
  return 0
}
# our_jvms: pids of Spark Connect server JVMs of this state folder (whatever their process group),
# known by the -Djava.io.tmpdir=<state>/tmp that start gives them.
our_jvms() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd="$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null || true)"
    case "$cmd" in *"-Djava.io.tmpdir=$STATE/tmp "*"$SERVER_CLASS"*) printf '%s\n' "${p#/proc/}" ;; esac
  done
}

start() {
  local pid home t i
  pid="$(server_pid)"
  if [ -n "$pid" ] && port_open; then
    ok "Spark Connect server already running at $REMOTE (pid $pid; log $LOG_FILE)"
    return 0
  fi
  [ -z "$pid" ] || die "a server (pid $pid) is starting or stuck, but $REMOTE does not answer: scripts/spark.sh stop, then start"
  if port_open; then
    die "port $PORT is taken by another program: stop it, or use another port: SPARK_CONNECT_PORT=15003 make spark (and SPARK_REMOTE=sc://127.0.0.1:15003 for the notebook)"
  fi
  install
  home="$(spark_home)"
  mkdir -p "$STATE/tmp" "$STATE/warehouse"
  rm -f "$READY_FILE"
  step "starting a Spark Connect server ($MASTER) at $REMOTE; log: $LOG_FILE"
  t="$(now_s)"
  # setsid: the server leads a process group of its own (its pid is the group id), which stop
  # signals as a whole; bash writes its pid, then becomes spark-submit, which becomes the JVM.
  # SPARK_REMOTE (the clients' variable, maybe set for the notebook) would make spark-submit a
  # Connect client itself ("Remote cannot be specified with master"): the server must not see it.
  env -u SPARK_REMOTE -u SPARK_CONNECT_MODE SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$STATE/tmp" SPARK_LOG_DIR="$STATE" \
    setsid bash -c 'echo $$ > "$1"; shift; cd "$1"; shift; exec "$@"' _ "$PID_FILE" "$STATE" \
    "$home/bin/spark-submit" --class "$SERVER_CLASS" --name "speedup Spark Connect server" \
    --master "$MASTER" --driver-memory "$DRIVER_MEMORY" \
    --conf spark.ui.enabled=false \
    --conf spark.connect.grpc.binding.address=127.0.0.1 \
    --conf "spark.connect.grpc.binding.port=$PORT" \
    --conf "spark.sql.warehouse.dir=$STATE/warehouse" \
    --conf "spark.driver.extraJavaOptions=-Djava.io.tmpdir=$STATE/tmp -Dderby.system.home=$STATE" \
    </dev/null >"$LOG_FILE" 2>&1 &
  for ((i = 0; i < 50; i++)); do [ -s "$PID_FILE" ] && break; sleep 0.1; done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [ -n "$pid" ] || die "the server did not start (no pid); log: $LOG_FILE"
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      die "the Spark Connect server exited while starting (log above, in full: $LOG_FILE)"
    fi
    if grep -q "Spark Connect server started" "$LOG_FILE" 2>/dev/null && port_open; then break; fi
    if awk -v a="$t" -v b="$(now_s)" -v m="$START_TIMEOUT" 'BEGIN { exit !(b - a > m) }'; then
      tail -n 30 "$LOG_FILE" >&2
      stop >/dev/null 2>&1 || true
      die "the Spark Connect server did not accept connections within $START_TIMEOUT s (log above; SPARK_START_TIMEOUT raises the limit)"
    fi
    sleep 0.2
  done
  local secs; secs="$(elapsed "$t")"
  printf 'remote=%s\npid=%s\nstart_seconds=%s\nstarted_at=%s\nspark=%s\nmaster=%s\n' \
    "$REMOTE" "$pid" "$secs" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$("$SPARK_VENV/bin/python" -c 'import pyspark; print(pyspark.__version__)')" "$MASTER" >"$READY_FILE"
  ok "Spark Connect server ready at $REMOTE in $secs s (pid $pid, Spark $(sed -n 's/^spark=//p' "$READY_FILE"), $MASTER)"
  say "   notebooks/07_when_one_machine_is_not_enough.ipynb finds it$([ "$PORT" = 15002 ] || echo " with SPARK_REMOTE=$REMOTE"); stop it with: make spark-stop"
}

stop() {
  local pid left i p
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && [ -n "$(group_members "$pid")" ]; then
    step "stopping the Spark Connect server (process group $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do [ -z "$(group_members "$pid")" ] && break; sleep 0.1; done
    if [ -n "$(group_members "$pid")" ]; then
      warn "still running after 20 s: SIGKILL to process group $pid"
      kill -KILL -- "-$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do [ -z "$(group_members "$pid")" ] && break; sleep 0.1; done
    fi
  fi
  rm -f "$PID_FILE" "$READY_FILE"
  left="$( { [[ "$pid" =~ ^[0-9]+$ ]] && group_members "$pid"; our_jvms; } | sort -u | tr '\n' ' ')"
  if [ -n "${left// /}" ]; then
    for p in $left; do printf '   %s %s\n' "$p" "$( { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | cut -c1-200)" >&2; done
    die "processes of this Spark Connect server are still running (above): pids $left"
  fi
  ok "no Spark Connect server of $STATE running (no JVM left)"
}

status() {
  local pid
  pid="$(server_pid)"
  if [ -n "$pid" ] && port_open; then
    ok "Spark Connect server running at $REMOTE (pid $pid; log $LOG_FILE)"
    [ ! -f "$READY_FILE" ] || sed 's/^/   /' "$READY_FILE"
    return 0
  elif [ -n "$pid" ]; then
    say "a Spark Connect server (pid $pid) is running but $REMOTE does not answer yet; log: $LOG_FILE"
    return 3
  fi
  say "no Spark Connect server running from this checkout at $REMOTE; start one with: make spark"
  return 3
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  remote) printf '%s\n' "$REMOTE" ;;
  *) die "usage: scripts/spark.sh install|start|stop|status|remote (see the comment at the top)" ;;
esac

#!/usr/bin/env bash
# make test / test-go / test-notebooks — run the project's tests, failing fast, one banner per step.
#
#   scripts/test.sh all        [pytest args]   setup, Spark set-up, gofmt, go vet, go test, notebook tests, browser tests (CI)
#   scripts/test.sh go                         gofmt, go vet, go test
#   scripts/test.sh notebooks  [pytest args]   setup, Spark set-up, notebook tests
#   scripts/test.sh browser    [node args]     setup, Spark set-up, browser tests (tests/browser; e.g. --test-name-pattern=toast)
#
# "Spark set-up" is scripts/spark.sh install (pyspark into .spark/venv, the Go client's modules): notebook 07
# runs against a real Spark Connect server that the notebook and browser tests start and stop themselves.
# go vet and go test cover the spark/ module too once it is installed (its tests against a server are
# skipped, loudly, when none runs; the notebook step runs them against the server it starts).
#
# Notebook-test knobs (environment): SPEEDUP_NOTEBOOKS_DIR, SPEEDUP_OFFLINE=0 (let the kernel
# download modules; by default it runs with GOPROXY=off), SPEEDUP_NOTEBOOK_MAX_SECONDS, SPEEDUP_CELL_TIMEOUT — see tests/notebooks/nbrun.py;
# SPEEDUP_INTERRUPT_TRIALS, SPEEDUP_LIFECYCLE_KERNEL — see tests/notebooks/test_kernel_lifecycle.py.
# Browser-test knobs: SPEEDUP_BROWSER=skip (skip that step, loudly), SPEEDUP_CHROMIUM (default
# /usr/bin/chromium), SPEEDUP_BROWSER_NOTEBOOK_TIMEOUT — see tests/browser/lib/config.js.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

what="${1:-all}"
shift || true
case "$what" in
  all)       steps=(setup spark gofmt vet gotest notebooks browser) ;;
  go)        steps=(gofmt vet gotest) ;;
  notebooks) steps=(setup spark notebooks) ;;
  browser)   steps=(setup spark browser) ;;
  *) die "usage: scripts/test.sh all|go|notebooks|browser [pytest or node args]" ;;
esac

T0="$(now_s)"
n=0
summary=()

banner() { printf '\n%s==== [%d/%d] %s%s\n' "$_B" "$n" "${#steps[@]}" "$1" "$_N"; }
failed() {
  printf '\n%s==== FAILED: %s%s\n' "$_R" "$1" "$_N" >&2
  for s in "${summary[@]}"; do printf '     %s\n' "$s" >&2; done
  exit 1
}

# go_files lists the project's .go files, skipping hidden folders (.venv, .tools, .git),
# build/, node_modules/ and testdata/.
go_files() {
  find . \( -name '.?*' -o -name build -o -name node_modules -o -name testdata \) -prune -o \
    -type f -name '*.go' -print
}

# spark_installed: the spark/ module's dependencies are in the module cache (scripts/spark.sh install ran).
spark_installed() { [ -f "$ROOT/.spark/.go.sha256" ]; }
spark_missing() {
  printf '%s%s%s\n' "$_Y" "!!!! spark/ (its own Go module) NOT $1: its modules are not installed; make spark-install (or make test) installs them" "$_N" >&2
}

# spark_go_tests: go test in spark/, verbose into build/spark-go-test.log, so that the tests that
# need a Spark server and found none are counted and reported (go test hides a passing package's skips).
spark_go_tests() {
  local log="$BUILD/spark-go-test.log" rc=0 skipped
  mkdir -p "$BUILD"
  (cd spark && go test -count=1 -v ./...) >"$log" 2>&1 || rc=$?
  grep -E '^(ok|FAIL|---) ' "$log" | grep -v -- '--- PASS' || true
  skipped="$(grep -c -- '--- SKIP' "$log" || true)"
  if [ "$skipped" -gt 0 ]; then
    printf '%s%s%s\n' "$_Y" "!!!! $skipped spark/ test(s) SKIPPED: no Spark Connect server at ${SPARK_REMOTE:-sc://127.0.0.1:15002} (the notebook step runs them against a server it starts; or: make spark)" "$_N" >&2
    result="ok (spark/ server tests SKIPPED)"
  fi
  return "$rc"
}

# browser_tests [node --test args]: the npm packages of tests/browser (npm ci, only when
# package.json or package-lock.json changed), then the tests: the HTML exports of the notebooks
# executed by the notebook step (build/notebooks/), with and without JavaScript; then each
# notebook run in JupyterLab in Chromium.
browser_tests() {
  local dir="$ROOT/tests/browser" chromium="${SPEEDUP_CHROMIUM:-/usr/bin/chromium}" v stamp sha
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "${_R}Node.js (node and npm, version 20 or later) is needed for the browser tests${_N}" \
        "(Debian/Ubuntu: apt-get install nodejs npm; or https://nodejs.org/)."
    say "To skip this step explicitly: SPEEDUP_BROWSER=skip make test"
    return 1
  fi
  v="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$v" -lt 20 ]; then
    say "${_R}node $(node --version) is too old for the browser tests: Node.js 20 or later is needed.${_N}"
    return 1
  fi
  if [ ! -x "$chromium" ]; then
    say "${_R}Chromium is missing (looked for $chromium).${_N} The browser tests drive Debian's Chromium; install it with"
    say "    apt-get install chromium      (Debian/Ubuntu, as root; else: sudo apt-get install chromium)"
    say "or point SPEEDUP_CHROMIUM at a Chromium/Chrome binary, or skip this step explicitly: SPEEDUP_BROWSER=skip make test"
    return 1
  fi
  [ -x "$VENV/bin/jupyter" ] || { say "${_R}.venv is missing: run make setup${_N}"; return 1; }
  stamp="$dir/node_modules/.speedup-stamp"
  sha="$(sha_of "$dir/package.json" "$dir/package-lock.json"; node --version)"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$sha" ]; then
    ok "npm packages of tests/browser up to date (playwright-core $(cd "$dir" && node -p "require('playwright-core/package.json').version"))"
  else
    step "npm ci in tests/browser (playwright-core, pinned in package-lock.json; no browser download)"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --prefer-offline) || {
      say "${_R}npm ci failed in tests/browser (see above): the npm registry must be reachable the first time.${_N}"
      return 1
    }
    printf '%s\n' "$sha" > "$stamp"
  fi
  local rc=0
  (cd "$dir" && node --test --test-reporter=spec --test-concurrency=1 "$@" charts.test.js export.test.js lab.test.js) || rc=$?
  say "screenshots in build/screenshots/; HTML exports, saved notebooks and JupyterLab's log in build/browser/"
  return "$rc"
}

# setup_modcache proves that set-up downloads every module a notebook needs: it fills an empty
# module cache, build/_modcache-setup, by running set-up's module step (scripts/modules.sh)
# against a proxy that is the machine's own module cache, and the notebook tests then run
# their kernel with that cache and no proxy. A module set-up forgot fails a notebook here,
# even on a machine whose own cache has it. SPEEDUP_MODCACHE_PROOF=0 skips it.
setup_modcache() {
  [ "${SPEEDUP_MODCACHE_PROOF:-1}" = 1 ] || return 0
  local dir="$BUILD/_modcache-setup" own stamp sha
  own="$(go env GOMODCACHE)"
  stamp="$BUILD/.modcache-setup-stamp"
  sha="$(sha_of go.mod go.sum scripts/modules.sh spark/go.mod spark/go.sum scripts/spark.sh; go env GOVERSION; spark_installed && echo spark)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sha" ] || [ ! -d "$dir" ]; then
    step "filling build/_modcache-setup with what set-up downloads, and nothing else"
    if [ -d "$dir" ]; then GOMODCACHE="$dir" go clean -modcache; fi
    rm -f "$BUILD/.modcache-setup-spark-stamp"
    GOFLAGS=-modcacherw GOMODCACHE="$dir" GOPROXY="file://$own/cache/download" GOSUMDB=off \
      bash "$ROOT/scripts/modules.sh" || return 1
    if spark_installed; then # notebook 07's modules: what the Spark set-up downloads
      GOFLAGS=-modcacherw GOMODCACHE="$dir" GOPROXY="file://$own/cache/download" GOSUMDB=off \
        SPARK_GO_STAMP="$BUILD/.modcache-setup-spark-stamp" bash "$ROOT/scripts/spark.sh" install || return 1
    fi
    printf '%s\n' "$sha" > "$stamp"
  fi
  export SPEEDUP_KERNEL_GOMODCACHE="$dir"
  say "the notebooks' kernel uses build/_modcache-setup: only the modules set-up downloads"
}

run_step() {
  local step="$1" t rc=0 out result=""
  t="$(now_s)"
  case "$step" in
    setup)
      banner "setup (scripts/setup.sh)"
      bash "$ROOT/scripts/setup.sh" || rc=$? ;;
    spark)
      banner "Spark set-up for notebook 07 (scripts/spark.sh install: Java check, pyspark in .spark/venv, the Go client)"
      bash "$ROOT/scripts/spark.sh" install || rc=$? ;;
    gofmt)
      check_go
      banner "gofmt -l (every .go file must be gofmt-formatted)"
      files=()
      while IFS= read -r f; do files+=("$f"); done < <(go_files)
      out=""
      if [ "${#files[@]}" -gt 0 ]; then out="$(gofmt -l "${files[@]}")" || rc=$?; fi
      if [ -n "$out" ]; then
        printf '%s\n' "$out"
        say "these files need formatting: run  gofmt -w ${out//$'\n'/ }"
        rc=1
      elif [ "$rc" = 0 ]; then
        say "all ${#files[@]} .go files formatted"
      fi ;;
    vet)
      banner "go vet ./... (and in spark/, its own module)"
      go vet ./... || rc=$?
      if [ "$rc" = 0 ]; then
        if spark_installed; then (cd spark && go vet ./...) || rc=$?; else spark_missing vetted; result="ok (spark/ SKIPPED: not installed)"; fi
      fi ;;
    gotest)
      banner "go test -count=1 ./... (and in spark/, its own module)"
      go test -count=1 ./... || rc=$?
      if [ "$rc" = 0 ]; then
        if spark_installed; then spark_go_tests || rc=$?; else spark_missing tested; result="ok (spark/ SKIPPED: not installed)"; fi
      fi ;;
    notebooks)
      banner "notebook tests (pytest tests/notebooks: every notebooks/*.ipynb through the GoNB kernel; kernels killed and interrupted)"
      jupyter_env
      [ -x "$VENV/bin/python" ] || die ".venv is missing: run make setup"
      setup_modcache || rc=$?
      [ "$rc" = 0 ] && "$VENV/bin/python" -m pytest "$ROOT/tests/notebooks" -v -o cache_dir="$BUILD/.pytest_cache" "$@" || rc=$?
      say "executed notebooks saved in build/notebooks/ (fixtures in build/notebooks-fixtures/)" ;;
    browser)
      banner "browser tests (tests/browser: each notebook run in JupyterLab in Chromium; HTML exports with and without JavaScript)"
      if [ "${SPEEDUP_BROWSER:-}" = skip ]; then
        printf '%s%s%s\n' "$_Y" "!!!! SKIPPED: SPEEDUP_BROWSER=skip — the browser tests did NOT run (charts in JupyterLab, fallback tables, offline HTML exports are unchecked)" "$_N" >&2
        result="SKIPPED (SPEEDUP_BROWSER=skip)"
      else
        browser_tests "${@:2}" || rc=$?   # $1 is the step name
      fi ;;
  esac
  [ -n "$result" ] || result="$([ "$rc" = 0 ] && echo ok || echo FAILED)"
  summary+=("$(printf '%-10s %6s s  %s' "$step" "$(elapsed "$t")" "$result")")
  [ "$rc" = 0 ] || failed "$step (exit status $rc)"
}

for step in "${steps[@]}"; do
  n=$((n + 1))
  case "$step/$what" in
    notebooks/*|browser/browser) run_step "$step" "$@" ;;   # pytest args / node --test args
    *) run_step "$step" ;;
  esac
done

printf '\n%s==== all passed%s in %s s\n' "$_G" "$_N" "$(elapsed "$T0")"
for s in "${summary[@]}"; do printf '     %s\n' "$s"; done
case "${summary[*]}" in *SKIPPED*) printf '%s==== some tests were SKIPPED (see above)%s\n' "$_Y" "$_N" ;; esac

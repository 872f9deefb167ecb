#!/usr/bin/env bash
# make test / test-go / test-notebooks — run the project's tests, failing fast, one banner per step.
#
#   scripts/test.sh all        [pytest args]   setup, gofmt, go vet, go test, notebook tests (CI)
#   scripts/test.sh go                         gofmt, go vet, go test
#   scripts/test.sh notebooks  [pytest args]   setup, notebook tests
#
# Notebook-test knobs (environment): SPEEDUP_NOTEBOOKS_DIR, SPEEDUP_OFFLINE=0 (let the kernel
# download modules; by default it runs with GOPROXY=off), SPEEDUP_NOTEBOOK_MAX_SECONDS, SPEEDUP_CELL_TIMEOUT — see tests/notebooks/nbrun.py.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

what="${1:-all}"
shift || true
case "$what" in
  all)       steps=(setup gofmt vet gotest notebooks) ;;
  go)        steps=(gofmt vet gotest) ;;
  notebooks) steps=(setup notebooks) ;;
  *) die "usage: scripts/test.sh all|go|notebooks [pytest args]" ;;
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

run_step() {
  local step="$1" t rc=0 out
  t="$(now_s)"
  case "$step" in
    setup)
      banner "setup (scripts/setup.sh)"
      bash "$ROOT/scripts/setup.sh" || rc=$? ;;
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
      banner "go vet ./..."
      go vet ./... || rc=$? ;;
    gotest)
      banner "go test -count=1 ./..."
      go test -count=1 ./... || rc=$? ;;
    notebooks)
      banner "notebook tests (pytest tests/notebooks: every notebooks/*.ipynb through the GoNB kernel)"
      jupyter_env
      [ -x "$VENV/bin/python" ] || die ".venv is missing: run make setup"
      "$VENV/bin/python" -m pytest "$ROOT/tests/notebooks" -v -o cache_dir="$BUILD/.pytest_cache" "$@" || rc=$?
      say "executed notebooks saved in build/notebooks/ (fixtures in build/notebooks-fixtures/)" ;;
  esac
  summary+=("$(printf '%-10s %6s s  %s' "$step" "$(elapsed "$t")" "$([ "$rc" = 0 ] && echo ok || echo FAILED)")")
  [ "$rc" = 0 ] || failed "$step (exit status $rc)"
}

for step in "${steps[@]}"; do
  n=$((n + 1))
  if [ "$step" = notebooks ]; then run_step "$step" "$@"; else run_step "$step"; fi
done

printf '\n%s==== all passed%s in %s s\n' "$_G" "$_N" "$(elapsed "$T0")"
for s in "${summary[@]}"; do printf '     %s\n' "$s"; done

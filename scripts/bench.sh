#!/usr/bin/env bash
# make bench — the benchmarks of bench/, each 3 times, side by side with the talk's Python,
# then one table of Go ÷ Python (bench/table). The raw output is kept in build/bench/.
#
#   scripts/bench.sh [go test -bench regexp]     default: every benchmark of bench/
# Knobs: BENCH_COUNT=3 (runs of each benchmark).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
check_go
[ -x "$VENV/bin/python" ] || die ".venv is missing: run make setup (the talk's Python runs from it)"
mkdir -p "$BUILD/bench"
out="$BUILD/bench/bench.txt"
t="$(now_s)"
step "go test -bench '${1:-.}' -count ${BENCH_COUNT:-3} ./bench/ (a few minutes; raw output in build/bench/bench.txt)"
go test -run '^$' -bench "${1:-.}" -benchtime 1x -count "${BENCH_COUNT:-3}" -timeout 30m ./bench/ | tee "$out"
[ "${PIPESTATUS[0]}" = 0 ] || die "the benchmarks failed (see above)"
printf '\n'
go run ./bench/table "$out" | tee "$BUILD/bench/table.txt"
say "" "benchmarks done in $(elapsed "$t") s; the table is in build/bench/table.txt"

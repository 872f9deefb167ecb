#!/usr/bin/env bash
# scripts/modules.sh — the Go modules the notebooks need, in the module cache, and the build
# cache warm with them, so that notebooks run offline and their first cell compiles in seconds.
# Run by scripts/setup.sh and by the Dockerfile; the notebook tests run it again into an
# empty module cache (GOMODCACHE) served by the first one alone, to prove that set-up
# downloads everything a notebook needs (see scripts/test.sh).
#
# What it does:
#   1. go mod download: every module go.mod names (~150 MB of source, into $(go env GOMODCACHE));
#   2. what a notebook's first cell makes GoNB do, once: a throw-away module that requires this
#      repository (go mod edit -require ... -replace ...=<repo>), borrows its go.sum, imports
#      every package of it, `go get` and `go build` — so GoNB's own `go get` later finds every
#      module and checksum it asks for, and the build cache holds every package compiled.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

t="$(now_s)"
go mod download || die "'go mod download' failed (see above): the Go module proxy must be reachable on first set-up."
ok "Go modules in the module cache ($(go env GOMODCACHE)) ($(elapsed "$t") s)"

t="$(now_s)"
w="$(mktemp -d)"
trap 'rm -rf "$w"' EXIT
(
  cd "$w"
  go mod init gonb_warmup >/dev/null 2>&1
  go mod edit -require=github.com/speedup-go/speedup@v0.0.0-00010101000000-000000000000 -replace="github.com/speedup-go/speedup=$ROOT"
  cat "$ROOT/go.sum" >> go.sum
  {
    echo 'package main'
    echo 'import ('
    go -C "$ROOT" list -f '{{if and (ne .Name "main") (not .Standard)}}_ "{{.ImportPath}}"{{end}}' ./... | grep -v '/internal/'
    echo '	_ "github.com/janpfeifer/gonb/gonbui"'
    echo ')'
    echo 'func main() {}'
  } > main.go
  go get >/dev/null && go build -o warmup .
) || die "warming the build cache the way GoNB builds a notebook cell failed (see above)"
ok "build cache warm with every package a notebook imports ($(elapsed "$t") s)"

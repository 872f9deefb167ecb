#!/usr/bin/env bash
# make image-test — build the Dockerfile with buildah (no Docker engine needed) and try the image
# for real, as a reader would use it:
#
#   1. base images    the images the Dockerfile names (debian:bookworm-slim and golang:1.26-bookworm),
#                     made locally when missing (no image registry needed): debootstrap for
#                     Debian, this machine's Go toolchain for golang. Cached in buildah's storage.
#   2. build          buildah bud --pull-never --isolation chroot -t speedup:test . (build time, size)
#   3. inside         the image runs as uid 1000 in $HOME, which holds the repository; the venv and Go
#                     caches belong to the user; the modules resolve with GOPROXY=off; no network
#   4. notebooks      every notebooks/*.ipynb runs INSIDE the image, as the image's user, with
#                     GOPROXY=off and no network at all (a network namespace with only loopback):
#                     the repository's own notebook tests (tests/notebooks, with the image's venv
#                     and kernelspec). Executed notebooks, kernel logs and timings are copied to
#                     build/image/notebooks/.
#   5. lab            the image's default command (ENTRYPOINT + CMD) serves JupyterLab on :8888 with
#                     token auth (200 with the token it prints, 302/403 without), Go as the default
#                     kernel, a Go kernel starts, and SIGTERM (docker stop) ends it all; then the
#                     way mybinder.org starts the image (jupyter-notebook with its base_url and
#                     token arguments) serves the launch link's urlpath.
#
# Usage: scripts/image-test.sh [PHASE...]     PHASE: base build inside notebooks lab (default: all)
# Needs: root, buildah, debootstrap (only when the Debian base image is missing), curl, python3,
# ip (iproute2).
#   CI (Debian bookworm): apt-get install -y --no-install-recommends buildah debootstrap
# Environment knobs:
#   IMAGE_TAG=speedup:test           name of the image to build and test
#   IMAGE_BUILD_ARGS="..."           extra `buildah bud` arguments, e.g. "--build-arg NB_USER=binder";
#                                    "--build-arg WITH_SPARK=true" adds Spark, and the notebooks phase then
#                                    runs notebook 07 inside the image against a server it starts there;
#                                    an image without Spark skips it (SPEEDUP_SPARK=skip), loudly
#   IMAGE_TEST_PYTEST_ARGS="..."     what pytest runs inside the image (default: tests/notebooks, all
#                                    but the one test of make setup's .tools/bin layout), e.g.
#                                    'tests/notebooks/test_notebooks.py -k "toast and not expectations"'
#   IMAGE_TEST_LAYERS=1              buildah bud --layers (cache each step; 0: one layer, no cache)
#   IMAGE_TEST_PRUNE=1               after a build, `buildah rmi --prune` (earlier builds' dangling images)
#   IMAGE_TEST_REBASE=1              remake the base images even if buildah has them
#   STORAGE_DRIVER=vfs               buildah storage driver (vfs works everywhere, overlay is faster where it works)
#   DEBIAN_MIRROR=URL                Debian mirror for debootstrap (default: the one this machine's apt uses)
# Leaves the images cached (buildah images), removes its containers, leaves no process behind.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

IMAGE_TAG="${IMAGE_TAG:-speedup:test}"
IMAGE_REF="$IMAGE_TAG"
[[ "$IMAGE_REF" == */* ]] || IMAGE_REF="localhost/$IMAGE_REF"   # how buildah names a local image
STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
OUT="$BUILD/image"
read -r -a BUILD_ARGS <<<"${IMAGE_BUILD_ARGS:-}"
# The whole notebook suite but one test: test_kernel_path_comes_from_the_kernelspec expects the
# kernel's tools in <repo>/.tools/bin (make setup's layout); the image keeps them in /opt/gopath/bin.
PYTEST_ARGS=(tests/notebooks -k "not test_kernel_path_comes_from_the_kernelspec")
if [ -n "${IMAGE_TEST_PYTEST_ARGS:-}" ]; then   # split like a shell would: -k "not a and not b"
  mapfile -t PYTEST_ARGS < <(python3 -c 'import shlex, sys; print("\n".join(shlex.split(sys.argv[1])))' "$IMAGE_TEST_PYTEST_ARGS")
fi

ALL_PHASES=(base build inside notebooks lab)
PHASES=("$@")
[ "${#PHASES[@]}" -gt 0 ] || PHASES=("${ALL_PHASES[@]}")
for p in "${PHASES[@]}"; do
  [[ " ${ALL_PHASES[*]} " == *" $p "* ]] || die "unknown phase '$p' (phases: ${ALL_PHASES[*]})"
done

bh() { buildah --storage-driver "$STORAGE_DRIVER" "$@"; }

T0="$(now_s)"
summary=()
n=0
phase_t=""
phase_name=""
banner() {
  n=$((n + 1)); phase_name="$1"; phase_t="$(now_s)"
  printf '\n%s==== [%d/%d] %s%s\n' "$_B" "$n" "${#PHASES[@]}" "$2" "$_N"
}
phase_done() { summary+=("$(printf '%-10s %7s s  %s' "$phase_name" "$(elapsed "$phase_t")" "${1:-ok}")"); phase_name=""; }
print_summary() {
  local s
  for s in "${summary[@]}"; do printf '     %s\n' "$s"; done
  printf '     %-10s %7s s\n' "total" "$(elapsed "$T0")"
}

# --- the container, its network namespace, its processes: nothing may outlive this script -----
# Every `buildah run` goes through `ip netns exec` into a network namespace of our own that has
# only a loopback interface: the image runs with no network at all (chroot isolation, which
# needs no runtime, refuses --network none), its servers do not clash with this machine's ports,
# and `ip netns pids` lists exactly the processes the container started, even those that were
# left behind (they are re-parented to PID 1 and keep no trace of the container otherwise).
NETNS="speedup-image-test"
CTR="speedup-image-test"
CTR_MADE=0
BG_PIDS=()      # background `buildah run` processes

netns_up() {
  netns_down
  ip netns add "$NETNS"
  ip -n "$NETNS" link set lo up
}
netns_down() {
  ip netns list 2>/dev/null | grep -qw "^$NETNS" || return 0
  stop_ns_procs 5
  ip netns del "$NETNS" 2>/dev/null || true
}
ns_pids() { ip netns pids "$NETNS" 2>/dev/null || true; }
# ns_pid_of NAME: the first process in the namespace whose command name is NAME (empty if none).
ns_pid_of() {
  local p
  for p in $(ns_pids); do
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ]; then printf '%s\n' "$p"; return 0; fi
  done
  return 0
}

# stop_ns_procs GRACE: SIGTERM every process in the namespace, SIGKILL what is left after GRACE s.
stop_ns_procs() {
  local grace="${1:-10}" pids i
  mapfile -t pids < <(ns_pids)
  [ "${#pids[@]}" -gt 0 ] || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    mapfile -t pids < <(ns_pids)
    [ "${#pids[@]}" -gt 0 ] || return 0
    sleep 0.1
  done
  warn "killing ${#pids[@]} process(es) still running after ${grace} s: $(ps -o pid=,args= -p "$(IFS=,; echo "${pids[*]}")" | cut -c1-100 | head -n 5 | tr '\n' ';')"
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

# ensure_ctr: one working container from the image for this run (an old one of that name goes first).
ensure_ctr() {
  [ "$CTR_MADE" = 1 ] && return 0
  bh rm "$CTR" >/dev/null 2>&1 || true
  local t; t="$(now_s)"
  bh from --pull-never --name "$CTR" "$IMAGE_REF" >/dev/null
  CTR_MADE=1
  ok "container $CTR from $IMAGE_REF ($(elapsed "$t") s)"
}
ctr_root() { bh mount "$CTR"; }

# ctr_run [buildah run options] -- CMD...: CMD in the container, offline, as the image's USER
# (no --user: that is what `docker run` and mybinder.org do).
ctr_run() {
  local opts=()
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  ip netns exec "$NETNS" buildah --storage-driver "$STORAGE_DRIVER" run --isolation chroot "${opts[@]}" "$CTR" -- "$@"
}
in_ns() { ip netns exec "$NETNS" "$@"; }

cleanup() {
  local rc=$? p
  set +e
  for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  netns_down
  for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [ "$CTR_MADE" = 1 ]; then
    bh umount "$CTR" >/dev/null 2>&1
    bh rm "$CTR" >/dev/null 2>&1
  fi
  [ -n "$tmp" ] && rm -rf "$tmp"
  [ ! -d "$OUT" ] || chown -R --reference="$ROOT" "$OUT"   # (run with sudo: the repository owner's)
  if [ -n "$phase_name" ]; then summary+=("$(printf '%-10s %7s s  %s' "$phase_name" "$(elapsed "$phase_t")" FAILED)"); fi
  if [ "$rc" != 0 ]; then
    printf '\n%s==== image test FAILED%s (exit status %d)\n' "$_R" "$_N" "$rc" >&2
    print_summary >&2
  fi
  exit "$rc"
}
tmp=""
trap cleanup EXIT
trap 'exit 130' INT TERM
tmp="$(mktemp -d)"

# --- preflight ------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "run as root: buildah builds here with root privileges (CI machines run as root), e.g. sudo make image-test"
command -v buildah >/dev/null || die "buildah is missing: apt-get install -y --no-install-recommends buildah debootstrap"
command -v curl >/dev/null || die "curl is missing: apt-get install -y curl"
command -v python3 >/dev/null || die "python3 is missing"
command -v ip >/dev/null || die "ip is missing: apt-get install -y iproute2"
mkdir -p "$OUT"

# The base images the Dockerfile names: FROM lines, and the GO_IMAGE build argument's default.
dockerfile_images() {
  sed -nE 's/^ARG[[:space:]]+GO_IMAGE=([^[:space:]]+).*/\1/p; s/^FROM[[:space:]]+([^$[:space:]][^[:space:]]*).*/\1/p' Dockerfile |
    awk '!seen[$0]++'
}
# qualify NAME: docker.io/library/NAME[:latest], as `docker pull NAME` would name it.
qualify() {
  local ref="$1"
  [[ "$ref" == *:* ]] || ref="$ref:latest"
  case "$ref" in
    */*/*) printf '%s\n' "$ref" ;;
    */*) printf 'docker.io/%s\n' "$ref" ;;
    *) printf 'docker.io/library/%s\n' "$ref" ;;
  esac
}
# (buildah pads the columns of --format with spaces)
have_image() { bh images --noheading --format '{{.Name}}:{{.Tag}}' 2>/dev/null | awk '{ print $1 }' | grep -qxF "$1"; }
image_size() { bh images --noheading --format '{{.Name}}:{{.Tag}} {{.Size}}' 2>/dev/null | awk -v r="$1" '$1 == r { $1 = ""; sub(/^ /, ""); print; exit }'; }

# debian_mirror SUITE: the Debian mirror this machine's apt uses for SUITE (deb822 .sources or
# one-line .list), else deb.debian.org.
debian_mirror() {
  python3 - "$1" <<'PY'
import glob, re, sys
suite = sys.argv[1]
found = []
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for block in re.split(r"\n\s*\n", open(path, errors="replace").read()):
        fields = {}
        for line in block.splitlines():
            m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
            if m:
                fields[m.group(1).lower()] = m.group(2).split()
        if "deb" in fields.get("types", []) and suite in fields.get("suites", []) and fields.get("enabled", ["yes"]) != ["no"]:
            found += fields.get("uris", [])
for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        continue
    for line in lines:
        m = re.match(r"^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line)
        if m and m.group(2) == suite:
            found.append(m.group(1))
default = "http://deb.debian.org/debian-security" if suite.endswith("-security") else "http://deb.debian.org/debian"
print((found or [default])[0].rstrip("/"))
PY
}

# make_debian REF CODENAME: a debian:CODENAME-slim stand-in: debootstrap minbase, trimmed like the
# official slim images (no docs/man/locales, apt caches cleaned), apt pointed at this machine's mirror.
make_debian() {
  local ref="$1" codename="$2" mirror security rootfs ctr t
  command -v debootstrap >/dev/null || die "debootstrap is missing (needed to make $ref): apt-get install -y --no-install-recommends debootstrap"
  mirror="${DEBIAN_MIRROR:-$(debian_mirror "$codename")}"
  security="$(debian_mirror "$codename-security")"
  rootfs="$tmp/rootfs-$codename"
  step "debootstrap --variant=minbase $codename from $mirror"
  t="$(now_s)"
  debootstrap --variant=minbase "$codename" "$rootfs" "$mirror" >"$OUT/debootstrap.log" 2>&1 ||
    { tail -n 30 "$OUT/debootstrap.log" >&2; die "debootstrap failed (log: $OUT/debootstrap.log)"; }
  ok "debootstrap done ($(elapsed "$t") s, $(du -sh "$rootfs" | cut -f1))"
  mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d" "$rootfs/etc/apt/apt.conf.d" "$rootfs/etc/apt/sources.list.d"
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# slim image: no documentation, manual pages or translations
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
# keep no downloaded packages or package caches in image layers
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
EOF
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # This machine's own trusted CAs (e.g. of a TLS-intercepting egress proxy): without them pip and
  # `go install` fail in RUN steps with "certificate verify failed". They join the image's bundle
  # when the Dockerfile installs ca-certificates. None on an ordinary machine.
  local extra_cas=()
  mapfile -t extra_cas < <(find /usr/local/share/ca-certificates -type f -name '*.crt' 2>/dev/null | sort)
  if [ "${#extra_cas[@]}" -gt 0 ]; then
    mkdir -p "$rootfs/usr/local/share/ca-certificates"
    cp "${extra_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
    say "     with this machine's extra CA certificates: ${extra_cas[*]##*/}"
  fi
  rm -f "$rootfs/etc/apt/sources.list" "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/log/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/* "$rootfs"/tmp/* "$rootfs"/dev/*
  tar -C "$rootfs" --numeric-owner -cf "$tmp/$codename.tar" .
  rm -rf "$rootfs"
  ctr="$(bh from scratch)"
  bh add "$ctr" "$tmp/$codename.tar" / >/dev/null
  bh config --cmd bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
  bh commit --quiet --rm "$ctr" "$ref" >/dev/null
  rm -f "$tmp/$codename.tar"
  ok "made $ref ($(image_size "$ref"))"
}

# make_golang REF VERSION CODENAME: golang:VERSION-CODENAME stand-in: this machine's Go toolchain in
# /usr/local/go on the debian:CODENAME-slim image (the Dockerfile copies only /usr/local/go).
make_golang() {
  local ref="$1" want="$2" codename="$3" goroot have ctr
  # (sudo's secure_path may hide Go's usual place)
  command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null || die "go is not on PATH: it is needed to make $ref"
  goroot="$(GOTOOLCHAIN=local go env GOROOT)"
  have="$(GOTOOLCHAIN=local go env GOVERSION)"; have="${have#go}"
  [[ "$have" == "$want" || "$have" == "$want".* ]] ||
    die "$ref needs Go $want, but this machine's Go is $have ($goroot)"
  ensure_image "$(qualify "debian:$codename-slim")"
  step "making $ref from this machine's Go $have ($goroot)"
  ctr="$(bh from --pull-never "$(qualify "debian:$codename-slim")")"
  bh copy "$ctr" "$goroot" /usr/local/go >/dev/null
  bh config --env GOLANG_VERSION="$have" --env GOTOOLCHAIN=local --env GOPATH=/go \
    --env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --workingdir /go "$ctr"
  bh commit --quiet --rm "$ctr" "$ref" >/dev/null
  ok "made $ref ($(image_size "$ref"))"
}

MADE=()  # base images made by this run
ensure_image() {
  local ref="$1" name tag
  [[ " ${MADE[*]} " == *" $ref "* ]] && return 0
  if have_image "$ref" && [ "${IMAGE_TEST_REBASE:-0}" != 1 ]; then
    ok "$ref already in buildah's storage ($(image_size "$ref"))"
    MADE+=("$ref")
    return
  fi
  name="${ref##*/}"; tag="${name#*:}"; name="${name%%:*}"
  case "$name:$tag" in
    debian:*-slim) make_debian "$ref" "${tag%-slim}" ;;
    golang:*-*) make_golang "$ref" "${tag%%-*}" "${tag#*-}" ;;
    *) die "the Dockerfile names $ref, which this script cannot make locally (only debian:*-slim and golang:*-*)" ;;
  esac
  MADE+=("$ref")
}

phase_base() {
  banner base "base images named by the Dockerfile (made locally if missing)"
  local img
  while IFS= read -r img; do ensure_image "$(qualify "$img")"; done < <(dockerfile_images)
  phase_done
}

containers() { bh containers --all --noheading --format '{{.ContainerID}}' 2>/dev/null | sort; }

phase_build() {
  banner build "buildah bud -t $IMAGE_TAG . (log: build/image/build.log)"
  local t rc=0 before leftover
  before="$(containers)"
  t="$(now_s)"
  # --layers: each step is cached, so a re-run after a change rebuilds from the first changed step.
  local layers=--layers
  [ "${IMAGE_TEST_LAYERS:-1}" = 1 ] || layers=--layers=false
  bh bud --pull-never --isolation chroot "$layers" --force-rm "${BUILD_ARGS[@]}" -t "$IMAGE_REF" -f Dockerfile . \
    > >(tee "$OUT/build.log") 2>&1 || rc=$?
  BUILD_SECONDS="$(elapsed "$t")"
  # buildah keeps the working container of a stage used only by COPY --from (and any of a failed step).
  leftover="$(comm -13 <(printf '%s\n' "$before") <(containers) | tr '\n' ' ')"
  # shellcheck disable=SC2086
  [ -z "${leftover// /}" ] || bh rm $leftover >/dev/null 2>&1 || true
  [ "$rc" = 0 ] || die "buildah bud failed (exit status $rc) after $BUILD_SECONDS s; log: $OUT/build.log"
  ok "built $IMAGE_REF in $BUILD_SECONDS s, size $(image_size "$IMAGE_REF")"
  if [ "${IMAGE_TEST_PRUNE:-1}" = 1 ]; then
    # Earlier builds' images, untagged now (the layers of this one stay: they are the cache).
    t="$(now_s)"
    local pruned
    pruned="$(bh rmi --prune 2>/dev/null | grep -c . || true)"
    ok "removed $pruned dangling image(s) of earlier builds ($(elapsed "$t") s); buildah storage: $(du -sh /var/lib/containers/storage 2>/dev/null | cut -f1)"
  fi
  phase_done "built in $BUILD_SECONDS s, $(image_size "$IMAGE_REF")"
}

require_image() { have_image "$IMAGE_REF" || die "no image $IMAGE_REF: run the build phase first (scripts/image-test.sh build)"; }

# image_config FIELD: the image's OCI config field (Entrypoint, Cmd, User, WorkingDir, ...) as JSON.
image_config() {
  bh inspect --type image "$IMAGE_REF" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["OCIv1"]["config"].get(sys.argv[1])))' "$1"
}

# expect_none_left WHAT: fail if the container left processes running (and end them).
expect_none_left() {
  local left
  left="$(ns_pids | tr '\n' ' ')"
  [ -z "${left// /}" ] && return 0
  warn "$1 left processes running: $(ps -o pid=,args= -p "$(tr ' ' , <<<"${left% }")" | cut -c1-100 | tr '\n' ';')"
  stop_ns_procs 5
  die "$1 left processes running (ended now)"
}

phase_inside() {
  banner inside "inside the image: user, home, caches, kernelspec, modules offline"
  require_image
  ensure_ctr
  local out
  out="$(ctr_run -- bash -c '
    set -e
    echo "uid=$(id -u) user=$(id -un) gid=$(id -g) home=$HOME pwd=$PWD"
    test "$(id -u)" != 0 || { echo "runs as root"; exit 1; }
    test "$PWD" = "$HOME" || { echo "working directory $PWD is not \$HOME"; exit 1; }
    for f in go.mod go.sum README.md notebooks kernelext tests/notebooks/nbrun.py; do
      test -e "$HOME/$f" || { echo "missing \$HOME/$f"; exit 1; }
    done
    notmine="$(find "$HOME" /opt/venv /opt/gopath /opt/gocache ! -user "$(id -u)" -print -quit)"
    test -z "$notmine" || { echo "not owned by $(id -un): $notmine"; exit 1; }
    echo "notebooks: $(cd notebooks && ls *.ipynb | tr "\n" " ")"
    echo "$(go version); GOPROXY=$(go env GOPROXY) GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE) CGO_ENABLED=$(go env CGO_ENABLED)"
    echo "gonb $(gonb -V 2>&1 | head -n1); $(command -v goimports); $(gopls version 2>/dev/null | head -n1)"
    echo "$(python --version); jupyterlab $(jupyter lab --version); notebook $(jupyter notebook --version)"
    jupyter kernelspec list | sed 1d
    echo "sizes: module cache $(du -sh /opt/gopath/pkg/mod | cut -f1), build cache $(du -sh /opt/gocache | cut -f1), venv $(du -sh /opt/venv | cut -f1), Go $(du -sh /usr/local/go | cut -f1)"
    GOPROXY=off GOFLAGS=-mod=readonly go list -deps ./... >/dev/null
    echo "go list -deps ./... with GOPROXY=off and no network: ok"
    if python -c "import urllib.request; urllib.request.urlopen(\"https://proxy.golang.org\", timeout=5)" 2>/dev/null; then
      echo "the network is reachable from the container"; exit 1
    fi
    echo "no network in the container: ok"
  ' 2>&1)" || { printf '%s\n' "$out" | sed 's/^/     /'; die "the checks inside the image failed (above)"; }
  printf '%s\n' "$out" | sed 's/^/     /'
  expect_none_left "the checks inside the image"
  grep -q '^uid=1000 ' <<<"$out" || warn "the image's user is not uid 1000 (build args: ${BUILD_ARGS[*]:-none})"
  phase_done "$(grep -o '^uid=[0-9]* user=[^ ]*' <<<"$out")"
}

phase_notebooks() {
  banner notebooks "notebooks inside the image, offline (GOPROXY=off, no network): pytest ${PYTEST_ARGS[*]}"
  require_image
  ensure_ctr
  local root home rc=0 t
  root="$(ctr_root)"
  home="$(image_config WorkingDir | tr -d '"')"
  rm -rf "$OUT/notebooks" "$OUT/notebooks-fixtures" "$root$home/build/image-run"
  t="$(now_s)"
  # Spark is in the image only when it was built with --build-arg WITH_SPARK=true.
  local spark_env=(--env SPEEDUP_SPARK=skip)
  if [ -x "$root$home/.spark/venv/bin/python" ]; then
    spark_env=()
    ok "the image has Spark (WITH_SPARK=true): notebook 07 runs against a server started inside it"
  else
    printf '%s%s%s\n' "$_Y" "!!!! the image has no Spark (built without --build-arg WITH_SPARK=true): notebook 07 is SKIPPED inside it" "$_N" >&2
  fi
  # The repository's own notebook tests, with the image's venv (pytest, nbclient) and kernelspec.
  # build/ is not in the image (.dockerignore): the run writes its executed notebooks there.
  ctr_run --env GOPROXY=off --env SPEEDUP_OFFLINE=1 --env SPEEDUP_BUILD_DIR=build/image-run \
    --env PYTHONDONTWRITEBYTECODE=1 "${spark_env[@]}" -- \
    python -m pytest "${PYTEST_ARGS[@]}" -v -p no:cacheprovider 2>&1 | tee "$OUT/pytest.log" || rc=$?
  if [ -d "$root$home/build/image-run" ]; then
    cp -a "$root$home/build/image-run/." "$OUT/"
  fi
  expect_none_left "the notebook tests"
  [ "$rc" = 0 ] || die "the notebook tests failed inside the image (exit status $rc); executed notebooks and kernel logs: $OUT/notebooks/"
  ok "notebook tests passed inside the image in $(elapsed "$t") s; executed notebooks in build/image/notebooks/"
  if [ -f "$OUT/notebooks/timings.txt" ]; then
    printf '     %-40s %8s %6s  %s\n' "notebook (inside the image)" seconds MB "slowest cell"
    sed 's/^/     /' "$OUT/notebooks/timings.txt"
  fi
  phase_done "$(awk '{ printf "%s%s %ss", sep, $1, $2; sep = ", " }' "$OUT/notebooks/timings.txt" 2>/dev/null)"
}

# http_code URL [CURL ARGS...]: the HTTP status of a GET from inside the namespace (000: no answer).
http_code() { local url="$1"; shift; in_ns curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@" "$url" || true; }
http_get() { local url="$1"; shift; in_ns curl -s --max-time 20 "$@" "$url" || true; }

# start_bg LOG CMD...: CMD in the container, in the background.
start_bg() {
  local log="$1"; shift
  ctr_run -- "$@" >"$log" 2>&1 &
  BG_PIDS+=("$!")
}

# wait_for_log LOG REGEX SECONDS PID: until LOG matches REGEX; fails if PID ends or time runs out.
wait_for_log() {
  local log="$1" re="$2" secs="$3" pid="$4" i
  for ((i = 0; i < secs * 5; i++)); do
    grep -qE "$re" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; die "the server exited before printing /$re/ (log: $log)"; }
    sleep 0.2
  done
  tail -n 30 "$log" >&2
  die "no /$re/ in $log after $secs s"
}

# stop_bg PID WHAT: what `docker stop` does: SIGTERM to the entrypoint (tini, which passes it to
# JupyterLab's process group); whatever is still running 15 s later fails the test.
stop_bg() {
  local pid="$1" what="$2" i t init rc=0
  t="$(now_s)"
  init="$(ns_pid_of tini)"
  [ -n "$init" ] || die "$what: no tini process in the container (ENTRYPOINT changed?)"
  kill -TERM "$init"
  for ((i = 0; i < 150; i++)); do [ -d "/proc/$init" ] || break; sleep 0.1; done
  [ ! -d "/proc/$init" ] || { stop_ns_procs 1; die "$what did not stop within 15 s of SIGTERM"; }
  wait "$pid" 2>/dev/null || rc=$?
  ok "$what stopped on SIGTERM in $(elapsed "$t") s (exit status $rc)"
  # In Docker the end of PID 1 ends every process of the container. Here (no PID namespace)
  # orphans would survive: list them. Known: GoNB v0.11.1 can panic ("close of closed channel")
  # when jupyter's shutdown_request and SIGTERM cross, and then leaves its gopls daemon behind.
  local left others
  sleep 0.5
  left="$(ns_pids | paste -sd,)"
  if [ -n "$left" ]; then
    others="$(ps -o comm= -p "$left" | grep -vx gopls || true)"
    warn "$what left orphans (Docker's PID namespace would end them): $(ps -o pid=,args= -p "$left" | cut -c1-90 | tr '\n' ';')"
    stop_ns_procs 5
    [ -z "$others" ] || die "$what left processes other than GoNB's gopls running: $others"
  fi
}

expect_code() { # expect_code WHAT GOT WANT...
  local what="$1" got="$2" w; shift 2
  for w in "$@"; do [ "$got" = "$w" ] && { ok "$what: HTTP $got"; return 0; }; done
  die "$what: HTTP $got, expected $*"
}

# json_check JSON PYTHON-EXPR: fail unless the expression (over d = the parsed JSON) is true.
json_check() { python3 -c 'import json, sys; d = json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null; }

phase_lab() {
  banner lab "the default command (JupyterLab on :8888, token auth) and the way mybinder.org starts the image"
  require_image
  ensure_ctr
  local log pid token url=http://127.0.0.1:8888 entry cmd argv=() t specs i p nb=notebooks/01_toast_and_coffee.ipynb
  entry="$(image_config Entrypoint)"; cmd="$(image_config Cmd)"
  mapfile -t argv < <(python3 -c 'import json, sys; [print(a) for a in (json.loads(sys.argv[1]) or []) + (json.loads(sys.argv[2]) or [])]' "$entry" "$cmd")
  say "     ENTRYPOINT $entry CMD $cmd"
  log="$OUT/lab.log"
  t="$(now_s)"
  start_bg "$log" "${argv[@]}"
  pid="${BG_PIDS[-1]}"
  wait_for_log "$log" 'http://127\.0\.0\.1:8888/lab\?token=[0-9a-f]+' 90 "$pid"
  token="$(grep -oE 'http://127\.0\.0\.1:8888/lab\?token=[0-9a-f]+' "$log" | head -n1 | sed 's/.*token=//')"
  ok "JupyterLab up in $(elapsed "$t") s; its log shows $url/lab?token=${token:0:8}..."
  expect_code "GET /lab without the token (to the login page)" "$(http_code "$url/lab")" 302 403
  expect_code "GET /api/kernelspecs without the token" "$(http_code "$url/api/kernelspecs")" 403 401
  expect_code "GET /lab?token=..." "$(http_code "$url/lab?token=$token")" 200
  expect_code "GET /lab/tree/$nb?token=..." "$(http_code "$url/lab/tree/$nb?token=$token")" 200
  expect_code "GET /api/contents/$nb (the notebook, with the token)" \
    "$(http_code "$url/api/contents/$nb" -H "Authorization: token $token")" 200
  specs="$(http_get "$url/api/kernelspecs" -H "Authorization: token $token")"
  json_check "$specs" 'd["default"] == "gonb" and "gonb" in d["kernelspecs"]' ||
    die "/api/kernelspecs: want the gonb kernel as the default, got: ${specs:0:300}"
  ok "/api/kernelspecs: default kernel gonb, kernels: $(python3 -c 'import json, sys; print(" ".join(sorted(json.loads(sys.argv[1])["kernelspecs"])))' "$specs")"
  ! grep -qiE 'running as root' "$log" || die "JupyterLab runs as root (see $log)"
  # A Go kernel started through the REST API, as JupyterLab does when a notebook opens; stopping
  # the container must end it too.
  local kernel kid state
  t="$(now_s)"
  kernel="$(http_get "$url/api/kernels" -X POST -H "Authorization: token $token" -H 'Content-Type: application/json' -d '{"name": "gonb"}')"
  kid="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["id"])' "$kernel" 2>/dev/null)" ||
    die "POST /api/kernels {name: gonb}: ${kernel:0:300}"
  p=""
  for ((i = 0; i < 150; i++)); do p="$(ns_pid_of gonb)"; [ -z "$p" ] || break; sleep 0.2; done
  [ -n "$p" ] || die "no gonb process 30 s after starting a kernel (log: $log)"
  sleep 1
  state="$(http_get "$url/api/kernels/$kid" -H "Authorization: token $token" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("execution_state"))' 2>/dev/null || true)"
  [ -d "/proc/$p" ] && [ -n "$state" ] && [ "$state" != dead ] || die "the Go kernel died (state '$state'; log: $log)"
  ok "a Go kernel started via /api/kernels in $(elapsed "$t") s: gonb pid $p as uid $(stat -c %u "/proc/$p"), state $state"
  stop_bg "$pid" "JupyterLab (default command)"

  # mybinder.org keeps the ENTRYPOINT, runs `jupyter-notebook` with these arguments
  # (binderhub's BinderSpawnerMixin.get_args), then opens <base_url><urlpath>.
  local base="/user/speedup-test/" btoken
  btoken="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  log="$OUT/binder.log"
  mapfile -t argv < <(python3 -c 'import json, sys; [print(a) for a in json.loads(sys.argv[1]) or []]' "$entry")
  t="$(now_s)"
  start_bg "$log" "${argv[@]}" jupyter-notebook --ip=0.0.0.0 --port=8888 \
    "--NotebookApp.base_url=$base" "--NotebookApp.token=$btoken" --NotebookApp.trust_xheaders=True \
    "--NotebookApp.default_url=/lab/tree/$nb"
  pid="${BG_PIDS[-1]}"
  wait_for_log "$log" "http://127\.0\.0\.1:8888${base}" 90 "$pid"
  ok "jupyter-notebook with Binder's arguments up in $(elapsed "$t") s"
  expect_code "GET ${base}lab/tree/$nb?token=... (the launch link's urlpath)" \
    "$(http_code "$url${base}lab/tree/$nb?token=$btoken")" 200
  expect_code "GET ${base}lab/tree/$nb without the token" "$(http_code "$url${base}lab/tree/$nb")" 302 403
  expect_code "GET ${base}tree?token=... (Notebook 7 UI)" "$(http_code "$url${base}tree?token=$btoken")" 200
  specs="$(http_get "$url${base}api/kernelspecs" -H "Authorization: token $btoken")"
  json_check "$specs" 'd["default"] == "gonb"' || die "${base}api/kernelspecs: want gonb as the default, got: ${specs:0:300}"
  ok "${base}api/kernelspecs: default kernel gonb"
  stop_bg "$pid" "jupyter-notebook (Binder's way)"
  phase_done
}

say "${_B}image test${_N}: $IMAGE_REF from $ROOT/Dockerfile; phases: ${PHASES[*]}"
say "     $(buildah --version), storage driver $STORAGE_DRIVER, $(nproc) cores, $(df -h --output=avail /var/lib 2>/dev/null | tail -n1 | tr -d ' ') free in /var/lib"
for p in "${PHASES[@]}"; do
  case "$p" in inside | notebooks | lab) [ -n "$(ip netns list 2>/dev/null | grep -w "^$NETNS")" ] || netns_up ;; esac
  "phase_$p"
done

printf '\n%s==== image test passed%s (%s)\n' "$_G" "$_N" "$IMAGE_REF"
print_summary
{
  printf 'image test of %s (%s), %s\n' "$IMAGE_REF" "$(image_size "$IMAGE_REF")" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  print_summary
  [ ! -f "$OUT/notebooks/timings.txt" ] || { echo "notebooks inside the image:"; cat "$OUT/notebooks/timings.txt"; }
} >"$OUT/summary.txt"

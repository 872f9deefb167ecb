#!/usr/bin/env bash
# make image-test, first half — build the Dockerfile with buildah (no Docker engine needed).
# The second half, the checks of the built image, is tests/image (pytest; see its conftest.py).
#
#   base    the images the Dockerfile names (debian:bookworm-slim, golang:1.26-bookworm), made
#           locally when buildah's storage lacks them (no image registry needed): debootstrap for
#           Debian, this machine's Go toolchain for golang.
#   build   buildah bud --pull-never --isolation chroot -t $IMAGE_TAG . (log, time, size)
#
# Usage: scripts/image-build.sh [PHASE...]   PHASE: base build (default: both). The test phases
#        (inside notebooks lab) are accepted and left to tests/image, so that make image-test can
#        hand one PHASES list to both halves.
# Needs: root, buildah; debootstrap only to make the Debian base image.
# Writes build/image/: build.log, debootstrap.log, phases.tsv (phase, seconds, note: taken by the
# timing summary of tests/image, in build/image/summary.txt).
# Knobs (environment):
#   IMAGE_TAG=speedup:test      the image to build
#   IMAGE_BUILD_ARGS="..."      extra `buildah bud` arguments, e.g. "--build-arg NB_USER=binder"
#   IMAGE_TEST_LAYERS=1         buildah bud --layers (cache each step; 0: no cache)
#   IMAGE_TEST_PRUNE=1          after a build, remove earlier builds' dangling images
#   IMAGE_TEST_REBASE=1         remake the base images even if buildah has them
#   STORAGE_DRIVER=vfs          buildah storage driver (overlay is faster where it works)
#   DEBIAN_MIRROR=URL           mirror for debootstrap (default: the one this machine's apt uses)
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

IMAGE_REF="${IMAGE_TAG:-speedup:test}"
[[ "$IMAGE_REF" == */* ]] || IMAGE_REF="localhost/$IMAGE_REF"   # how buildah names a local image
STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
OUT="$BUILD/image"
read -r -a BUILD_ARGS <<<"${IMAGE_BUILD_ARGS:-}"
PHASES=("$@")
[ "$#" -gt 0 ] || PHASES=(base build)
for p in "${PHASES[@]}"; do
  case "$p" in base | build | inside | notebooks | lab) ;; *) die "unknown phase '$p' (phases: base build inside notebooks lab)" ;; esac
done
wants() { [[ " ${PHASES[*]} " == *" $1 "* ]]; }

bh() { buildah --storage-driver "$STORAGE_DRIVER" "$@"; }
have_image() { bh inspect --type image "$1" >/dev/null 2>&1; }
image_size() { bh images --noheading --format '{{.Name}}:{{.Tag}} {{.Size}}' | awk -v r="$1" '$1 == r { $1 = ""; print substr($0, 2); exit }'; }

tmp=""
cleanup() {
  local rc=$?
  [ -z "$tmp" ] || rm -rf "$tmp"
  [ ! -d "$OUT" ] || chown -R --reference="$ROOT" "$OUT"   # (under sudo: the repository owner's)
  [ "$rc" = 0 ] || printf '%s==== image build FAILED%s (exit status %d)\n' "$_R" "$_N" "$rc" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "run as root: buildah builds here with root privileges (CI runs as root), e.g. sudo make image-test"
command -v buildah >/dev/null || die "buildah is missing: apt-get install -y --no-install-recommends buildah debootstrap"
if wants inside || wants notebooks || wants lab; then   # fail now, not after a 10-minute build
  "$VENV/bin/python" -c 'import pytest, websocket' 2>/dev/null ||
    die "the image's checks (tests/image) run with .venv's pytest: run make setup first"
  command -v ip >/dev/null || die "ip is missing: apt-get install -y iproute2"
fi
mkdir -p "$OUT"
tmp="$(mktemp -d)"
: >"$OUT/phases.tsv"
say "${_B}image build${_N}: $IMAGE_REF; $(buildah --version), storage driver $STORAGE_DRIVER, $(nproc) cores, $(df -h --output=avail /var/lib | tail -n1 | tr -d ' ') free in /var/lib"

# qualify NAME: docker.io/library/NAME[:latest], as `docker pull NAME` names it.
qualify() {
  local ref="$1"
  [[ "$ref" == *:* ]] || ref="$ref:latest"
  case "$ref" in */*/*) echo "$ref" ;; */*) echo "docker.io/$ref" ;; *) echo "docker.io/library/$ref" ;; esac
}
# debian_mirror SUITE: the mirror this machine's apt uses for SUITE, else deb.debian.org.
debian_mirror() {
  local uri
  # shellcheck disable=SC2016 # (apt's own $(FIELD) placeholders)
  uri="$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null | awk -v s="$1" '$2 == s { print $1; exit }')"
  [ -n "$uri" ] || case "$1" in *-security) uri=http://deb.debian.org/debian-security ;; *) uri=http://deb.debian.org/debian ;; esac
  echo "${uri%/}"
}

# make_debian REF CODENAME: a debian:CODENAME-slim stand-in: debootstrap minbase, trimmed like the
# official slim images (scripts/image-base), apt pointed at this machine's mirror.
make_debian() {
  local ref="$1" codename="$2" mirror rootfs="$tmp/rootfs" t ctr cas=()
  command -v debootstrap >/dev/null || die "debootstrap is missing (needed to make $ref): apt-get install -y --no-install-recommends debootstrap"
  mirror="${DEBIAN_MIRROR:-$(debian_mirror "$codename")}"
  step "debootstrap --variant=minbase $codename from $mirror (log: build/image/debootstrap.log)"
  t="$(now_s)"
  debootstrap --variant=minbase "$codename" "$rootfs" "$mirror" >"$OUT/debootstrap.log" 2>&1 ||
    { tail -n 30 "$OUT/debootstrap.log" >&2; die "debootstrap failed (log: $OUT/debootstrap.log)"; }
  ok "debootstrap done ($(elapsed "$t") s, $(du -sh "$rootfs" | cut -f1))"
  cp -a scripts/image-base/etc/. "$rootfs/etc/"
  # (printf repeats its format: one deb822 stanza for the release and its updates, one for security)
  printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' \
    "$mirror" "$codename $codename-updates" "$(debian_mirror "$codename-security")" "$codename-security" >"$rootfs/etc/apt/sources.list.d/debian.sources"
  # This machine's own CAs (e.g. of a TLS-intercepting egress proxy): without them pip and `go
  # install` fail in RUN steps ("certificate verify failed"). None on an ordinary machine.
  mapfile -t cas < <(find /usr/local/share/ca-certificates -type f -name '*.crt' 2>/dev/null | sort)
  if [ "${#cas[@]}" -gt 0 ]; then
    mkdir -p "$rootfs/usr/local/share/ca-certificates"
    cp "${cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
    say "     with this machine's extra CA certificates: ${cas[*]##*/}"
  fi
  rm -f "$rootfs/etc/apt/sources.list" "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
  rm -rf "${rootfs:?}"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/log/* "$rootfs"/usr/share/{doc,man,info,locale}/* "${rootfs:?}"/tmp/* "${rootfs:?}"/dev/*
  tar -C "$rootfs" --numeric-owner -cf "$tmp/rootfs.tar" . && rm -rf "$rootfs"
  ctr="$(bh from scratch)"
  bh add "$ctr" "$tmp/rootfs.tar" / >/dev/null
  bh config --cmd bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
  bh commit --quiet --rm "$ctr" "$ref" >/dev/null
  rm -f "$tmp/rootfs.tar"
  ok "made $ref ($(image_size "$ref"))"
}

# make_golang REF VERSION CODENAME: a golang:VERSION-CODENAME stand-in: this machine's Go toolchain
# in /usr/local/go on debian:CODENAME-slim (the Dockerfile copies only /usr/local/go).
make_golang() {
  local ref="$1" want="$2" base goroot have ctr
  base="$(qualify "debian:$3-slim")"
  command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH="$PATH:/usr/local/go/bin"   # (sudo's secure_path)
  command -v go >/dev/null || die "go is not on PATH: it is needed to make $ref"
  goroot="$(GOTOOLCHAIN=local go env GOROOT)"
  have="$(GOTOOLCHAIN=local go env GOVERSION)" && have="${have#go}"
  [[ "$have" == "$want" || "$have" == "$want".* ]] || die "$ref needs Go $want, but this machine's Go is $have ($goroot)"
  ensure_image "$base"
  step "making $ref from this machine's Go $have ($goroot)"
  ctr="$(bh from --pull-never "$base")"
  bh copy "$ctr" "$goroot" /usr/local/go >/dev/null
  bh config --env GOLANG_VERSION="$have" --env GOTOOLCHAIN=local --env GOPATH=/go --workingdir /go \
    --env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
  bh commit --quiet --rm "$ctr" "$ref" >/dev/null
  ok "made $ref ($(image_size "$ref"))"
}

MADE=" "   # base images seen or made by this run
ensure_image() {
  local ref="$1" tag="${1##*:}" name="${1##*/}"
  [[ "$MADE" != *" $ref "* ]] || return 0
  MADE+="$ref "
  if have_image "$ref" && [ "${IMAGE_TEST_REBASE:-0}" != 1 ]; then ok "$ref already in buildah's storage ($(image_size "$ref"))"; return; fi
  case "${name%%:*}:$tag" in
    debian:*-slim) make_debian "$ref" "${tag%-slim}" ;;
    golang:*-*) make_golang "$ref" "${tag%%-*}" "${tag#*-}" ;;
    *) die "the Dockerfile names $ref, which this script cannot make locally (only debian:*-slim and golang:*-*)" ;;
  esac
}

# phase NAME SECONDS NOTE: one line of build/image/phases.tsv and of the output.
phase() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$OUT/phases.tsv"; ok "$1: $3 ($2 s)"; }

if wants base; then
  step "base images named by the Dockerfile (FROM lines and the GO_IMAGE default), made locally if missing"
  t="$(now_s)"
  sed -nE 's/^ARG[[:space:]]+GO_IMAGE=([^[:space:]]+).*/\1/p; s/^FROM[[:space:]]+([^$[:space:]][^[:space:]]*).*/\1/p' Dockerfile >"$tmp/bases"
  while IFS= read -r img; do ensure_image "$(qualify "$img")"; done <"$tmp/bases"
  phase base "$(elapsed "$t")" "$(xargs <"$tmp/bases")"
fi

if wants build; then
  step "buildah bud --pull-never --isolation chroot -t $IMAGE_REF . (log: build/image/build.log)"
  containers() { bh containers --all --noheading --format '{{.ContainerName}}' | grep -- '-working-container' | sort || true; }
  containers >"$tmp/before"
  layers=--layers
  [ "${IMAGE_TEST_LAYERS:-1}" = 1 ] || layers=--layers=false
  t="$(now_s)" rc=0
  bh bud --pull-never --isolation chroot "$layers" --force-rm "${BUILD_ARGS[@]}" -t "$IMAGE_REF" -f Dockerfile . \
    > >(tee "$OUT/build.log") 2>&1 || rc=$?
  seconds="$(elapsed "$t")"
  # buildah keeps the working container of a stage used only by COPY --from (and of a failed step);
  # only those go (by name, not another session's containers).
  comm -13 "$tmp/before" <(containers) | xargs -r buildah --storage-driver "$STORAGE_DRIVER" rm >/dev/null 2>&1 || true
  [ "$rc" = 0 ] || die "buildah bud failed (exit status $rc) after $seconds s; log: $OUT/build.log"
  if [ "${IMAGE_TEST_PRUNE:-1}" = 1 ]; then   # earlier builds' images, untagged now (this one's layers are the cache)
    ok "removed $(bh rmi --prune 2>/dev/null | grep -c . || true) dangling image(s) of earlier builds"
  fi
  phase build "$seconds" "$IMAGE_REF, $(image_size "$IMAGE_REF")"
fi

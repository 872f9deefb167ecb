# speedup — JupyterLab with the GoNB (Go) kernel and the notebooks, Binder-style.
#
#   docker build -t speedup .
#   docker run --rm -p 8888:8888 speedup        # then open the http://127.0.0.1:8888/lab?token=... URL it prints
#
# With Spark for notebook 07 (off by default: the image grows from 1.19 GB to 2.42 GB, with a Java
# runtime, pyspark and the Spark Connect Go client's modules and build cache):
#   docker build --build-arg WITH_SPARK=true -t speedup-spark .
#   then, in a JupyterLab terminal: bash scripts/spark.sh start   (no `make` in the image)
# Without it, notebook 07 says how to start a server and cannot compile its Spark cells offline.
#
# Also builds unchanged on mybinder.org, which passes --build-arg NB_USER=... --build-arg NB_UID=...
# and starts `jupyter notebook --ip=0.0.0.0 ...` (or `jupyter lab`) in $HOME.
#
# What is where (all but /usr/local/go owned by the non-root user, so `pip install` and `go get`
# work from a notebook):
#   $HOME (/home/jovyan)   this repository; JupyterLab opens here, notebooks in notebooks/
#   /opt/venv              Python venv: requirements.txt (JupyterLab, nbclient, pytest, ...) + notebook
#   /opt/venv/share/jupyter/kernels/gonb   the "Go (gonb)" kernelspec (what scripts/setup.sh writes)
#   /opt/gopath/bin        gonb and goimports (go.mod `tool` lines), gopls (completion), and
#                          speedup-kernel (cmd/speedup-kernel), which the kernelspec runs gonb under
#   /opt/gopath/pkg/mod    every Go module the notebooks need (and the checksum database's answers
#                          about them): the notebooks run with no network
#   /opt/gocache           Go build cache, warmed with the repository's packages
#   /usr/local/go          the Go toolchain, from the official golang image
#   $HOME/.spark/venv      pyspark (the Spark Connect server), only with WITH_SPARK=true
#
# Network: the notebooks need none after the build (proved by make image-test, which runs
# them with GOPROXY=off and no network). GOPROXY keeps Go's default, so `go get` in a cell still
# works where there is a network (mybinder.org has one).
#
# Few layers on purpose (each RUN/COPY is one): system packages + user, the Go toolchain, the
# Python and Go dependencies (cached while requirements.txt/go.mod/go.sum do not change), the
# repository, the warm build cache.

ARG GO_IMAGE=golang:1.26-bookworm
FROM ${GO_IMAGE} AS golang

FROM debian:bookworm-slim

ARG NB_USER=jovyan
ARG NB_UID=1000
ARG GOPLS_VERSION=v0.21.1
# notebook: `jupyter notebook`, which mybinder.org starts (a 7.6.x matches jupyterlab 4.6.x)
ARG NOTEBOOK_VERSION=7.6.5
# true: Java 17, pyspark and the Spark Connect Go client for notebook 07 (+~1.3 GB)
ARG WITH_SPARK=false

ENV NB_USER=${NB_USER} \
    NB_UID=${NB_UID} \
    USER=${NB_USER} \
    HOME=/home/${NB_USER} \
    SHELL=/bin/bash \
    LANG=C.UTF-8 \
    VIRTUAL_ENV=/opt/venv \
    GOPATH=/opt/gopath \
    GOCACHE=/opt/gocache \
    GOTOOLCHAIN=local \
    CGO_ENABLED=0 \
    PATH=/opt/venv/bin:/opt/gopath/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# System packages (python3 3.11 + venv, CA certificates for `go get`/pip, tini to reap the
# kernels' orphans; with WITH_SPARK=true a Java 17 runtime for Spark, whose post-install script
# needs the man folder a slim image lacks), the user, and the /opt folders owned by the user.
RUN set -eux; \
    apt-get update; \
    java=""; if [ "${WITH_SPARK}" = true ]; then \
        java=openjdk-17-jre-headless; \
        mkdir -p /usr/share/man/man1; \
    fi; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates python3 python3-venv tini $java; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --gid "${NB_UID}" "${NB_USER}"; \
    useradd --uid "${NB_UID}" --gid "${NB_UID}" --create-home --shell /bin/bash \
        --comment "Default user" "${NB_USER}"; \
    install -d -o "${NB_UID}" -g "${NB_UID}" /opt/venv /opt/gopath /opt/gocache

COPY --from=golang /usr/local/go /usr/local/go

USER ${NB_UID}
WORKDIR ${HOME}

# Dependencies, as the user, from the files that pin them only (so this layer is reused while
# they do not change): the venv, the GoNB kernel + goimports (go.mod `tool` directives, the same
# `go install tool` as scripts/setup.sh), gopls (its sources, ~150 MB, in a throw-away module
# cache: only the binary is needed), every module go.mod needs, the kernelspec (what
# scripts/setup.sh writes: gonb run by speedup-kernel, which the next layers build from the
# repository, interrupts as SIGINT) and a Jupyter server setting that makes new notebooks use Go.
# The build cache of these installs is dropped; the last step warms it with what notebooks use.
COPY --chown=${NB_UID}:${NB_UID} requirements.txt go.mod go.sum ${HOME}/
RUN set -eux; \
    python3 -m venv /opt/venv; \
    pip install --no-cache-dir --disable-pip-version-check --quiet \
        -r requirements.txt "notebook==${NOTEBOOK_VERSION}"; \
    go install tool; \
    GOMODCACHE=/tmp/gopls-mod go install "golang.org/x/tools/gopls@${GOPLS_VERSION}"; \
    GOMODCACHE=/tmp/gopls-mod go clean -modcache; \
    go mod download; \
    go clean -cache; \
    kernel_dir=/opt/venv/share/jupyter/kernels/gonb; \
    mkdir -p "$kernel_dir"; \
    python3 -c 'import json, sys; print(json.dumps({ \
        "argv": ["/opt/gopath/bin/speedup-kernel", "--gonb", "/opt/gopath/bin/gonb", "--", \
                 "--kernel", "{connection_file}", "--logtostderr"], \
        "display_name": "Go (gonb)", "language": "go", "interrupt_mode": "signal", \
        "env": {"PATH": "/opt/gopath/bin:/usr/local/go/bin:${PATH}"}}, indent=2))' \
        > "$kernel_dir/kernel.json"; \
    install -m 644 "$(go list -m -f '{{.Dir}}' github.com/janpfeifer/gonb)/internal/kernel/Go_gopher_favicon.svg" \
        "$kernel_dir/logo-svg.svg"; \
    echo '{"MappingKernelManager": {"default_kernel_name": "gonb"}}' \
        > /opt/venv/etc/jupyter/jupyter_server_config.json; \
    jupyter kernelspec list | grep -E '^ *gonb +/opt/venv/share/jupyter/kernels/gonb$'; \
    gonb -V

# The repository, in the user's home (mybinder.org's rule: the repo in $HOME, owned by the user).
COPY --chown=${NB_UID}:${NB_UID} . ${HOME}/

# Do once what a notebook's first cells make GoNB do (scripts/modules.sh, as `make setup` does),
# so that a notebook needs no network and its first cell compiles in seconds: GoNB builds each
# cell in a temporary module that requires this repository and runs `go get` there, which needs
# every module and checksum in the module cache; the build cache gets every package compiled.
# speedup-kernel, which the kernelspec names, is built here from the repository.
RUN set -eux; \
    bash scripts/modules.sh; \
    go install ./cmd/speedup-kernel; \
    test -x /opt/gopath/bin/speedup-kernel; \
    du -sh /opt/gopath/pkg/mod /opt/gocache

# Spark for notebook 07, only with WITH_SPARK=true: what `make spark-install` does (pyspark into
# $HOME/.spark/venv, the spark/ module's dependencies downloaded and built), so that
# `bash scripts/spark.sh start` needs no network.
RUN set -eux; \
    if [ "${WITH_SPARK}" = true ]; then \
        PIP_NO_CACHE_DIR=1 bash scripts/spark.sh install; \
        du -sh "$HOME/.spark" /opt/gopath/pkg/mod /opt/gocache; \
    fi

EXPOSE 8888
# tini passes signals on (-g: to the whole process group), so `docker stop` and Ctrl-C end
# JupyterLab and its kernels cleanly, and reaps orphans (speedup-kernel's guardian, should
# JupyterLab be killed: it then ends its kernel and everything below it before exiting);
# -s: it also reaps when it is not PID 1 (docker run --init, buildah run).
ENTRYPOINT ["tini", "-s", "-g", "--"]
# Token authentication stays on: open the URL with ?token=... that JupyterLab prints.
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser"]

# The two commands a reader needs:
#   make lab    set up whatever is missing, then open JupyterLab on notebooks/
#   make test   set up, then gofmt, go vet, go test, the headless notebook tests and the browser
#               tests (what CI runs; the browser tests need Chromium: apt-get install chromium)
#
# Extra arguments: make lab ARGS="--no-browser --port 9999"
#                  make test-notebooks ARGS="-k toast -x"        (passed to pytest)
#                  make test-browser ARGS="--test-name-pattern=toast" (passed to node --test)
# The Docker/Binder image: make image-test (as root, buildah; what CI runs after make test)
#                  make image-test PHASES="notebooks lab" ARGS="-x"   (phases: base build inside
#                  notebooks lab; ARGS passed to pytest tests/image)
# Spark (notebook 07): make spark (install what is missing, start a local Spark Connect server),
#                  make spark-stop, make spark-status, make spark-install (install only)
# Benchmarks:      make bench (Go beside the talk's Python, one table of Go ÷ Python)
# Another Python:  make setup PYTHON=python3.12

SHELL := /bin/bash
ARGS ?=
PHASES ?= base build inside notebooks lab
export PYTHON ?= python3

.PHONY: help setup lab test test-go test-notebooks test-browser image-test bench spark spark-install spark-stop spark-status clean

help:
	@echo "make lab             set up (if needed) and open JupyterLab on notebooks/ (ARGS=... for jupyter lab)"
	@echo "make test            set up, then every test: gofmt, go vet, go test, notebook tests, browser tests (what CI runs)"
	@echo "make test-go         only gofmt, go vet and go test"
	@echo "make test-notebooks  only the headless notebook tests (ARGS=... for pytest)"
	@echo "make test-browser    only the browser tests: notebooks in JupyterLab in Chromium, HTML exports (ARGS=... for node --test)"
	@echo "make image-test      build the Dockerfile with buildah, then check the image: notebooks inside it, JupyterLab, Binder (root; PHASES=...)"
	@echo "make bench           the benchmarks, side by side with the talk's Python: one table of Go ÷ Python (a few minutes)"
	@echo "make setup           install the kernel, tools and Python venv into .tools/ and .venv/"
	@echo "make spark           for notebook 07: install what is missing (pyspark in .spark/venv, the Go client) and start a local Spark Connect server"
	@echo "make spark-stop      stop that server (no JVM left behind); make spark-status: is it running?"
	@echo "make clean           stop the Spark server if it runs, remove .venv/, .tools/, .spark/ and build/"

setup:
	@bash scripts/setup.sh

lab:
	@bash scripts/lab.sh $(ARGS)

test:
	@bash scripts/test.sh all $(ARGS)

test-go:
	@bash scripts/test.sh go $(ARGS)

test-notebooks:
	@bash scripts/test.sh notebooks $(ARGS)

test-browser:
	@bash scripts/test.sh browser $(ARGS)

# First the image (scripts/image-build.sh: phases base, build), then its checks (tests/image:
# phases inside, notebooks, lab) with .venv's pytest; timings in build/image/summary.txt.
image-test:
	@bash scripts/image-build.sh $(PHASES)
	@$(if $(filter inside notebooks lab,$(PHASES)),IMAGE_TEST_PHASES="$(PHASES)" PYTHONDONTWRITEBYTECODE=1 \
		.venv/bin/python -m pytest tests/image $(ARGS))

bench:
	@bash scripts/bench.sh $(ARGS)

spark:
	@bash scripts/spark.sh start

spark-install:
	@bash scripts/spark.sh install

spark-stop:
	@bash scripts/spark.sh stop

spark-status:
	@bash scripts/spark.sh status

clean:
	@if [ -f build/spark/server.pid ]; then bash scripts/spark.sh stop; fi
	rm -rf .venv .tools .spark build

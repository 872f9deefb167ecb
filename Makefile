# The two commands a reader needs:
#   make lab    set up whatever is missing, then open JupyterLab on notebooks/
#   make test   set up, then gofmt, go vet, go test and the headless notebook tests (what CI runs)
#
# Extra arguments: make lab ARGS="--no-browser --port 9999"
#                  make test-notebooks ARGS="-k toast -x"        (passed to pytest)
# Another Python:  make setup PYTHON=python3.12

SHELL := /bin/bash
ARGS ?=
export PYTHON ?= python3

.PHONY: help setup lab test test-go test-notebooks clean

help:
	@echo "make lab             set up (if needed) and open JupyterLab on notebooks/ (ARGS=... for jupyter lab)"
	@echo "make test            set up, then every test: gofmt, go vet, go test, notebook tests (what CI runs)"
	@echo "make test-go         only gofmt, go vet and go test"
	@echo "make test-notebooks  only the headless notebook tests (ARGS=... for pytest)"
	@echo "make setup           install the kernel, tools and Python venv into .tools/ and .venv/"
	@echo "make clean           remove .venv/, .tools/ and build/"

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

clean:
	rm -rf .venv .tools build

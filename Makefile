# Developer entry points for backupgate.veeam_em. tox.ini declares the supported
# ansible-core x Python cells and builds their venvs; the logic lives in hacking/*.sh;
# everything generated goes to .build/ (see README.md, "Development").
#
# CELL picks the cell of tox.ini the targets run in (default core219-py311), e.g.
#   make units CELL=core216-py311
#
# ARGS is passed to the underlying tool, e.g.
#   make units ARGS=tests/unit/plugins/modules/test_veeam_nas_session_info.py
#   make sanity ARGS='--test pylint plugins/modules/veeam_nas_session_info.py'
#   make integration ARGS=veeam_nas_session_info
#   make demo ARGS=-v

SHELL := /bin/bash
ARGS ?=
CELL ?= core219-py311
export CELL
ANSIBLE_TEST := hacking/ansible-test.sh

.DEFAULT_GOAL := help
.PHONY: help venv sanity units integration lint docs-check docs changelog build ee-check test test-cell test-matrix demo bench test-properties clean

help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: ## Create or update the venv of CELL with tox (.build/tox/CELL)
	@hacking/matrix.sh -e $(CELL) --notest

sanity: ## ansible-test sanity --local (in CELL)
	@$(ANSIBLE_TEST) sanity --local $(ARGS)

units: ## ansible-test units in a venv with tests/unit/requirements.txt (in CELL)
	@$(ANSIBLE_TEST) units --venv $(ARGS)

integration: ## ansible-test integration --local (all targets, in two parallel shards)
	@hacking/integration.sh $(ARGS)

lint: ## ansible-lint, production profile
	@hacking/lint.sh $(ARGS)

docs-check: ## antsibull-docs lint of plugin and role docs and of the guides in docs/docsite
	@hacking/docs-check.sh

docs: ## HTML docsite with antsibull-docs into .build/docs/build/html (open index.html)
	@hacking/docs.sh

changelog: ## Release notes of the galaxy.yml version: fragments into CHANGELOG.md (antsibull-changelog release)
	@hacking/with-venv.sh antsibull-changelog release --reload-plugins $(ARGS)

build: ## Build the tarball into .build/dist, install it, ansible-doc every plugin and role and call a module from it
	@hacking/build.sh

ee-check: ## ansible-builder create: execution environment build context with this collection, checked
	@hacking/ee-check.sh

test: ## The default cell's sanity + units + integration, then lint + docs-check + docs + build + ee-check, timed
	@CELL=core219-py311 hacking/test-all.sh

test-cell: ## One cell of tox.ini: sanity + units + integration (make test-cell CELL=core216-py311)
	@hacking/matrix.sh -e $(CELL) $(if $(ARGS),-- $(ARGS))

test-matrix: ## Every cell of tox.ini in turn, with tox's summary (a missing Python fails loudly)
	@hacking/matrix.sh

demo: ## Run playbooks/demo.yml against the EM simulator
	@hacking/demo.sh $(ARGS)

bench: ## Benchmark vs the do-it-yourself way (tests/bench/bench.py; ARGS=--help)
	@if [ -f tests/bench/bench.py ]; then \
		hacking/with-venv.sh python tests/bench/bench.py $(ARGS); \
	else \
		echo "no benchmark yet: add tests/bench/bench.py"; \
	fi

test-properties: ## Property-based tests with the long hypothesis profile (2,000 examples each)
	@HYPOTHESIS_PROFILE=long hacking/with-venv.sh sh -c 'PYTHONPATH="$$ANSIBLE_COLLECTIONS_PATH" python -m pytest -q -p no:cacheprovider tests/unit/plugins/modules/test_properties.py $(ARGS)'

clean: ## Remove .build/, .ansible/ and tests/output/
	rm -rf .build .ansible tests/output

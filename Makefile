# Developer entry points for backupgate.veeam_em. The logic lives in hacking/*.sh;
# everything generated goes to .build/ (see README.md, "Development").
#
# ARGS is passed to the underlying tool, e.g.
#   make units ARGS=tests/unit/plugins/modules/test_veeam_nas_session_info.py
#   make sanity ARGS='--test pylint plugins/modules/veeam_nas_session_info.py'
#   make integration ARGS=veeam_nas_session_info
#   make demo ARGS=-v

SHELL := /bin/bash
PYTHON_VERSION ?= 3.11
export PYTHON_VERSION
ARGS ?=
ANSIBLE_TEST := hacking/ansible-test.sh

.DEFAULT_GOAL := help
.PHONY: help venv sanity units integration lint docs-check build ee-check test demo bench test-properties clean

help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: ## Create or reuse .build/venv (pins: hacking/requirements-dev.txt)
	@hacking/venv.sh

sanity: ## ansible-test sanity --local --python 3.11
	@$(ANSIBLE_TEST) sanity --local --python $(PYTHON_VERSION) $(ARGS)

units: ## ansible-test units in a venv with tests/unit/requirements.txt
	@$(ANSIBLE_TEST) units --venv --python $(PYTHON_VERSION) $(ARGS)

integration: ## ansible-test integration --local (all targets, in two parallel shards)
	@hacking/integration.sh $(ARGS)

lint: ## ansible-lint, production profile
	@hacking/lint.sh $(ARGS)

docs-check: ## antsibull-docs lint of plugin and role docs
	@hacking/docs-check.sh

build: ## Build the tarball into .build/dist, install it, ansible-doc every plugin and role and call a module from it
	@hacking/build.sh

ee-check: ## ansible-builder create: execution environment build context with this collection, checked
	@hacking/ee-check.sh

test: ## sanity + units + integration + lint + docs-check + build, with a timing summary
	@hacking/test-all.sh

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

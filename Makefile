# Children's placement sufficiency analysis: the only entry points a newcomer needs.
# `make help` lists them. Everything runs in a project virtual environment (.venv)
# made with python3 -m venv, so a machine with only python3 is enough.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
KERNEL      := sufficiency
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup test render lab clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(STAMP) ## Create .venv and install the package with its dev extras (quick when nothing changed)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (sufficiency)" >/dev/null
	-test -d .git && $(BIN)/nbstripout --install --attributes .gitattributes
	touch $(STAMP)

test: setup ## Run the test suite (unit, integration, notebook, end-to-end)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

render: setup ## Render every chapter for the demo authorities into rendered/
	$(BIN)/sufficiency render

lab: setup ## Open JupyterLab with the project kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

clean: ## Remove rendered output, generated demo data and caches (keeps .venv)
	rm -rf rendered/* data/demo/generated .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	touch rendered/.gitkeep

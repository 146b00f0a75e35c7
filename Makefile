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
.PHONY: help setup system-packages test render lab clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: system-packages $(STAMP) ## Create .venv and install the package with its dev extras (quick when nothing changed)

# The statement's PDF is made by WeasyPrint, which needs Pango, HarfBuzz's subsetter and a
# font from the system (Debian names below). Installed when missing and we are root with
# apt-get; otherwise this says what to install. The PDF test fails until they are there.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
PDF_LIBS_OK  := $(PYTHON) -c "import ctypes; [ctypes.CDLL(n) for n in ('libpango-1.0.so.0', 'libpangoft2-1.0.so.0', 'libharfbuzz-subset.so.0')]"
PDF_FONT     := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

system-packages: ## Install the system packages the statement PDF needs, when missing (as root, Debian)
	@if $(PDF_LIBS_OK) 2>/dev/null && test -e $(PDF_FONT); then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing $(PDF_PACKAGES) for the statement PDF"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(PDF_PACKAGES)) >/dev/null \
	    || echo "could not install $(PDF_PACKAGES): statement PDFs cannot be made until they are installed"; \
	else echo "statement PDFs need the system packages $(PDF_PACKAGES) (Debian names): install them, e.g. sudo apt-get install $(PDF_PACKAGES)"; fi

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

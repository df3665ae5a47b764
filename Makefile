# The one task runner. `make demo` and `make test` work on a fresh machine: they create .venv and
# install everything (torch's CPU wheel first, or camel-tools pulls a multi-GB CUDA build).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: install demo test lint typecheck unit browser bench ner-train ner-data yasgui clean

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m ipykernel install --prefix $(VENV) --name kg --display-name "kg (.venv)" >/dev/null
	touch $@

# Headless Chromium (and a font with Arabic glyphs) for the browser tests of the HTML view.
# Installed with apt when run as root; elsewhere those tests skip and say why.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	else echo "note: chromium not installed (needs root/apt); browser tests will be skipped"; fi

NOTEBOOK_STAMP := $(VENV)/.notebook

# The seed built into $(OUT), and JupyterLab for the README's notebook command.
demo: $(STAMP) $(NOTEBOOK_STAMP)
	$(VENV)/bin/kg build seeds --out $(OUT)

$(NOTEBOOK_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev,notebook]'
	touch $@

lint: $(STAMP)
	$(VENV)/bin/ruff check kg training tests benchmarks
	$(VENV)/bin/ruff format --check kg training tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP) browser
	$(VENV)/bin/pytest

test: lint typecheck unit

bench: $(STAMP)
	$(PY) benchmarks/ner.py
	$(PY) benchmarks/view.py

ner-train: $(STAMP)
	$(VENV)/bin/kg ner train

# Rebuild the NER data derived from PyPI packages: the frequency list (wordfreq) and the name
# lists (files read from three wheels, installed without their run-time dependencies).
ner-data: $(STAMP)
	$(PY) -m pip install --quiet wordfreq
	$(PY) -m pip install --quiet --no-deps arabic-name-romanizer==0.2.0 arwikicats==0.2.3 arabnamer==0.1.3
	$(PY) -m training.frequency
	$(PY) -m training.namelists
	$(PY) -m training.english

# Refresh the SPARQL editor bundled for kg serve's query page from npm (the files are committed:
# nothing is fetched at run time). Source maps are left out: the page never loads them.
YASGUI_VERSION ?= 4.6.2
yasgui:
	@tmp=$$(mktemp -d) && cd $$tmp && npm install --silent --no-audit --no-fund --ignore-scripts \
		@zazuko/yasgui@$(YASGUI_VERSION) && cd - >/dev/null && \
	sed '/sourceMappingURL/d' $$tmp/node_modules/@zazuko/yasgui/build/yasgui.min.js > kg/data/sparql/yasgui.min.js && \
	cp $$tmp/node_modules/@zazuko/yasgui/build/yasgui.min.css kg/data/sparql/yasgui.min.css && \
	rm -rf $$tmp

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache

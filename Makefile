# Everything runs in .venv at the repository root, created on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install cli test fuzz demo readme-table notebooks bench corpus clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -e ".[dev]"
	touch $(STAMP)

# The real Pulumi engine (pkg/v3 at the version tools/pulumi-engine/go.mod pins), built once from the
# Go module proxy into .cache/pulumi-engine/ (about 8.5 minutes cold, seconds afterwards).
cli:
	@scripts/build-engine >/dev/null

# Everything, the engine agreement suite (marker e2e) included. loadgroup: a module marked with one
# xdist_group (tests/e2e/test_org_policy.py: one service, one published pack) runs on one worker.
# The pack and the stand-ins start a few hundred times; their bytecode is compiled once first (where
# PYTHONDONTWRITEBYTECODE is set, every start would compile them again).
test: $(STAMP) cli
	@$(PY) -m compileall -q policy-pack/appflow_guard tests/e2e/standins
	$(PY) -m pytest -n 2 --dist loadgroup

# The hardening property tests with the long profile (>= 100,000 cases); prints cases, failures, time.
fuzz: $(STAMP)
	$(PY) scripts/fuzz

# A pass and a blocked preview, with the reasons; exit 1 of the second check is the expected verdict.
demo: $(STAMP)
	@echo "== appflow-guard check examples/compliant-salesforce-to-s3"
	@$(VENV)/bin/appflow-guard check examples/compliant-salesforce-to-s3
	@echo
	@echo "== appflow-guard check examples/aws-managed-keys"
	@$(VENV)/bin/appflow-guard check examples/aws-managed-keys; status=$$?; \
	  if [ $$status -eq 1 ]; then echo "(exit 1: the preview would be blocked)"; else exit $$status; fi

readme-table: $(STAMP)
	$(PY) -m appflow_guard.catalog --write README.md

# Executes every guide in notebooks/ into build/notebooks/ and renders an HTML copy of each there
# (with this checkout's appflow_guard, whichever is installed).
notebooks: $(STAMP)
	@mkdir -p build/notebooks
	@for notebook in notebooks/*.ipynb; do \
	  echo "== $$notebook"; \
	  PYTHONPATH="$(CURDIR)/policy-pack$${PYTHONPATH:+:$$PYTHONPATH}" $(VENV)/bin/papermill --cwd notebooks --kernel python3 --no-progress-bar \
	    "$$notebook" "build/notebooks/$$(basename $$notebook)" || exit 1; \
	done
	$(VENV)/bin/jupyter nbconvert --to html --output-dir build/notebooks build/notebooks/*.ipynb

# After editing a guide's text form (notebooks/NAME.py, jupytext percent), or the notebook in Jupyter:
# brings the other file of each pair up to date (the newer one wins).
.PHONY: guides-sync
guides-sync: $(STAMP)
	$(VENV)/bin/jupytext --sync notebooks/*.py

# Start-up, throughput, memory, the control pack, checker vs checkov, notebooks, and with the real
# engine (bench/engine.py): the published tarball, a fresh runner's first preview, what the pack adds
# to `pulumi preview`: build/bench.json. checkov goes into its own throwaway build/checkov-venv, never
# into .venv. Takes about 15 minutes on an idle 2-core machine (--no-engine: 5 fewer).
bench: $(STAMP)
	$(PY) -m bench

# The checker on public Pulumi Python programs nobody here wrote (scripts/corpus/programs.txt), in preview
# and update; SOURCES is the folder holding their repositories' checkouts. A measurement, not a test.
corpus: $(STAMP)
	@test -n "$(SOURCES)" || { echo "usage: make corpus SOURCES=DIR (DIR/pulumi/examples, DIR/pulumi/templates; see scripts/corpus/programs.txt)"; exit 2; }
	$(PY) scripts/corpus/run.py $(SOURCES)

clean:
	rm -rf build .pytest_cache

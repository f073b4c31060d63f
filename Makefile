# Relais: `make demo` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

SYSTEM_PACKAGES := gettext chromium libreoffice-calc-nogui gir1.2-ical-3.0 python3-gi

.PHONY: demo test venv messages system-deps lint serve clean-demo bench

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

# Installs what the tests need from Debian's packages, once; nothing when all are present.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

messages: $(STAMP)
	@command -v msgfmt >/dev/null 2>&1 || $(MAKE) system-deps
	$(PY) manage.py compilemessages --ignore=.venv -v0

demo: $(STAMP) messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo --scale full
	$(PY) manage.py plan_term --demo --time-limit 30 --publish --accept-warnings
	$(PY) manage.py demo_changes
	@echo "Relais runs at http://$(HOST)/ (demo logins on the sign-in page). Ctrl-C stops it."
	$(PY) manage.py db_worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

test: system-deps $(STAMP) messages
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Quick settings so the benchmarks finish in a few minutes; run a script alone for the full sizes.
bench: $(STAMP)
	$(PY) benchmarks/solver_bench.py --sizes small,medium --dense 0 --time-limit 30
	$(PY) benchmarks/explain_bench.py --sizes medium,large
	$(PY) benchmarks/feeds_bench.py
	$(PY) benchmarks/export_bench.py --rows 10000 --repeat 1
	$(PY) benchmarks/evaluation_bench.py --cycles 15,150 --repeat 1
	$(PY) benchmarks/gate_bench.py --cycles 15,150 --repeat 1
	$(PY) benchmarks/records_bench.py --people 100,1000 --repeat 1
	$(PY) benchmarks/import_bench.py --rows 100,1000 --repeat 1
	$(PY) benchmarks/answers_bench.py --repeat 1

# Two commands do everything on a fresh Debian machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PYTEST := $(PY) -m pytest
export NO_PROXY := 127.0.0.1,localhost
export no_proxy := 127.0.0.1,localhost

.PHONY: install install-dev assets migrate demo run test lint test-sqlite test-postgres system-deps \
        bench clean messages

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The NHS.UK frontend files are copied from npm at setup and never committed.
static/vendor/nhsuk/.copied: node_modules/.installed
	rm -rf static/vendor/nhsuk && mkdir -p static/vendor/nhsuk
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css \
	      node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js \
	      node_modules/nhsuk-frontend/dist/nhsuk/assets static/vendor/nhsuk/
	touch $@

# The interface languages' catalogues (issue 23) are compiled here, never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

%.mo: %.po | $(VENV)/.runtime
	$(VENV)/bin/pybabel compile -i $< -o $@

install: $(VENV)/.runtime static/vendor/nhsuk/.copied $(MO_FILES)
install-dev: $(VENV)/.dev static/vendor/nhsuk/.copied $(MO_FILES)

# After changing resident-facing text: extract it again and merge it into each catalogue, then
# translate what `make messages` marks new (tests/test_translations.py fails until done).
messages: install-dev
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ --no-location \
	  --sort-output -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations \
	  -w 100 --ignore-obsolete

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo-data

run: demo
	tools/run-dev.sh

system-deps:
	tools/system-deps.sh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Two workers, one a core; worksteal evens out the long tests (crash runs, browser journeys).
# The slowest tests are listed at the end of each run, to see where the time goes.
XDIST := -n 2 --dist worksteal --durations=30 --durations-min=5

# Both runs have a throwaway Redis (TEST_REDIS_URL) for the Redis hit store, shared rate limits
# and the several-web-servers topology test (which needs PostgreSQL too).
test-sqlite: install-dev
	tools/with-redis.sh $(PYTEST) -q $(XDIST)

test-postgres: install-dev
	tools/with-postgres.sh tools/with-redis.sh $(PYTEST) -q $(XDIST)

# The two runs go side by side: each keeps its two workers about half busy (they wait on
# PostgreSQL, Chromium and the crash tests' child processes), so together they fill the cores.
# --output-sync prints each run's report whole when it ends.
test: system-deps install-dev lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: install-dev
	@for script in bench/bench_*.py; do \
	  [ -e "$$script" ] || continue; \
	  name=$$(basename $$script .py); $(MAKE) --no-print-directory bench-$${name#bench_} || exit 1; \
	done

# Each benchmark runs on SQLite and, through a throwaway cluster, on PostgreSQL (and Redis).
bench-%: system-deps install-dev
	tools/with-postgres.sh tools/with-redis.sh $(PY) bench/bench_$*.py

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache translations/*/LC_MESSAGES/*.mo

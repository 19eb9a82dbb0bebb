# The two commands a newcomer needs: `make run` (set up and serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# Parallel test workers (pytest-xdist): one per core by default.
TEST_WORKERS ?= auto

.PHONY: install setup run test contract client lint format migrations-check load demo worker beat browsers clean backup restore bench mutation

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# A local .env with DEBUG on and a fresh random SECRET_KEY; never committed.
.env: | $(PY)
	@printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env (DEBUG=1, random SECRET_KEY)."

setup: install .env
	$(PY) manage.py migrate --noinput
	$(MAKE) --no-print-directory load demo

load:
	$(PY) manage.py load_plans
	$(PY) manage.py load_difap_implementation
	$(PY) manage.py load_baseline
	$(PY) manage.py load_negotiations

demo:
	$(PY) manage.py load_demo

run: setup
	$(PY) manage.py runserver 127.0.0.1:8000

test: install .env
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

# The API against its own schema, thoroughly: schemathesis with every check and phase, 40 examples per operation, as
# no one and as each role, on a live server of its own (`make test`: 1 example, no coverage phase). Not in CI.
CONTRACT_EXAMPLES ?= 40
contract: install .env
	CONTRACT_EXAMPLES=$(CONTRACT_EXAMPLES) CONTRACT_PHASES=examples,coverage,fuzzing,stateful \
		$(BIN)/pytest -p no:xdist -s tests/test_api_contract_run.py

# A Python client generated from the running site's schema (`make run` in another terminal), into tracker_client/.
SCHEMA_URL ?= http://127.0.0.1:8000/api/schema/?format=json
client: install
	curl -sf "$(SCHEMA_URL)" -o schema.json
	$(BIN)/openapi-python-client generate --path schema.json --meta none --output-path tracker_client \
		--config docs/api-client.yaml --overwrite

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install .env
	$(PY) manage.py makemigrations --check --dry-run

worker: install .env
	$(BIN)/celery -A config worker --loglevel=info

beat: install .env
	$(BIN)/celery -A config beat --loglevel=info

# The database (pg_dump -Fc, or an SQLite copy) and the stored files, into a new folder under backups/.
backup: install .env
	$(PY) manage.py backup

# Overwrites the database: make restore FILE=backups/20261125T040000Z CONFIRM=1 (stop web and workers first).
restore: install .env
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/<folder> CONFIRM=1"; exit 2; }
	@test "$(CONFIRM)" = 1 || { echo "Restoring REPLACES the database named by DATABASE_URL with $(FILE); add CONFIRM=1 to go ahead."; exit 2; }
	$(PY) manage.py restore "$(FILE)" --confirm

# Pages, endpoints, report builds and a load test at 1x, 10x and 100x the real data (PostgreSQL: DATABASE_URL names
# the server; each scale gets its own database, asean_bench_<N>, made once). Prints every goal of issue 16 with
# pass/short and writes docs/benchmarks.md. Slow (the first run makes 100x: minutes); CI does not run it.
BENCH_SCALES ?= 1,10,100
bench: install .env
	nice -n 10 $(PY) manage.py bench --scales $(BENCH_SCALES) $(BENCH_ARGS)

# Mutation testing of the domain rules (docs/testing.md): slow, not in CI. A copy of the project in .mutation/
# (scripts/mutation_stage.py), on SQLite with in-process tasks, one process at low priority; mutmut resumes where it
# stopped and re-tests only the functions that changed. MUTANTS="reporting.services*" runs some only.
MUTATION_JOBS ?= 1
MUTANTS ?=
mutation: install .env
	$(PY) scripts/mutation_stage.py
	cd .mutation && env -u DATABASE_URL -u CELERY_BROKER_URL -u CACHE_URL ENV_FILE=$(CURDIR)/.env \
		nice -n 15 $(CURDIR)/$(BIN)/mutmut run --max-children $(MUTATION_JOBS) $(MUTANTS)
	cd .mutation && $(CURDIR)/$(PY) $(CURDIR)/scripts/mutation_rates.py

# Writes requirements.lock from what is installed: run after changing dependencies in pyproject.toml.
lock: $(PY)
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info schema.json tracker_client

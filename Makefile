# Two commands do all the set-up on a fresh machine with Python 3.11+ and Node 20+:
#   make run    install, migrate, load the demo street if the database is empty, serve on :8000
#   make test   install, then the whole test suite against PostgreSQL and Redis
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The suite runs against the real services; these defaults are the local ones.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/riskplatform)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/1)

# Debian packages: Pango and HarfBuzz lay out PDFs (WeasyPrint) in Debian's Noto CJK fonts;
# the browser journeys of the tests also need Debian's chromium.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
TEST_SYSTEM_PACKAGES := $(SYSTEM_PACKAGES) chromium

.PHONY: install run test system-packages test-system-packages messages check-deploy benchmark clean

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

# The demo runs with DEBUG on unless told otherwise: only then may it make its own SECRET_KEY.
run: install system-packages
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo --if-empty
ifneq ($(and $(DATABASE_URL),$(REDIS_URL)),)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	HOST=$(HOST) PORT=$(PORT) DEBUG=$${DEBUG:-1} $(BIN)/honcho start --procfile Procfile
else
	DEBUG=$${DEBUG:-1} $(BIN)/python -m riskplatform.serve --host $(HOST) --port $(PORT)
endif

# Install the Debian packages of $(1) that are missing when we may (root, apt-get), otherwise say how.
# Off Debian nothing can be checked: say what PDFs need and go on.
define debian_packages
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "Not a Debian system: PDFs need Pango and the Noto CJK fonts, the browser tests Chromium ($(1))." >&2; \
	  exit 0; \
	fi; \
	missing=""; \
	for package in $(1); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's$$missing..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
	  else \
	    echo "Debian packages missing:$$missing. Run 'sudo apt-get install -y$$missing', then make again." >&2; \
	    exit 1; \
	  fi; \
	fi
endef

system-packages:
	$(call debian_packages,$(SYSTEM_PACKAGES))

test-system-packages:
	$(call debian_packages,$(TEST_SYSTEM_PACKAGES))

test: install test-system-packages
	$(BIN)/ruff check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest

# Regenerate the Chinese catalogue's template after changing strings (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'benchmarks/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

check-deploy: install system-packages
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=example.org SITE_URL=https://example.org \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# Each benchmark makes its own database beside DATABASE_URL's and drops it at the end (benchmarks/README.md);
# the inspection page's is loaded in Debian's chromium, as the browser tests load it.
benchmark: install test-system-packages
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python benchmarks/registry.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python benchmarks/hazards.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python benchmarks/inspection_page.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python benchmarks/alarm_latency.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python benchmarks/ingest_burst.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python benchmarks/list_export.py

clean:
	rm -rf $(VENV) node_modules staticfiles

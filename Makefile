# passport: two commands for a newcomer — `make run` and `make test`. See README.md.

CARGO ?= cargo
PYTHON ?= python3
BIN := target/debug/passport

.PHONY: run test build deps-test lint openapi openapi-check ui bench clean-var

## make run: build, migrate, and start the service on the embedded defaults (prints the URLs).
run: build ui
	$(BIN) dev

build:
	$(CARGO) build --bin passport

## make test: install what the tests need, then lint and run every test (SQLite and PostgreSQL).
test: deps-test lint openapi-check ui
	$(CARGO) test --workspace

# Python tools the tests talk to (itsdangerous for the signer's cross-tests, an SMTP sink).
deps-test:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## make openapi: regenerate the committed spec from the code.
openapi: build
	$(BIN) openapi > openapi/openapi.json

# The committed spec must match the code; regenerate with `make openapi`.
openapi-check: build
	@$(BIN) openapi > target/openapi.check.json
	@if ! diff -q openapi/openapi.json target/openapi.check.json >/dev/null; then \
		echo "openapi/openapi.json is stale: run 'make openapi' and commit it"; \
		diff -u openapi/openapi.json target/openapi.check.json | head -40; exit 1; \
	fi

## make ui: build the web app in admin-ui/ (served by the passport binary).
ui:
	@if [ -f admin-ui/package.json ]; then \
		cd admin-ui && npm ci --no-audit --no-fund && npm run build; \
	else \
		echo "admin-ui: the web app is not built yet (admin panel issue); nothing to do"; \
	fi

## make bench: performance scenarios (filled by the features that have targets).
# Optimised, without debug info, in its own target profile so `make test` stays a debug build.
BENCH_PROFILE := bench-opt

bench:
	$(CARGO) test --profile $(BENCH_PROFILE) --test api bench -- --ignored --nocapture --test-threads=1
	.ci/pgbench-commit-rate

clean-var:
	rm -rf var

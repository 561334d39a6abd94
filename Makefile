# passport: two commands for a newcomer — `make run` and `make test`. See README.md.

CARGO ?= cargo
PYTHON ?= python3
BIN := target/debug/passport

.PHONY: run test build deps-test deps-e2e deps-bench lint openapi openapi-check ui e2e bench clean-var schemathesis \
	cluster cluster-down cluster-drill cluster-e2e cluster-smoke deploy-check client client-build client-generate

## make run: build, migrate, and start the service on the embedded defaults (prints the URLs).
run: build ui
	$(BIN) dev

build:
	$(CARGO) build --bin passport

## make test: install what the tests need, then lint and run every test (SQLite and PostgreSQL),
## then the browser journeys (e2e), then schemathesis over the committed spec.
test: deps-test deps-e2e lint openapi-check client ui
	$(CARGO) test --workspace
	@mkdir -p target/e2e
	cd admin-ui && npm run e2e
	PYTHON=$(PYTHON) tests/schemathesis.sh

## make schemathesis: fuzz the API described by openapi/openapi.json against `passport dev` (with
## a staff token, then without): no 5xx, every answer as the spec says. About a minute.
schemathesis: build deps-test
	PYTHON=$(PYTHON) tests/schemathesis.sh

# Python tools the tests talk to (itsdangerous for the signer's cross-tests, an SMTP sink).
deps-test:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt

# Debian's Chromium and a CJK font for the browser tests (no browser download: playwright-core
# drives /usr/bin/chromium). Installed only when missing; needs root, as on CI.
E2E_DEBS := chromium fonts-wqy-zenhei
deps-e2e:
	@dpkg -s $(E2E_DEBS) >/dev/null 2>&1 || { \
		echo "deps-e2e: installing $(E2E_DEBS)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(E2E_DEBS) >/dev/null; \
	}

## make e2e: the browser journeys (admin-ui/e2e/) in headless Chromium against `passport dev` on
## free ports; each test's last page is saved as target/e2e/<test>.png.
e2e: build ui deps-e2e
	@mkdir -p target/e2e
	cd admin-ui && npm run e2e

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## make openapi: regenerate the committed spec from the code, and the client package's
## sources from it (commit both).
openapi: build
	$(BIN) openapi > openapi/openapi.json
	$(MAKE) client-generate

# The committed spec must match the code; regenerate with `make openapi`.
openapi-check: build
	@$(BIN) openapi > target/openapi.check.json
	@if ! diff -q openapi/openapi.json target/openapi.check.json >/dev/null; then \
		echo "openapi/openapi.json is stale: run 'make openapi' and commit it"; \
		diff -u openapi/openapi.json target/openapi.check.json | head -40; exit 1; \
	fi

## make ui: build the web app in admin-ui/ (served by the passport binary): install the locked
## packages, generate the TypeScript client from openapi/openapi.json, type-check it (vue-tsc: an
## API change that breaks a page fails here), bundle it into admin-ui/dist, and run its unit tests
## (`npm test`: e.g. the `next` rules against the cases the server shares, openapi/next-cases.json).
ui: client-build
	cd admin-ui && $(NPM_CI) && npm run build && npm test

# `npm ci` only when node_modules does not match what is locked: the stamp in node_modules holds
# a hash of package.json and package-lock.json and the Node version of the last clean install
# (npm ci deletes node_modules first, so a failed install leaves no stamp).
NPM_STAMP := node_modules/.passport-npm-stamp
NPM_CI = { want="$$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1) $$(node --version)"; \
	if [ "$$(cat $(NPM_STAMP) 2>/dev/null)" = "$$want" ]; then \
		echo "npm ci: $$(basename "$$PWD")/node_modules matches package-lock.json, skipped"; \
	else npm ci --no-audit --no-fund && echo "$$want" > $(NPM_STAMP); fi; }

## The frontend client package (openapi/clients/typescript/, @renran/passport-client), generated
## from openapi/openapi.json and consumed by admin-ui/ as a file: dependency.
CLIENT := openapi/clients/typescript

# Install and build it (admin-ui imports its dist/).
client-build:
	cd $(CLIENT) && $(NPM_CI) && npm run build

## make client: fail when the committed client is stale against openapi/openapi.json, build and
## type-check it, run its tests, and check `npm pack` gives a tarball that installs and imports.
client: client-build
	cd $(CLIENT) && npm run check:fresh && npm test && npm run test:pack

# Regenerate the client's sources (src/schema.ts, src/error-codes.ts) from the committed spec.
client-generate:
	cd $(CLIENT) && $(NPM_CI) && npm run generate

## make bench: performance scenarios (filled by the features that have targets).
# Optimised, without debug info, in its own target profile so `make test` stays a debug build.
BENCH_PROFILE := bench-opt

# postfix's smtp-sink and smtp-source for the mail bench (only the binaries: the postfix daemon is
# never started). Installed only when missing; needs root.
deps-bench:
	@test -x /usr/sbin/smtp-sink || { \
		echo "deps-bench: installing postfix (for smtp-sink)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postfix >/dev/null; \
	}

bench: deps-bench
	$(CARGO) test --profile $(BENCH_PROFILE) --test bench -- --ignored --nocapture --test-threads=1
	.ci/pgbench-commit-rate

clean-var:
	rm -rf var

## make cluster: nginx (TLS, deploy/nginx/) in front of three `passport serve` instances on one
## PostgreSQL database (a cluster of its own on :5433), production profile with test secrets, the
## QQ and Tencent Cloud simulators and an SMTP sink; all on 127.0.0.1. Installs nginx when missing.
cluster: build ui
	cluster/up.sh

## make cluster-down: stop all of it (logs stay in cluster/run/logs).
cluster-down:
	cluster/down.sh

## make cluster-drill: the seven fault drills against the running cluster (about 5 minutes),
## report in cluster/run/drill-report-*.json. Brings the cluster up first when it is not.
cluster-drill: build
	@test -f cluster/run/pids/nginx.pid || cluster/up.sh
	$(PYTHON) cluster/drill.py

## make cluster-e2e: the browser journeys through nginx against the running cluster.
## Starts a fresh cluster (the journeys make fixed accounts) and leaves it running.
cluster-e2e: build ui deps-e2e
	cluster/down.sh >/dev/null
	cluster/up.sh
	@mkdir -p target/e2e
	cd admin-ui && PASSPORT_E2E_CLUSTER=../cluster/run NODE_EXTRA_CA_CERTS=../cluster/run/tls/ca.pem npm run e2e

## make cluster-smoke: up, one password login and one QQ login through nginx, down (~30 s).
cluster-smoke: build
	cluster/smoke.sh

## make deploy-check: the deployment files are valid (nginx -t on the cluster's copy happens in
## `make cluster`; this checks the systemd unit with systemd-analyze where it exists).
deploy-check:
	cluster/check-unit.sh

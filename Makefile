# SIPAS survey kiosk and collection server. `make help` lists the targets.
GO        ?= go
BIN       ?= bin/sipas
PKGS      ?= ./...
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)

# `make run` seeds the demo province into an empty database unless told otherwise;
# every SIPAS_* variable set in the environment is honoured.
SIPAS_DEMO ?= 1
export SIPAS_DEMO

.PHONY: help run build test e2e bench bench-10m perf-ab perf-duo lint clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

run: ## start the server with the demo province (http://localhost:8080; SIPAS_* honoured)
	$(GO) run -ldflags "$(LDFLAGS)" ./server/cmd/sipas serve

build: ## build the single binary into bin/sipas
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./server/cmd/sipas

# The browser tests skip themselves without Chromium; say so once, plainly,
# rather than let a green run hide that they did not run.
CHROMIUM_NOTE = @if [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null 2>&1; then \
	  echo "NOTE: chromium not found: the browser tests (server/e2e) are SKIPPED. Install it with: sudo apt-get install chromium"; fi

test: lint ## vet, format check, and every test (browser tests included) with the race detector
	$(CHROMIUM_NOTE)
	$(GO) test -race -count=1 -timeout 40m $(PKGS)

e2e: ## only the browser tests (headless Chromium)
	$(CHROMIUM_NOTE)
	$(GO) test -race -count=1 -timeout 40m ./server/e2e/...

bench: ## benchmarks: submission throughput, scoring, templates
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m $(PKGS)

BENCH_DB ?= $(or $(TMPDIR),/tmp)/sipas-bench-10m
bench-10m: build ## seed 10 million responses over 3,000 agencies and 24 months (once), then time scorecards, the scores API and rankings (fresh and cached) on them, with bytes per response
	@if [ ! -f $(BENCH_DB)/sipas.db ]; then mkdir -p $(BENCH_DB) && time $(BIN) seed -data-dir $(BENCH_DB) --agencies 3000 --months 24 --responses 10000000; fi
	SIPAS_BENCH_DB=$(BENCH_DB)/sipas.db $(GO) test -run '^$$' -bench . -benchtime 200x ./server/report/
	SIPAS_BENCH_DB=$(BENCH_DB)/sipas.db $(GO) test -run '^$$' -bench 'ScorecardPage|ScoresAPI|ProvinceRanking' -benchtime 200x ./server/web/

# perf-ratio runs this checkout and the bare prototype side by side; runs of
# two revisions alternated, each against the prototype in its own run, are
# how a change is told from the machine's drift (decision 14).
PERF_RATIO ?= ../shared/tools/perf-ratio
PAIRS      ?= 3
perf-ab: ## alternate perf-ratio on BASE=<git revision> and this checkout, PAIRS times (needs wrk and the team's perf-ratio)
	@test -n "$(BASE)" || { echo "usage: make perf-ab BASE=<git revision> [PAIRS=3]"; exit 2; }
	@test -x "$(PERF_RATIO)" || { echo "perf-ratio not found at $(PERF_RATIO): set PERF_RATIO=/path/to/perf-ratio"; exit 2; }
	@tool=$$(realpath "$(PERF_RATIO)"); wt=$$(mktemp -d); trap 'git worktree remove --force "$$wt"' EXIT; \
	  git worktree add -q --detach "$$wt" "$(BASE)" || exit 2; \
	  for i in $$(seq $(PAIRS)); do \
	    printf '%-10s ' "$(BASE)"; (cd "$$wt" && "$$tool" 10 | tail -1); \
	    printf '%-10s ' this; "$$tool" 10 | tail -1; \
	  done

# perf-duo loads a revision and this checkout at the same time, so that the
# machine's drift falls on both alike: the steadier way to tell a change of
# a few per cent (decision 14).
ROUNDS  ?= 4
CLIENTS ?= 32
perf-duo: ## load BASE=<git revision> and this checkout at once, ROUNDS times (CLIENTS connections each), and print their ratio (needs wrk)
	@test -n "$(BASE)" || { echo "usage: make perf-duo BASE=<git revision> [ROUNDS=4] [CLIENTS=32]"; exit 2; }
	@wt=$$(mktemp -d); out=$$(mktemp -d); trap 'git worktree remove --force "$$wt"; rm -rf "$$out"' EXIT; \
	  git worktree add -q --detach "$$wt" "$(BASE)" || exit 2; \
	  (cd "$$wt" && $(GO) build -o "$$out/base" ./server/cmd/sipas) || exit 2; \
	  $(GO) build -o "$$out/this" ./server/cmd/sipas || exit 2; \
	  $(GO) run ./server/cmd/perfduo -a "$$out/base" -b "$$out/this" -rounds $(ROUNDS) -clients $(CLIENTS)

lint: ## gofmt, go mod tidy (no diff) and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet $(PKGS)

clean: ## remove build output and the local data folder
	rm -rf bin data

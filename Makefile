# Mailwire. `make run` builds everything and serves http://127.0.0.1:8025;
# `make test` installs test dependencies where missing and runs every test.

GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
export PATH := $(GOROOT)/lib/wasm:$(PATH)

.PHONY: all build run deps wasm web test test-deps fmt-check vet test-go test-wasm typecheck check-imports bench fuzz clean soak bench-proxy

all: build

## build: the WASM core, the bundled page and bin/mailwire with both embedded.
build: deps wasm web
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/mailwire ./proxy/cmd/mailwire

run: build
	./bin/mailwire serve

# npm dependencies from the committed lock file, installed when missing or stale.
deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

wasm:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o bin/mailwire.wasm ./wasm

web: deps wasm
	$(GO) run ./web/build -wasm bin/mailwire.wasm -out proxy/webapp/dist

## test: every check and test; the browser tests need the built page.
test: test-deps build fmt-check vet check-imports typecheck test-go test-wasm soak
	@echo "make test: all checks passed"

test-deps:
	@bash scripts/test-deps.sh

fmt-check:
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/ ./core/...

# core/ must stay portable: no syscall/js, no net/http (see core/doc.go).
check-imports:
	@bad=$$($(GO) list -deps -f '{{.ImportPath}}' ./core/... | grep -E '^(syscall/js|net/http)$$' || true); \
	if [ -n "$$bad" ]; then echo "core/ (or a dependency of it) imports: $$bad"; \
	  $(GO) list -f '{{.ImportPath}}: {{join .Imports " "}}' ./core/... | grep -E 'syscall/js|net/http'; exit 1; fi
	@echo "check-imports: core/ imports neither syscall/js nor net/http"

typecheck: deps
	npx --no-install tsc --noEmit -p web

# Real Dovecot and Postfix on loopback for the integration tests
# (scripts/peers.sh); their folder reaches the tests as MAILWIRE_PEERS.
test-go:
	MAILWIRE_PEERS=$${MAILWIRE_PEERS:-$$(bash scripts/peers.sh)} $(GO) test -race -count=1 -timeout 20m ./...

# The tunnel's soak at full size (1,000 tunnels, 3 MiB each way), without
# the race detector, which test-go runs it under at 512 KiB a tunnel.
soak:
	$(GO) test -count=1 -run '^TestSoak$$' -timeout 10m ./proxy/tunnel/

# The core's tests again, compiled to WebAssembly and run in node.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASM_EXEC)" ./core/...

## bench: figures for docs/BENCHMARKS.md.
bench: build bench-proxy
	$(GO) test -run '^$$' -bench . -benchtime 5x ./proxy/e2e/
	$(GO) test -run '^$$' -bench . ./core/... ./proxy/sandbox/...

# Mailwire's tunnel against websockify with ../shared/bench/proxyprobe.
bench-proxy:
	bash scripts/bench-proxy.sh

FUZZTIME ?= 60s
fuzz:
	@for pkg in $$($(GO) list ./core/... ./proxy/sandbox/pop3 ./proxy/tunnel/...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; done

clean:
	rm -rf bin test-output
	find proxy/webapp/dist -mindepth 1 ! -name README.txt -exec rm -rf {} +

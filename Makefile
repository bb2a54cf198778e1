# Everyday tasks. Go is the only prerequisite; staticcheck is fetched through
# the Go module proxy at a pinned version.

GO          ?= go
BIN         ?= bin/mie
ADDR        ?= 127.0.0.1:8080
DATA_DIR    ?= ./data
# staticcheck 2026.2.2 (v0.8.2) supports Go 1.26.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all build run test bench lint fmt clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/mie

run:
	$(GO) run ./cmd/mie serve --addr $(ADDR) --data-dir $(DATA_DIR)

test:
	$(GO) test ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./cmd/mie bench

lint:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fmt:
	gofmt -s -w .

clean:
	rm -rf bin/ *.test *.prof *.pprof coverage.* cover*.out *.coverprofile

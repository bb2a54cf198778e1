# Everyday tasks. Go is the only prerequisite for build/run/test; the real
# Kafka targets also need Java 17+ and Maven (Kafka's jars come from Maven
# Central); staticcheck is fetched through the Go module proxy at a pinned
# version.

GO          ?= go
BIN         ?= bin/mie
ADDR        ?= 127.0.0.1:8080
DATA_DIR    ?= ./data
# staticcheck 2026.2.2 (v0.8.2) supports Go 1.26.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The broker of `make kafka-up` (deploy/kafka/kafka.sh honours KAFKA_PORT).
KAFKA_PORT  ?= 9092
KAFKA       ?= 127.0.0.1:$(KAFKA_PORT)
export KAFKA_PORT

.PHONY: all build run test test-kafka test-clickhouse bench bench-kafka lint fmt clean \
	kafka-up kafka-down kafka-status kafka-clean up down

all: build

build:
	$(GO) build -o $(BIN) ./cmd/mie

run:
	$(GO) run ./cmd/mie serve --addr $(ADDR) --data-dir $(DATA_DIR)

test:
	$(GO) test ./...

# The integration suite against the broker of `make kafka-up`.
test-kafka:
	MIE_TEST_KAFKA_BROKERS=$(KAFKA) $(GO) test -count=1 -p 1 $$(deploy/kafka/packages.sh)

# The ClickHouse tests against chDB (the ClickHouse engine from PyPI behind
# its HTTP interface; Python 3 needed), for machines with no ClickHouse
# server and no Docker. With a real server, set MIE_TEST_CLICKHOUSE instead.
test-clickhouse:
	deploy/clickhouse/chdb.sh start
	MIE_TEST_CLICKHOUSE=$$(deploy/clickhouse/chdb.sh dsn) $(GO) test -count=1 -p 1 ./internal/clickhouse/... \
		./projections/clickhouse/ ./processors/projector/... ./cmd/mie/app/ -run 'ClickHouse|Projector|Projection|Conformance|Migrat|Redelivery|Rebuild'; \
		status=$$?; deploy/clickhouse/chdb.sh stop; exit $$status

# Micro-benchmarks, then the load generator on the embedded broker; writes
# bench-results/summary-<date>.md (see deploy/bench.sh).
bench:
	deploy/bench.sh

# The load generator against the broker of `make kafka-up`.
bench-kafka:
	BENCH_KAFKA=$(KAFKA) BENCH_SKIP_MICRO=1 deploy/bench.sh

# A single-node Apache Kafka (KRaft) on 127.0.0.1, from Maven Central.
kafka-up:
	deploy/kafka/kafka.sh start

kafka-down:
	deploy/kafka/kafka.sh stop

kafka-status:
	deploy/kafka/kafka.sh status

kafka-clean:
	deploy/kafka/kafka.sh clean

# The distributed stack in Docker (docker-compose.yml, docs/deploy.md).
up:
	docker compose up -d --build

down:
	docker compose down

lint:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fmt:
	gofmt -s -w .

clean:
	rm -rf bin/ *.test *.prof *.pprof coverage.* cover*.out *.coverprofile

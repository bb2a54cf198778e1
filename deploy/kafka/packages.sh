#!/usr/bin/env bash
# Prints the Go packages of the integration suite: those whose tests take
# their Kafka cluster from MIE_TEST_KAFKA_BROKERS, directly or through
# internal/kafkatest or internal/definitions/definitionstest. Run them with
# the variable set to run them against that cluster:
#   MIE_TEST_KAFKA_BROKERS=127.0.0.1:9092 go test $(deploy/kafka/packages.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
grep -rlE --include='*_test.go' \
	-e '"github.com/mie-kafka/mie/internal/kafkatest"' \
	-e '"github.com/mie-kafka/mie/internal/definitions/definitionstest"' \
	-e 'MIE_TEST_KAFKA_BROKERS' . |
	grep -v '^./.cache/' | xargs -n1 dirname | sort -u

#!/usr/bin/env bash
# A stand-in ClickHouse for machines with no ClickHouse server and no Docker:
# chDB (the ClickHouse engine, from PyPI) behind the HTTP interface that
# schemas/clickhouse/chdb_http.py serves. It checks our SQL and the
# driver's types against a real ClickHouse engine over clickhouse-go's HTTP
# protocol; the native protocol needs a real server.
#
#   deploy/clickhouse/chdb.sh start   # venv in .cache/chdb, serves 127.0.0.1:$CHDB_PORT
#   deploy/clickhouse/chdb.sh dsn     # prints the MIE_TEST_CLICKHOUSE DSN
#   deploy/clickhouse/chdb.sh stop
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${CHDB_PORT:-18123}"
version="${CHDB_VERSION:-26.9.0}"
dir=".cache/chdb"
venv="$dir/venv"
run="$dir/run-$port"

case "${1:-}" in
fetch)
	if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import chdb' 2>/dev/null; then
		echo "chdb: installing chdb-core $version from PyPI into $venv"
		python3 -m venv "$venv"
		"$venv/bin/pip" install -q "chdb-core==$version"
	fi
	;;
start)
	"$0" fetch
	"$0" stop >/dev/null 2>&1 || true
	rm -rf "$run" && mkdir -p "$run"
	"$venv/bin/python" schemas/clickhouse/chdb_http.py "$port" "$run/data" >"$run/log" 2>&1 &
	echo $! >"$run/pid"
	for _ in $(seq 1 120); do
		if curl -fsS "http://127.0.0.1:$port/ping" >/dev/null 2>&1 ||
			curl -fsS --data-binary 'SELECT 1' "http://127.0.0.1:$port/" >/dev/null 2>&1; then
			echo "chdb: ready on 127.0.0.1:$port (pid $(cat "$run/pid"))"
			exit 0
		fi
		if ! kill -0 "$(cat "$run/pid")" 2>/dev/null; then
			echo "chdb: exited; log:" >&2
			tail -n 20 "$run/log" >&2
			exit 1
		fi
		sleep 0.5
	done
	echo "chdb: not answering on 127.0.0.1:$port after 60 s" >&2
	exit 1
	;;
dsn)
	echo "http://127.0.0.1:$port/default"
	;;
stop)
	if [[ -f "$run/pid" ]]; then
		kill "$(cat "$run/pid")" 2>/dev/null || true
		rm -f "$run/pid"
		echo "chdb: stopped"
	fi
	;;
*)
	echo "usage: $0 fetch|start|dsn|stop" >&2
	exit 2
	;;
esac

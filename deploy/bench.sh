#!/usr/bin/env bash
# The performance harness behind `make bench` and `make bench-kafka`:
#   1. the Go micro-benchmarks of the hot paths (encode and decode, fold,
#      decide, one executor batch, projection apply), with allocations and
#      records/s;
#   2. the load generator, `mie bench`, on the embedded broker and, when
#      BENCH_KAFKA names one, on a real Kafka cluster, each with a CPU profile
#      of the load run;
# and writes everything to bench-results/summary-<UTC time>.md (git-ignored),
# with the machine, the commands and each profile's top functions. Copy the
# figures that matter into BENCHMARKS.md.
#
# Settings (environment):
#   BENCH_EXECUTIONS   executions per load run              10000
#   BENCH_CONCURRENCY  executions in flight (closed loop)   256
#   BENCH_KAFKA        also run against this cluster, e.g. 127.0.0.1:9092 (make kafka-up)
#   BENCH_SKIP_MICRO   1: skip the micro-benchmarks
#   BENCH_SKIP_EMBEDDED 1: skip the embedded-broker load run
#   BENCH_TIME         -benchtime of the micro-benchmarks   1s
#   BENCH_BASELINE     a git revision to build and run side by side with
#                      this tree on the MIE workload, interleaved       HEAD~1
#                      (none: skip the comparison)
#   BENCH_AB_ROUNDS    rounds of the side-by-side comparison          3
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

executions="${BENCH_EXECUTIONS:-10000}"
concurrency="${BENCH_CONCURRENCY:-256}"
benchtime="${BENCH_TIME:-1s}"
out=bench-results
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
summary="$out/summary-$stamp.md"
mkdir -p "$out"

machine() {
	local cpu mem
	cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
	mem="$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo 2>/dev/null)"
	echo "$(nproc) vCPU (${cpu:-unknown}), ${mem:-unknown}, $(go version | cut -d' ' -f3-)"
}

{
	echo "# mie benchmarks, $stamp"
	echo
	echo "- machine: $(machine)"
	echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
	echo "- load: $executions executions of the 3-stage, 2-Passthrough-per-stage workflow, concurrency $concurrency, exactly-once"
} >"$summary"

if [[ "${BENCH_SKIP_MICRO:-}" != 1 ]]; then
	mapfile -t pkgs < <(grep -rl --include='*_test.go' '^func Benchmark' . | grep -v '^./.cache/' | xargs -n1 dirname | sort -u)
	echo "== micro-benchmarks: ${pkgs[*]}" >&2
	cmd=(go test -run '^$' -bench . -benchmem -benchtime "$benchtime" "${pkgs[@]}")
	"${cmd[@]}" | tee "$out/micro-$stamp.txt"
	{
		echo
		echo "## Micro-benchmarks"
		echo
		echo "\`${cmd[*]}\`"
		echo
		echo '```'
		grep -E '^(Benchmark|ok|goos|goarch|cpu|pkg)' "$out/micro-$stamp.txt"
		echo '```'
	} >>"$summary"
fi

echo "== build" >&2
go build -o "$out/mie" ./cmd/mie

# The broker JVM of `make kafka-up`, when it runs: its CPU time (ticks of
# 10ms) and resident memory, to report beside the mie process's.
broker_pid() {
	local f=".cache/kafka/run-${BENCH_KAFKA##*:}/kafka.pid"
	[[ -f "$f" && -r "/proc/$(cat "$f")/stat" ]] && cat "$f"
}
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# load NAME [mie bench flags...]: one load run with a CPU profile.
load() {
	local name="$1"
	shift
	local prof="$out/cpu-$stamp-$name.prof"
	local cmd=("$out/mie" bench --executions "$executions" --concurrency "$concurrency" --cpuprofile "$prof" "$@")
	echo "== load run: $name: ${cmd[*]}" >&2
	local bpid="" t0 ticks0
	if [[ "$name" == kafka ]] && bpid="$(broker_pid)"; then
		t0=$SECONDS ticks0="$(cpu_ticks "$bpid")"
	fi
	"${cmd[@]}" | tee "$out/load-$stamp-$name.txt"
	if [[ -n "$bpid" ]]; then
		local secs=$((SECONDS - t0)) ticks=$(($(cpu_ticks "$bpid") - ticks0))
		printf '  broker      the Kafka JVM (pid %s) used %s cores over the %ss run; RSS %s MiB\n' "$bpid" \
			"$(awk -v t="$ticks" -v s="$secs" 'BEGIN {printf "%.2f", (s > 0 ? t / 100 / s : 0)}')" "$secs" "$(rss_mib "$bpid")" |
			tee -a "$out/load-$stamp-$name.txt"
	fi
	{
		echo
		echo "## Load run: $name"
		echo
		echo "\`mie bench --executions $executions --concurrency $concurrency --cpuprofile $prof $*\`"
		echo
		echo '```'
		cat "$out/load-$stamp-$name.txt"
		echo '```'
		echo
		echo "CPU profile, top functions by own time (\`go tool pprof -top $out/mie $prof\`):"
		echo
		echo '```'
		go tool pprof -top -nodecount=25 "$out/mie" "$prof" 2>/dev/null | sed -n '1,32p'
		echo '```'
		echo
		echo "By cumulative time:"
		echo
		echo '```'
		go tool pprof -top -cum -nodecount=30 "$out/mie" "$prof" 2>/dev/null | sed -n '6,37p'
		echo '```'
	} >>"$summary"
}

if [[ "${BENCH_SKIP_EMBEDDED:-}" != 1 ]]; then
	load embedded
	load states --workload states
	load map --workload map --executions "$((executions / 20 > 0 ? executions / 20 : 1))" --concurrency 32
fi

# ab: the MIE workload on the baseline binary and on this tree's,
# interleaved round by round on the same machine, so that both see the
# same conditions.
ab() {
	local rev="${BENCH_BASELINE-HEAD~1}" rounds="${BENCH_AB_ROUNDS:-3}"
	[[ -z "$rev" || "$rev" == none ]] && return
	local wt
	wt="$(mktemp -d)"
	if ! git worktree add --detach "$wt" "$rev" >/dev/null 2>&1; then
		echo "== side by side: cannot check out $rev; skipped" >&2
		rm -rf "$wt"
		return
	fi
	(cd "$wt" && go build -o "$OLDPWD/$out/mie-baseline" ./cmd/mie)
	git worktree remove --force "$wt"
	local results="$out/ab-$stamp.txt"
	: >"$results"
	for ((i = 1; i <= rounds; i++)); do
		for bin in mie-baseline mie; do
			echo "== side by side, round $i: $bin" >&2
			local line
			line="$("$out/$bin" bench --executions "$executions" --concurrency "$concurrency" 2>/dev/null | grep -E 'throughput|latency|memory' | tr -s ' ' | paste -sd' ')"
			echo "$bin round $i: $line" | tee -a "$results" >&2
		done
	done
	{
		echo
		echo "## Side by side: $rev ($(git rev-parse --short "$rev")) against this tree, MIE workload"
		echo
		echo "\`mie bench --executions $executions --concurrency $concurrency\`, $rounds interleaved rounds:"
		echo
		echo '```'
		cat "$results"
		echo '```'
	} >>"$summary"
}
if [[ "${BENCH_SKIP_EMBEDDED:-}" != 1 ]]; then
	ab
fi
if [[ -n "${BENCH_KAFKA:-}" ]]; then
	load kafka --kafka "$BENCH_KAFKA"
fi

echo >&2
echo "summary: $summary" >&2

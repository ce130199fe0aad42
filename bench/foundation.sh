#!/usr/bin/env bash
# Times `texting stats --days 30` and `texting messages --number N` on a
# database of 1,000,000 messages over 20 SIMs and 365 days (made once with
# bench/gendb), as whole commands: process start, open, query, output.
#   bench/foundation.sh [DB]
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-/tmp/texting-bench-1m.db}
bin=$(mktemp -d)/texting
go build -o "$bin" ./cmd/texting
if [ ! -f "$db" ]; then
  go run ./bench/gendb -db "$db" -messages 1000000 -sims 20 -days 365
fi
number=$("$bin" --db "$db" messages --limit 1 --csv | tail -1 | cut -d, -f4)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_cmd() {
  for _ in $(seq 1 11); do
    s=$(date +%s%N); "$bin" --db "$db" "$@" >/dev/null; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | median
}
"$bin" --db "$db" stats --days 30 >/dev/null # warm the page cache
echo "stats --days 30:        $(time_cmd stats --days 30 --json) ms (median of 11)"
echo "messages --number $number: $(time_cmd messages --number "$number" --json) ms (median of 11)"
echo "go test benchmarks:"
TEXTING_BENCH_DB="$db" go test -run '^$' -bench 'BenchmarkStats30Days|BenchmarkMessagesByNumber' -benchtime 20x ./internal/cli | grep Benchmark

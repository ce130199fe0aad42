#!/usr/bin/env bash
# Campaign benchmarks of issue 5: planning 100,000 recipients against a
# database of 1,000,000 messages, dongle scaling (1 vs 4 emulated dongles at a
# fixed send delay), and our own overhead per text.
#   bench/campaign/run.sh [DB]   (DB defaults to /tmp/texting-bench.db; made once)
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${1:-/tmp/texting-bench.db}
if [ ! -f "$db" ]; then
  go run ./bench/gendb -db "$db" -messages 1000000 -sims 20 -days 365
fi
TEXTING_BENCH_DB="$db" go test -run '^$' -bench 'BenchmarkPlan100k' -benchtime 5x ./campaign/
go test -run '^$' -bench 'BenchmarkDongleScaling' -benchtime 2x ./outbox/
go test -run '^$' -bench 'BenchmarkDispatchOverhead' -benchtime 5x ./outbox/

#!/usr/bin/env bash
# Load test of `texting serve` (issue 6): CLIENTS concurrent clients on
# loopback send inbound-text callbacks for DURATION while a `texting campaign
# run` writes to the same database (its data source and the SMS gateway are
# local doubles), then checks that the rows stored equal the 200 answers.
#
#   bench/serve-load.sh                      # 32 clients, 20 s, 3000 recipients
#   CLIENTS=64 DURATION=30s bench/serve-load.sh
#   CAMPAIGN=0 bench/serve-load.sh           # serve alone
#
# Targets: at least 2,000 callbacks/s, p99 at most 50 ms, rows = 200 answers.
# The exit status is 1 when the rows do not match the 200 answers (a callback
# lost or stored twice) or a part of the test failed; missed speed targets
# are reported, and give status 2.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-20s}
RECIPIENTS=${RECIPIENTS:-3000}
CAMPAIGN=${CAMPAIGN:-1}
ADDR=${ADDR:-127.0.0.1:18080}

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "== building"
go build -o "$work/texting" ./cmd/texting
go build -o "$work/serve-load" ./bench/serve-load

# The doubles of the outside world: the campaign data source (GET: the
# groups; POST: the numbers sent, accepted) and the SMS gateway.
mkdir -p "$work/helper"
cat >"$work/helper/main.go" <<'EOF'
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"

	"github.com/texting-centre/texting/gateway/gatewaytest"
)

func main() {
	n := flag.Int("recipients", 3000, "recipients in the data source")
	flag.Parse()
	prov := gatewaytest.New(gatewaytest.WithAccount("load", "load-pass", 10_000_000))
	defer prov.Close()
	var group [][]string
	for i := 0; i < *n; i++ {
		group = append(group, []string{fmt.Sprintf("+614%08d", 20000000+i), "Sam"})
	}
	doc, _ := json.Marshal(map[string][][]string{"load group": group})
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.ParseForm()
			fmt.Fprintln(w, "OK")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	}))
	defer src.Close()
	fmt.Printf("GATEWAY_URL=%s\nSOURCE_URL=%s\n", prov.URL(), src.URL)
	os.Stdout.Sync()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	fmt.Fprintf(os.Stderr, "helper: gateway accepted %d texts\n", len(prov.Sent()))
}
EOF
go build -o "$work/helper/helper" "$work/helper/main.go"

db="$work/texting.db"
texting=("$work/texting" --db "$db")
t() { "${texting[@]}" "$@"; }

"$work/helper/helper" -recipients "$RECIPIENTS" >"$work/helper.out" 2>"$work/helper.err" </dev/null &
helper_pid=$!
pids+=("$helper_pid")
for _ in $(seq 100); do grep -q SOURCE_URL "$work/helper.out" 2>/dev/null && break; sleep 0.1; done
GATEWAY_URL=$(sed -n 's/^GATEWAY_URL=//p' "$work/helper.out")
SOURCE_URL=$(sed -n 's/^SOURCE_URL=//p' "$work/helper.out")

echo "== seeding $db"
t network add SMSBCAST --gateway >/dev/null
t sim add --network SMSBCAST --url "$GATEWAY_URL" --user load --password load-pass --phone +61400000000 \
	--limit 1000000 >/dev/null
t template add "load group" --body "{greeting} {name}, a quick question: can we call you?" >/dev/null
t config set quiet.hours off
t config set dedupe.days 1
t config set api.url "$SOURCE_URL"
TOKEN=$(t config get serve.token)

echo "== texting serve on $ADDR"
"${texting[@]}" ${SERVE_DEBUG:+--debug "$work/serve.log"} serve --addr "$ADDR" >/dev/null 2>"$work/serve.err" &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 100); do curl -sf "http://$ADDR/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "http://$ADDR/healthz" >/dev/null || { echo "serve did not start:"; cat "$work/serve.err"; exit 1; }

camp_pid=
if [ "$CAMPAIGN" = 1 ]; then
	echo "== texting campaign run ($RECIPIENTS recipients through the gateway double) at the same time"
	"${texting[@]}" ${SERVE_DEBUG:+--debug "$work/campaign.log"} campaign run --source "$SOURCE_URL" --json >"$work/campaign.json" 2>"$work/campaign.err" &
	camp_pid=$!
	pids+=("$camp_pid")
fi

echo "== load: $CLIENTS clients for $DURATION"
"$work/serve-load" -url "http://$ADDR/api/inbound?token=$TOKEN" -c "$CLIENTS" -d "$DURATION" | tee "$work/load.out"

status=0
if [ -n "$camp_pid" ]; then
	if kill -0 "$camp_pid" 2>/dev/null; then
		echo "   (the campaign was still running when the load ended)"
	fi
	if wait "$camp_pid"; then
		echo "== campaign: $(jq -c '.' "$work/campaign.json" | cut -c1-300)"
	else
		echo "== campaign run failed:"; cat "$work/campaign.err"; status=1
	fi
fi

kill -TERM "$serve_pid"
wait "$serve_pid" || { echo "serve did not stop cleanly"; status=1; }

run=$(sed -n 's/^run: *\([0-9a-f]*\).*/\1/p' "$work/load.out")
answers=$(sed -n 's/^200 answers: *\([0-9]*\).*/\1/p' "$work/load.out")
rate=$(sed -n 's/^answered: *[0-9]* (\([0-9.]*\) req\/s).*/\1/p' "$work/load.out")
p99=$(sed -n 's/^latency:.*p99 \([^ ]*\) .*/\1/p' "$work/load.out")
rows=$(t messages --in --csv | grep -c "load $run " || true)
sent=$(t messages --out --csv | grep -c "a quick question" || true)

echo "== results"
echo "callbacks answered 200: $answers; rows stored for this run: $rows"
echo "campaign texts in the database meanwhile: $sent"
echo "throughput: $rate callbacks/s (target ≥ 2000); p99 latency: $p99 (target ≤ 50ms)"
if [ "$rows" != "$answers" ]; then
	echo "FAIL: rows ($rows) ≠ 200 answers ($answers)"
	exit 1
fi
echo "ok: rows = 200 answers"
p99ms=$(awk -v d="$p99" 'BEGIN { v = d + 0; if (d ~ /µs$/) v /= 1000; else if (d ~ /[^m]s$/) v *= 1000; print v }')
if awk -v r="$rate" -v p="$p99ms" 'BEGIN { exit !(r >= 2000 && p <= 50) }'; then
	echo "ok: speed targets met"
else
	echo "speed targets missed"
	[ "$status" = 0 ] && status=2
fi
exit "$status"

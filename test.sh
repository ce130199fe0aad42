#!/usr/bin/env bash
# The README's test command: formatting, vet, and every test with the race detector.
set -euo pipefail
cd "$(dirname "$0")"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...
# -parallel 6: most parallel tests wait on emulated dongles, child processes and
# tmux rather than compute, so more of them than the 2 cores run at once.
go test -race -count=1 -parallel 6 -timeout 20m ./...

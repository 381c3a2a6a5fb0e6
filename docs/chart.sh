#!/usr/bin/env bash
# Draws docs/chart.png, the README's picture of the chart a report carries: a realistic
# incident recorded with the real binary in a temp directory (the clock fixed, so the
# picture only changes when the chart does), its ```mermaid block drawn by mermaid-cli on
# Debian's chromium (both installed by .ci/run).
#
#   docs/chart.sh            # writes docs/chart.png
#   docs/chart.sh out.png    # writes out.png
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/chart.png}

cargo build --quiet --locked
bin=$(cargo metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/debug/incident
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export INCIDENT_DIR="$work/data" INCIDENT_NOW=2026-11-21T05:00:00Z TZ=UTC USER=ana
incident() { "$bin" "$@" -q >/dev/null; }

incident open "Checkout returns 502s" --at 02:47
incident severity 2 --at 02:48
incident symptom "checkout 502 rate at 30%" --at 02:41
incident symptom "p99 latency of payments-api at 8s" --at 02:49
incident hypothesis "the 02:30 deploy of payments-api broke it" --at 02:52
incident hypothesis "the database is out of connections" --at 02:54
incident hypothesis "the card processor is degraded" --at 02:55
incident test "check the processor's status page" --for H3 --at 02:58
incident result T1 "processor all green" --rules-out --at 03:01
incident test "roll back payments-api on one canary" --for H1 --at 03:04
incident result T2 "canary still fails" --rules-out --at 03:16
incident test "count connections on the primary" --for H2 --at 03:08
incident result T3 "pool at its 500 limit, waiters piling up" --confirms H2 --at 03:14
incident stage identified --at 03:14
incident hypothesis "a batch job holds connections" --at 03:18
incident test "list sessions by client" --for H4 --at 03:20
incident result T4 "the nightly export holds 420 of them" --confirms H4 --at 03:24
incident update "checkout degraded, cause found, fix under way" --at 03:20
incident situation "pause the nightly export?" --at 03:25
incident option "pause it" --consequence "the finance report is a day late" --at 03:26
incident option "raise the pool to 800" --consequence "the primary may run out of memory" --at 03:26
incident decide O1 "fastest safe path" --at 03:27
incident stage mitigated "export paused, pool drains" --at 03:31
incident impact "30% of checkouts failed, about 4,100 orders" --from 02:41 --to 03:33
incident cause "the nightly export moved to the primary" --trigger
incident cause "no per-client connection limit" --root --hypothesis H2
incident close "export paused and moved back to the replica" --root-cause H2 --at 03:58

"$bin" report >"$work/report.md"
awk '/^```mermaid$/ { inside = 1; next } inside && /^```$/ { exit } inside' \
  "$work/report.md" >"$work/chart.mmd"
[ -s "$work/chart.mmd" ] || { echo "error: the report has no chart" >&2; exit 1; }
printf '{"executablePath": "/usr/bin/chromium", "args": ["--no-sandbox"]}\n' \
  >"$work/puppeteer.json"
mmdc --quiet -p "$work/puppeteer.json" -i "$work/chart.mmd" -o "$out" \
  --width 1000 --scale 2 --backgroundColor white
echo "$out"

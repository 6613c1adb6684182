#!/usr/bin/env bash
# docs/results.md section 6: measures gossip-node --metrics: scrape latency and size, propagation delay
# histogram after N puts, idle CPU with and without the endpoint.
set -u
B=${BIN_DIR:-build/bin}
N=${N:-500}
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
$B/gossip-node --name=m1 --port=17101 --metrics=127.0.0.1:19101 >/dev/null 2>&1 & pids+=($!)
sleep 0.5
$B/gossip-node --name=m2 --port=17102 --seeds=127.0.0.1:17101 --metrics=127.0.0.1:19102 >/dev/null 2>&1 & pids+=($!)
$B/gossip-node --name=m3 --port=17103 --seeds=127.0.0.1:17101 --metrics=127.0.0.1:19103 >/dev/null 2>&1 & pids+=($!)
$B/gossip-node --name=m4 --port=17104 --seeds=127.0.0.1:17101 >/dev/null 2>&1 & pids+=($!)
sleep 3
v=$(printf 'x%.0s' $(seq 64))
t0=$(date +%s.%N)
for i in $(seq $N); do $B/gossip-ctl --node=127.0.0.1:17101 put "key$i" "$v" >/dev/null || echo "put $i failed"; done
t1=$(date +%s.%N)
echo "puts: $N in $(echo "$t1 - $t0" | bc) s"
sleep 2
curl -s http://127.0.0.1:19103/metrics > "$T/m3.txt"
echo "scrape bytes: $(wc -c < "$T/m3.txt"), lines: $(grep -vc '^#' "$T/m3.txt")"
grep -E '^gossip_(store|propagation|members|connections )' "$T/m3.txt"
for i in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' http://127.0.0.1:19103/metrics; done | sort -n > "$T/times.txt"
echo "scrape time s: median $(sed -n 25p "$T/times.txt") p90 $(sed -n 45p "$T/times.txt") max $(tail -1 "$T/times.txt")"
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
a3=$(cpu ${pids[2]}); a4=$(cpu ${pids[3]}); sleep 30; b3=$(cpu ${pids[2]}); b4=$(cpu ${pids[3]})
echo "idle CPU ticks over 30 s (100/s): m3 with --metrics $((b3-a3)), m4 without $((b4-a4))"

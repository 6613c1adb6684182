#!/usr/bin/env bash
# The synchronous-round tables of docs/results.md (section 1, "Synchronous
# rounds"): JSON summaries into docs/sims/sync-summary.jsonl.
#   bash docs/run-sync-sims.sh [build/bin]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/bin}
out=docs/sims/sync-summary.jsonl
mkdir -p docs/sims
: > "$out"

run() { # name, nodes, runs, gossip-sim options...
  local name=$1 n=$2 runs=$3
  shift 3
  echo "== $name N=$n runs=$runs" >&2
  "$bin/gossip-sim" "$@" --nodes="$n" --runs="$runs" --seed=1 --format=json 2>/dev/null |
    tail -1 | sed "s/^{/{\"name\":\"$name\",/" >> "$out"
}

for p in push pull push-pull; do
  run $p 1000 100 --protocol=$p
  run $p 10000 10 --protocol=$p
done
# Demers et al. 1987, Tables 1 and 2 (N = 1000).
for k in 1 2 3 4; do
  run rumor-push-feedback-counter$k 1000 100 --protocol=rumor --mode=push --feedback --counter=$k
done
for k in 1 2 3 4; do
  run rumor-push-blind-coin$k 1000 100 --protocol=rumor --mode=push --blind --coin=$k
done

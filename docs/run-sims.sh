#!/usr/bin/env bash
# Reproduces the simulation tables of docs/results.md (JSON summaries into
# docs/sims/, plots into docs/plots/) under --rounds=async, the rounds gossip-sim
# had before issue 10 (docs/run-sync-sims.sh: the synchronous rounds). About 10
# minutes on 2 cores.
#   bash docs/run-sims.sh [build/bin]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/bin}
out=docs/sims
mkdir -p "$out" docs/plots

run() { # name, runs at 1000 / 10000 / 100000, gossip-sim options...
  local name=$1 r1=$2 r2=$3 r3=$4
  shift 4
  for n in 1000 10000 100000; do
    local runs=$r1
    [ "$n" = 10000 ] && runs=$r2
    [ "$n" = 100000 ] && runs=$r3
    [ "$runs" = 0 ] && continue
    echo "== $name N=$n runs=$runs" >&2
    "$bin/gossip-sim" --rounds=async "$@" --nodes="$n" --runs="$runs" --seed=1 --format=json \
      2>/dev/null | tail -1 | sed "s/^{/{\"name\":\"$name\",/" >> "$out/summary.jsonl"
  done
}

: > "$out/summary.jsonl"
run push 20 5 1 --protocol=push
run pull 20 5 1 --protocol=pull
run push-pull 20 5 1 --protocol=push-pull
run anti-entropy 20 5 1 --protocol=anti-entropy
run probabilistic-f3 20 5 1 --protocol=probabilistic --fanout=3
run probabilistic-f2-p0.8 20 5 1 --protocol=probabilistic --fanout=2 --p=0.8 --k=2
for k in 1 2 3 4; do
  run rumor-push-feedback-counter$k 20 5 1 --protocol=rumor --mode=push --feedback --counter=$k --consecutive=false
done
for k in 1 2 3 4; do
  run rumor-push-blind-coin$k 20 5 1 --protocol=rumor --mode=push --blind --coin=$k
done
run rumor-pull-feedback-counter1 20 5 1 --protocol=rumor --mode=pull --feedback --counter=1
run rumor-push-pull-feedback-counter1 20 5 1 --protocol=rumor --mode=push-pull --feedback --counter=1
run rumor-counter1+anti-entropy 20 5 1 --protocol=rumor,anti-entropy --counter=1
run directed-10pct 20 5 0 --protocol=directed --subscribers=0.1
run push-loss0.2 20 5 0 --protocol=push --loss=0.2

# Push-sum: the error per round of each run.
"$bin/gossip-sim" --rounds=async --protocol=push-sum --nodes=10000 --runs=5 --seed=1 --format=json \
  --plot=docs/plots/push-sum-10000.svg > "$out/push-sum-10000.jsonl" 2>/dev/null
"$bin/gossip-sim" --rounds=async --protocol=push-sum --nodes=100000 --runs=1 --seed=1 --format=json \
  --max-rounds=120 > "$out/push-sum-100000.jsonl" 2>/dev/null
# Fraction informed per round.
for p in push pull push-pull; do
  "$bin/gossip-sim" --rounds=async --protocol=$p --nodes=10000 --runs=10 --seed=1 \
    --plot=docs/plots/$p-10000.svg > /dev/null 2>&1
done
"$bin/gossip-sim" --rounds=async --protocol=rumor --counter=1 --nodes=10000 --runs=10 --seed=1 \
  --plot=docs/plots/rumor-counter1-10000.svg > /dev/null 2>&1

#!/usr/bin/env bash
# The overlay figures of docs/results.md (section "Scale: HyParView and
# Plumtree"): at N = 10,000, HyParView + Plumtree against flooding over
# HyParView and against full membership + flooding, on the same seeds, for
# failure fractions from 0 to 95%. JSON rows into docs/sims/overlay-10000.jsonl,
# plots into docs/plots/overlay-*.svg.
#   bash docs/run-overlay-sims.sh [build/bin]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/bin}
mkdir -p docs/sims docs/plots
common=(--nodes=10000 --broadcasts=50 --seed=1 --overlay=hyparview --protocol=plumtree
        --compare=hyparview:probabilistic,full:probabilistic --format=json)
"$bin/gossip-sim" "${common[@]}" --fail=0,0.5,0.8,0.9,0.95 \
  --plot=docs/plots/overlay-reliability-10000.svg > docs/sims/overlay-10000.jsonl

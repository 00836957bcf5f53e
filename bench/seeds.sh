#!/usr/bin/env bash
# Train the shipped recipe with other seeds on the shipped split, to measure how much one run's
# figures move: each run is trained (its own geometry model), given the shipped model's settings
# and scored again as served (training.rescore, with the outside signer); then python -m bench.seeds
# gathers the cards these runs write.
#   bash bench/seeds.sh [SEED ...]    (default: 1 2 3; about 25 minutes each on 2 CPU cores)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
seeds=("$@")
if [ ${#seeds[@]} -eq 0 ]; then seeds=(1 2 3); fi
for seed in "${seeds[@]}"; do
  out="runs/seeds/seed$seed/asl_digits.h5"
  "$python" -m training --seed "$seed" --manifest models/asl_digits.manifest.json --out "$out" --no-shift
  "$python" -m bench.seeds --settings-for "$out"
  "$python" -m training.rescore --model "$out"
done

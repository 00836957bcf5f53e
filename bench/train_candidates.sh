#!/usr/bin/env bash
# Train the candidate recipes on the shared data, one after another, into runs/<name>/.
# Usage: bash bench/train_candidates.sh [NAME ...]   (default: all), then python -m bench.report_candidates. Reads ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
declare -A ARGS=(
  [default]=""  # python -m training with its defaults: what ships in models/
  # Subject-disjoint split (every run splits by subject)
  [subject-default]="--no-shift"
  [subject-ft60]="--no-shift --fine-tune-layers 60"
  [seed-strong]="--recipe seed --augment strong --photo-backgrounds 0"
  [seed-none]="--recipe seed --augment none"
  [seed-light]="--recipe seed --augment light"
  [two-phase-strong]="--recipe two-phase --augment strong --fine-tune-layers 40 --label-smoothing 0.1 --photo-backgrounds 0"
  [seed-strong-repeat]="--recipe seed --augment strong --photo-backgrounds 0"
  [seed-strong-small]="--recipe seed --augment strong --min-hand-scale 0.35 --background-probability 0.7 --photo-backgrounds 0"
  [two-phase-strong-photos]="--recipe two-phase --augment strong --fine-tune-layers 40 --label-smoothing 0.1 --photo-backgrounds 0.5"
  [two-phase-photos-cosine]="--recipe two-phase --augment strong --fine-tune-layers 40 --label-smoothing 0.1 --photo-backgrounds 0.5 --schedule cosine --learning-rate 3e-4"
  [two-phase-cosine-small]="--recipe two-phase --augment strong --fine-tune-layers 40 --label-smoothing 0.1 --photo-backgrounds 0.6 --min-hand-scale 0.45 --schedule cosine --learning-rate 3e-4"
  [two-phase-cosine-small-12]="--recipe two-phase --augment strong --fine-tune-layers 40 --label-smoothing 0.1 --photo-backgrounds 0.6 --min-hand-scale 0.4 --schedule cosine --learning-rate 3e-4 --epochs 12"
  [two-phase-collage-12]="--recipe two-phase --augment strong --fine-tune-layers 40 --label-smoothing 0.1 --background-probability 0.65 --photo-backgrounds 0.7 --min-hand-scale 0.4 --schedule cosine --learning-rate 3e-4 --epochs 12"
  [collage-12-lr5e-4]="--learning-rate 5e-4 --label-smoothing 0.1"
  [collage-12-ls0]="--label-smoothing 0"
  [collage-12-ft60]="--fine-tune-layers 60 --label-smoothing 0.1"
  [ls0-ema995]="--ema-momentum 0.995"
  [ls0-hands035]="--min-hand-scale 0.35"
  [two-phase-photos-small]="--recipe two-phase --augment strong --fine-tune-layers 40 --label-smoothing 0.1 --photo-backgrounds 0.6 --min-hand-scale 0.4 --background-probability 0.7"
)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(seed-none seed-strong seed-strong-repeat seed-strong-small two-phase-strong two-phase-strong-photos)
for name in "${names[@]}"; do
  mkdir -p "runs/$name"
  echo "== $name: ${ARGS[$name]}"
  /usr/bin/time -v "$PY" -m training ${ARGS[$name]} --seed 42 --out "runs/$name/asl_digits.h5" \
    >"runs/$name/log.txt" 2>&1 || { echo "failed: see runs/$name/log.txt"; continue; }
  grep -E "Elapsed|saved" "runs/$name/log.txt"
done

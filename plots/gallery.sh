#!/usr/bin/env bash
# Regenerates the committed gallery: the baseline's plots and the sweeps' plots shown in the README.
# Run from the project root with the project installed: bash plots/gallery.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg
coalition-sim run scenarios/baseline.yaml
for sweep in backstop_ladder leave_one_out sky_aircraft_backstop; do
  coalition-sim sweep "sweeps/$sweep.yaml" --quiet --force
done
coalition-sim levers scenarios/baseline.yaml --reps 40 --shapley --quiet

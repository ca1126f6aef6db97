#!/usr/bin/env bash
# Regenerates plots/report-baseline.png, the README's picture of the baseline's report: runs the
# baseline into a temporary folder with --report and photographs the top of report.html in headless
# Chromium (Debian: apt-get install chromium). Run from the project root with the project installed:
#   bash plots/report-screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
coalition-sim run scenarios/baseline.yaml --out "$work/baseline" --report >/dev/null
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir="$work/profile" --window-size=1100,1900 \
  --screenshot="$PWD/plots/report-baseline.png" "file://$work/baseline/report.html" 2>/dev/null
ls -l plots/report-baseline.png

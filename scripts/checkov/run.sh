#!/usr/bin/env bash
# Runs checkov (pinned, in a venv under .local/) on the synthesized default templates and prints the failed checks.
# Not part of `npm test` (it needs PyPI on first use and takes minutes); the triage of every failure is docs/CHECKOV.md.
# usage: scripts/checkov/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

CHECKOV_VERSION=3.3.30
VENV=.local/checkov-venv
OUT=.local/checkov

if [ "$#" -ne 0 ]; then
  echo "usage: scripts/checkov/run.sh" >&2
  exit 2
fi
if [ "$("$VENV/bin/checkov" --version 2>/dev/null)" != "$CHECKOV_VERSION" ]; then
  echo "checkov: installing checkov $CHECKOV_VERSION into $VENV (once)"
  rm -rf "$VENV" && python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
rm -rf "$OUT" && mkdir -p "$OUT"
echo "checkov: synthesizing the default config"
npx cdk synth --quiet --no-notices --output "$OUT/cdk.out" >"$OUT/synth.log" 2>&1 || {
  cat "$OUT/synth.log" >&2
  exit 1
}
# Exit code 1 = some checks failed: expected, every one is triaged in docs/CHECKOV.md.
"$VENV/bin/checkov" --framework cloudformation --quiet --compact \
  -f "$OUT/cdk.out/FleetStreamStateful.template.json" -f "$OUT/cdk.out/FleetStreamProcessing.template.json" || true

#!/usr/bin/env bash
# Lints every synthesized CloudFormation template with a pinned cfn-lint, for the default config and for a variant
# that turns on everything optional (NAT egress, 3 AZs, provisioned pollers, emails, warm throughput, Object Lock).
# cfn-lint lives in a Python venv under .local/venv, created here on first use, so a fresh clone needs only python3 and
# PyPI.
# usage: scripts/cfn-lint/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

CFN_LINT_VERSION=1.58.0
VENV=.local/venv
OUT=.local/cfn-lint
VARIANT='{"vpc":{"maxAzs":3,"egress":"nat","clientVpcs":[{"vpcId":"vpc-0123456789abcdef0","subnetIds":["subnet-0aaaaaaaaaaaaaaa1","subnet-0bbbbbbbbbbbbbbb2"],"securityGroupIds":["sg-0ccccccccccccccc3"]}]},"processor":{"provisionedPollers":{"minimum":1,"maximum":10}},"alertEmail":"noc@example.com","opsEmail":"ops@example.com","api":{"accountCloudWatchRole":false},"guardrails":{"stateWarmThroughput":{"readUnitsPerSecond":15000,"writeUnitsPerSecond":6000},"lakeObjectLockDays":30},"producerAccounts":["111122223333"],"ingest":{"reservedConcurrency":20}}'

if [ "$#" -ne 0 ]; then
  echo "usage: scripts/cfn-lint/run.sh" >&2
  exit 2
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "cfn-lint: python3 is not installed; install Python 3.9+ with its venv module (Debian: apt-get install python3 python3-venv)" >&2
  exit 1
fi

make_venv() { rm -rf "$VENV" && python3 -m venv "$VENV" >/dev/null 2>&1; }

if [ "$("$VENV/bin/cfn-lint" --version 2>/dev/null)" != "cfn-lint $CFN_LINT_VERSION" ]; then
  echo "cfn-lint: installing cfn-lint $CFN_LINT_VERSION into $VENV (once)"
  if ! make_venv; then
    # Debian/Ubuntu ship venv separately; install it when we may, else say exactly what is missing.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get install -y -qq python3-venv >/dev/null
      make_venv
    else
      echo "cfn-lint: 'python3 -m venv' failed; install the venv module (Debian: apt-get install python3-venv)" >&2
      exit 1
    fi
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
fi

# The update-safety test reads create-only lists extracted from these schemas; they must match this cfn-lint.
"$VENV/bin/python" scripts/cfn-lint/create-only.py check test/infra/create-only-properties.json

rm -rf "$OUT" && mkdir -p "$OUT"
synth() { # <name> [cdk args…]: the real app (bin/app.ts, cdk-nag included, bundles built), quiet unless it fails
  local name=$1
  shift
  if ! npx cdk synth --quiet --no-notices --output "$OUT/$name" "$@" >"$OUT/$name.log" 2>&1; then
    cat "$OUT/$name.log" >&2
    echo "cfn-lint: cdk synth ($name) failed" >&2
    exit 1
  fi
}
echo "cfn-lint: synthesizing the default config and the all-options variant"
synth default
synth variant -c "fleetstream=$VARIANT"

# Exit code: bit 2 = errors, 4 = warnings, 8 = informational; anything not ignored in the config fails.
"$VENV/bin/cfn-lint" --config-file scripts/cfn-lint/cfnlintrc.yaml -- "$OUT"/*/*.template.json
echo "cfn-lint $CFN_LINT_VERSION: $(ls "$OUT"/*/*.template.json | wc -l) templates, no errors or unlisted warnings"

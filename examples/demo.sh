#!/usr/bin/env bash
# The issue-2 demo: local sites (real Mosquitto with dynamic security, real Node-RED), the sites-and-topics example
# deployed by the engine harness (or a real `pulumi` CLI when one is on PATH), topics shown working through their
# roles, a refresh, and a destroy that leaves the brokers clean.
#
# TODO(flink): the example's sites run Node-RED for now (tests/nodered). When branch wt-flink-standin is merged
# and the provider has a Flink binder, offer `--engine flink` here (speck-testbed sites --engine flink) and add the
# stream jobs of the pipeline to the example.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
program=examples/sites-and-topics
stack=local
work=$(mktemp -d)
export SPECK_PROVIDER="$root/out/provider/pulumi-resource-speck"

[ -x "$SPECK_PROVIDER" ] || { echo "build the provider first: make provider"; exit 1; }
[ -f tests/nodered/node_modules/node-red/red.js ] || npm ci --prefix tests/nodered --no-audit --no-fund
dotnet build tests/Speck.Testbed -c Release --nologo -v q >/dev/null
dotnet build tests/Speck.Harness -c Release --nologo -v q >/dev/null
testbed="$root/tests/Speck.Testbed/bin/Release/net10.0/speck-testbed"
engine() { "$root/tests/Speck.Harness/bin/Release/net10.0/speck-engine" "$@" --cwd "$program" --stack "$stack"; }
if command -v pulumi >/dev/null; then
  echo "== using the pulumi CLI found on PATH (local backend in $work)"
  export PULUMI_BACKEND_URL="file://$work" PULUMI_CONFIG_PASSPHRASE="demo"
  mkdir -p "$work/bin" && cp "$root"/out/provider/* "$work/bin/" && export PATH="$work/bin:$PATH"
  (cd "$program" && pulumi stack select --create "$stack" >/dev/null)
  engine() {
    case "$1" in
      output:*) (cd "$program" && pulumi stack output "${1#output:}" --stack "$stack") ;;
      *) (cd "$program" && pulumi "$1" --yes --stack "$stack") ;;
    esac
  }
fi

echo "== starting sites edge and cloud"
"$testbed" sites --program "$program" --stack "$stack" --sites edge,cloud --ready "$work/ready" &
sites=$!
cleanup() { kill "$sites" 2>/dev/null && wait "$sites" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 600); do [ -f "$work/ready" ] && break; kill -0 "$sites" 2>/dev/null || exit 1; sleep 0.1; done
[ -f "$work/ready" ] || { echo "sites did not start"; exit 1; }

echo; echo "== speck-engine up"
engine up --yes

topic=$(engine output:rawTopic); pub=$(engine output:rawPublishRole); sub=$(engine output:rawSubscribeRole)
echo; echo "== topic '$topic' through its roles ($pub, $sub)"
"$testbed" pubsub --program "$program" --stack "$stack" --site edge --topic "$topic" --publish-role "$pub" --subscribe-role "$sub"

echo; echo "== refresh"
engine refresh --yes

echo; echo "== destroy"
engine destroy --yes

echo; echo "== stopping sites"

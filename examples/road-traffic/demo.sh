#!/usr/bin/env bash
# The road-traffic demo (issue 4): four local sites (edge1..edge3, cloud: real Mosquitto with dynamic security and real
# Node-RED each), the SpecK paper's pipeline (docs/speck-paper.md §Fig. 7: road traffic) deployed by the engine harness
# (or a real `pulumi` CLI when one is on PATH), traffic driven into every edge with the statistics checked and shown,
# the adaptation applied (a job added, one moved: only those are touched), everything destroyed, the same pipeline
# deployed again from its TypeScript program (traffic checked), destroyed, and the sites stopped. Loopback only.
# Knobs: DEMO_SECONDS (traffic per phase, default 15), DEMO_RATE (detections per second per edge, default 10).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d)
program="$work/road-traffic"   # a working copy: the adaptation replaces its Pulumi.yaml, as an operator would
stack=local
seconds=${DEMO_SECONDS:-15}
rate=${DEMO_RATE:-10}
mkdir -p "$program" && cp -r examples/road-traffic/Pulumi.yaml examples/road-traffic/functions "$program/"
source examples/demo-lib.sh

echo "== starting sites edge1, edge2, edge3 and cloud"
start_sites edge1,edge2,edge3,cloud

echo; echo "== up: 4 sites, 11 topics, 10 stream jobs (one Node-RED flow each)"
engine up --yes
jobs=$(engine output:jobs); roles=$(engine output:rawPublishRoles)

echo; echo "== traffic: ${seconds} s at ${rate} detections/s into each edge, 10 % malformed"
"$testbed" road-traffic --program "$program" --stack "$stack" --roles "$roles" --jobs "$jobs" \
  --seconds "$seconds" --rate "$rate" --malformed 0.1 --title "Messages per job"

echo; echo "== adaptation: add a congestion alert job in the cloud, move Job 4 (global statistics) to edge1"
diff -u "$program/Pulumi.yaml" examples/road-traffic/adapt/Pulumi.yaml | grep -E '^[+-] ' | grep -vE '^[+-] +#' | head -12 || true
cp examples/road-traffic/adapt/Pulumi.yaml "$program/Pulumi.yaml"
engine up --yes
adapted=$(engine output:jobs)

echo; echo "== traffic through the adapted pipeline (the nine edge flows kept their flow IDs and were not restarted)"
"$testbed" road-traffic --program "$program" --stack "$stack" --roles "$roles" --jobs "$adapted" --previous-jobs "$jobs" \
  --seconds "$seconds" --rate "$((rate * 2))" --malformed 0.1 --title "Messages per job, adapted"

echo; echo "== destroy"
engine destroy --yes

echo; echo "== the same pipeline as a TypeScript program (examples/road-traffic/typescript, the generated sdk/nodejs):"
echo "   sites wired by \`site: edge.connection\`, endpoints only, logins from the provider's speck:credentials"
program="$work/road-traffic-ts"
"$testbed" typescript-program --source examples/road-traffic/typescript --into "$program"
cp -r examples/road-traffic/functions "$work/road-traffic/Pulumi.$stack.yaml" "$program/"
if command -v pulumi >/dev/null; then (cd "$program" && pulumi stack select --create "$stack" >/dev/null); fi
engine up --yes
ts_jobs=$(engine output:jobs); ts_roles=$(engine output:rawPublishRoles)
"$testbed" road-traffic --program "$program" --stack "$stack" --roles "$ts_roles" --jobs "$ts_jobs" \
  --seconds "$seconds" --rate "$rate" --malformed 0.1 --title "Messages per job, TypeScript program"
engine destroy --yes

echo; echo "== stopping sites"
stop_sites

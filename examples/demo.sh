#!/usr/bin/env bash
# The demo, in two parts. Part 1 (issue 2): local sites (real Mosquitto with dynamic security, real Node-RED), the
# sites-and-topics example deployed by the engine harness (or a real `pulumi` CLI when one is on PATH), topics shown
# working through their roles, a refresh, and a destroy that leaves the brokers clean. Part 2 (issue 4):
# examples/road-traffic/demo.sh, the SpecK paper's road-traffic pipeline (docs/speck-paper.md §Fig. 7: road traffic) on
# four sites with data flowing, adapted, and torn down.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
program=examples/sites-and-topics
stack=local
work=$(mktemp -d)
source examples/demo-lib.sh

rm -f "$program/.speck-state/$stack".*   # state of an earlier run names sites that are gone
echo "== starting sites edge and cloud"
start_sites edge,cloud

echo; echo "== speck-engine up"
engine up --yes

topic=$(engine output:rawTopic); pub=$(engine output:rawPublishRole); sub=$(engine output:rawSubscribeRole)
echo; echo "== topic '$topic' through its roles ($pub, $sub)"
"$testbed" pubsub --program "$program" --stack "$stack" --site edge --topic "$topic" --publish-role "$pub" --subscribe-role "$sub"

echo; echo "== an operator deletes the publish role by hand; refresh shows the drift, up repairs it"
"$testbed" dynsec --program "$program" --stack "$stack" --site edge -- deleteRole "$pub"
engine refresh --yes
engine up --yes

echo; echo "== destroy"
engine destroy --yes

echo; echo "== stopping sites"
stop_sites

echo; echo "== part 2: the road-traffic pipeline"
bash examples/road-traffic/demo.sh

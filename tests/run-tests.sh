#!/usr/bin/env bash
# Runs every test (unit, schema, wire conformance, harness end-to-end against real brokers) and ends with the
# plain summary line CI reads: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
dotnet test tests/Speck.Tests/Speck.Tests.csproj -c Release --nologo 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
line=$(grep -E "^(Passed|Failed)!" "$log" | tail -n 1)
num() { echo "$line" | sed -nE "s/.*$1:[[:space:]]*([0-9]+).*/\1/p"; }
passed=$(num Passed); failed=$(num Failed); skipped=$(num Skipped)
echo
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
rm -f "$log"
if [ -z "$line" ] && [ "$rc" -eq 0 ]; then echo "no test ran"; exit 1; fi
exit "$rc"

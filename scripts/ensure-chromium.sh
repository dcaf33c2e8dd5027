#!/usr/bin/env bash
# Installs Debian's chromium for the Playwright tests when it is missing (Playwright cannot
# download its own browser on isolated networks). Needs root or passwordless sudo.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "chromium is missing: installing Debian's chromium package (one time)…"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: chromium is not installed and this user cannot install it; run: apt-get install chromium" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium

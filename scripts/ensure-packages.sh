#!/usr/bin/env bash
# Installs the Debian packages a test needs, only those missing: `scripts/ensure-packages.sh pkg...`.
# Idempotent and quick when everything is there; `apt-get update` runs at most once per call, and only
# when something is missing. Needs root (tests and CI run as root).
set -euo pipefail
missing=()
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-packages: missing ${missing[*]}; run as root (or apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "ensure-packages: installed ${missing[*]}" >&2

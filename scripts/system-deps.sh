#!/usr/bin/env bash
# Debian packages the project needs, installed when missing (never a downloader):
#   pdf      Pango for WeasyPrint and Noto CJK fonts, so Chinese statements render in PDFs
#   browser  Chromium for the Playwright checkout test
# Usage: scripts/system-deps.sh pdf [browser]
set -euo pipefail
missing=()
for need in "$@"; do
  case "$need" in
    pdf)
      ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
      dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
      ;;
    browser) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    *) echo "system-deps.sh: unknown need '$need' (pdf, browser)" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
echo "Installing from Debian: ${missing[*]}"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Install the Debian packages Matchmaker needs when they are absent:
#   runtime: Pango and fonts for WeasyPrint's PDFs
#   test:    runtime + chromium (browser tests) + postgresql (the PostgreSQL pass)
#            + poppler-utils (pdftotext reads the PDFs back in tests)
# Only as root on Debian; otherwise say what is missing.
set -euo pipefail
what="${1:-test}"
missing=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
  have_pkg "$pkg" || missing+=("$pkg")
done
if [ "$what" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages (install them): ${missing[*]}" >&2
fi

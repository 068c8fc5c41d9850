#!/usr/bin/env bash
# Open the cohort report in real clients and assert on what they render
# (scripts/check_report_clients.py says what is checked):
#   * headless Chromium: console clean, every figure visible, no sideways scrolling at
#     390 px and 800 px, at most 8 printed A4 pages, no planted name in the page;
#   * LibreOffice: the workbook converts, no planted name in what it prints; no formula cell.
# Then a negative control: a deliberately broken report must fail the same checks.
#
# Installs the Debian packages chromium, libreoffice-calc-nogui and poppler-utils when
# missing (apt; needs root or sudo; measured at about 25 s with a warm package mirror).
#
# Usage: scripts/check_report_clients.sh [OUT_DIR]     (default: out/client-check)
# Exit status 0 when the report passes and the broken report fails its checks (exit 3 of
# the .py, not a crash), 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-out/client-check}
PY=${PYTHON:-.venv/bin/python}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
if ((${#need[@]})); then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    echo "installing: ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >/dev/null
fi

status=0
echo "== the report"
"$PY" scripts/check_report_clients.py "$OUT" || status=1
echo "== negative control: a broken report must fail"
set +e
"$PY" scripts/check_report_clients.py "$OUT" --broken
broken_status=$?
set -e
if [ "$broken_status" -eq 3 ]; then
    echo "OK: the broken report failed the checks, as it must"
else
    echo "FAIL: the broken report did not fail the checks (exit $broken_status: 0 passed, 1 crashed)"
    status=1
fi
exit "$status"

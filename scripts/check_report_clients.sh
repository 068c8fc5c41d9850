#!/usr/bin/env bash
# Open the cohort report in real clients:
#   * headless Chromium renders the HTML (phone and desktop screenshots, print-to-PDF) and
#     must log no console error (a blocked resource, a script, a CSP violation ...);
#   * LibreOffice converts the workbook to PDF (it must open and convert cleanly).
# Installs the Debian packages chromium, libreoffice-calc-nogui and poppler-utils when
# missing (apt; needs root or sudo; a few minutes the first time).
#
# Usage: scripts/check_report_clients.sh [OUT_DIR]     (default: out/client-check)
# Exit status 0 when both clients are happy, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-out/client-check}
PY=${PYTHON:-.venv/bin/python}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if ((${#need[@]})); then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    echo "installing: ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >/dev/null
fi

# 1. A report with hostile text planted (script tags, formulas) next to the sample data.
"$PY" - "$OUT" <<'PYEOF'
import sys
from pathlib import Path

import pandas as pd

from followup_analytics import JobSearchLog, cohort_report
from followup_analytics.cohort.command import SAMPLES

out = Path(sys.argv[1])
if SAMPLES.exists():
    from followup_analytics import load
    log = load(SAMPLES)
else:
    from followup_analytics.samples import simulate_log
    log = simulate_log(60, (40, 80), seed=7)
apps = log.applications
hostile = apps["company"].astype("string")
hostile.iloc[: max(1, len(apps) // 20)] = '<script>alert("x")</script> =HYPERLINK("http://x","y")'
apps["company"] = hostile
log = JobSearchLog.from_frames(log.events, apps, as_of=log.as_of, report=log.report)
report = cohort_report(log, by="program", min_cell=10, title="Client check <b>bold?</b>")
print(report.to_html(out / "cohort_report.html"))
print(report.to_excel(out / "cohort_report.xlsx"))
PYEOF

status=0
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
CHROME=(chromium --headless --no-sandbox --disable-gpu --disable-background-networking
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$PROFILE"
        --enable-logging=stderr --v=0)
URL="file://$OUT/cohort_report.html"

# 2. Chromium: DOM, screenshots (phone and desktop), print to PDF; collect the console.
"${CHROME[@]}" --dump-dom "$URL" >"$OUT/dom.html" 2>"$OUT/chromium.log" || status=1
"${CHROME[@]}" --window-size=412,2200 --screenshot="$OUT/phone.png" "$URL" \
    2>>"$OUT/chromium.log" || status=1
"${CHROME[@]}" --window-size=1280,2600 --screenshot="$OUT/desktop.png" "$URL" \
    2>>"$OUT/chromium.log" || status=1
"${CHROME[@]}" --no-pdf-header-footer --print-to-pdf="$OUT/html_print.pdf" "$URL" \
    2>>"$OUT/chromium.log" || status=1
if grep -E 'CONSOLE|Uncaught|Refused to|net::ERR' "$OUT/chromium.log"; then
    echo "FAIL: console errors in headless Chromium (see $OUT/chromium.log)"
    status=1
fi
if ! grep -q '<h1>' "$OUT/dom.html"; then
    echo "FAIL: Chromium did not render the report"
    status=1
fi
if grep -q '<script>alert' "$OUT/dom.html"; then
    echo "FAIL: a planted script tag reached the DOM unescaped"
    status=1
fi

# 3. LibreOffice: the workbook converts to PDF.
soffice --headless --norestore --convert-to pdf --outdir "$OUT" "$OUT/cohort_report.xlsx" \
    >"$OUT/soffice.log" 2>&1 || status=1
if [ ! -s "$OUT/cohort_report.pdf" ]; then
    echo "FAIL: LibreOffice did not convert the workbook (see $OUT/soffice.log)"
    status=1
else
    pdftoppm -png -r 60 -f 1 -l 3 "$OUT/cohort_report.pdf" "$OUT/xlsx_page"
    pdftoppm -png -r 60 -f 1 -l 2 "$OUT/html_print.pdf" "$OUT/html_page"
fi

if [ "$status" -eq 0 ]; then
    echo "OK: Chromium rendered the HTML without console errors; LibreOffice converted the"
    echo "    workbook ($(pdfinfo "$OUT/cohort_report.pdf" 2>/dev/null | awk '/Pages/{print $2}') pages)."
    echo "    Look at $OUT/phone.png, desktop.png, html_page-*.png and xlsx_page-*.png."
fi
exit "$status"

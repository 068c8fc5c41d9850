"""Check a cohort report in real clients (run by ``scripts/check_report_clients.sh``).

Builds the report of the bundled sample cohort (with hostile text planted), then asserts on
what the clients render:

* headless Chromium, on the report as written: no console message (errors, CSP
  violations, blocked resources);
* headless Chromium on a measuring copy (the report plus a script that writes what it
  measures into the page; the report itself allows no script): every figure decoded and
  visible, page scroll width within the window at 390 px and 800 px;
* Chromium's print to PDF on A4: at most 8 pages;
* the rendered text (Chromium's DOM, LibreOffice's PDF of the workbook): none of the
  seekers' names or email addresses;
* LibreOffice: the workbook opens and converts; openpyxl: no formula cell.

``--broken`` makes a deliberately broken report (a wide element, an external image, a
planted name, a formula cell) that must fail: the negative control.
Exit status 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

MAX_A4_PAGES = 8
WIDTHS = (390, 800)
_PROBE = """<script>
window.addEventListener("load", () => {
  const imgs = [...document.images].map(i => ({ok: i.complete && i.naturalWidth > 0,
    w: i.getBoundingClientRect().width, h: i.getBoundingClientRect().height}));
  const out = {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, imgs};
  const pre = document.createElement("pre"); pre.id = "probe";
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
});
</script>"""


def _chrome(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _build(out: Path, broken: bool) -> tuple[Path, Path, list[str]]:
    from openpyxl import load_workbook

    from followup_analytics import JobSearchLog, cohort_report, load
    from followup_analytics.samples import sample_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = load(sample_path("cohort_2026.xlsx"))
    apps = log.applications
    planted = sorted(
        {str(v) for c in ("Student Name", "Email") if c in apps for v in apps[c].dropna().unique()}
    )
    hostile = apps["company"].astype("string")
    hostile.iloc[: max(1, len(apps) // 20)] = '<script>alert("x")</script> =HYPERLINK("x")'
    log = JobSearchLog.from_frames(
        log.events, apps.assign(company=hostile), as_of=log.as_of, report=log.report
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = cohort_report(
            log, by="Program", min_cell=10, salt="client check", title="Client check <b>bold?</b>"
        )
    html, xlsx = report.write(
        {"html": out / "cohort_report.html", "xlsx": out / "cohort_report.xlsx"}
    )
    if broken:
        text = html.read_text(encoding="utf-8")
        text = text.replace(
            "</footer>",
            f'<div style="width:2000px">{planted[0]}</div>'
            '<img src="https://example.invalid/x.png" alt="x"></footer>',
        )
        html.write_text(text, encoding="utf-8")
        wb = load_workbook(xlsx)
        wb["Read me"]["D1"] = "=1+1"
        wb["Read me"]["D2"] = planted[0]
        wb.save(xlsx)
    return html, xlsx, planted


def _check(out: Path, html: Path, xlsx: Path, planted: list[str]) -> list[str]:
    from openpyxl import load_workbook

    fails: list[str] = []
    profile = Path(tempfile.mkdtemp(prefix="chromium-"))
    try:
        url = html.resolve().as_uri()
        run = _chrome(profile, "--dump-dom", url)
        console = [
            ln
            for ln in run.stderr.splitlines()
            if re.search(r"CONSOLE|Uncaught|Refused to|net::ERR", ln)
        ]
        if console:
            fails.append(f"console not clean: {console[0][:160]}")
        dom = run.stdout
        if "<h1>" not in dom:
            fails.append("Chromium did not render the report")
        if "<script>alert" in dom:
            fails.append("a planted script tag reached the DOM")
        text = re.sub(r"<[^>]+>", " ", dom)
        leaked = [p for p in planted if p and p in text]
        if leaked:
            fails.append(f"planted value in the rendered HTML: {leaked[0]!r}")
        probe = out / "probe.html"
        src = html.read_text(encoding="utf-8")
        src = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", src)
        probe.write_text(src.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
        for width in WIDTHS:
            run = _chrome(
                profile,
                f"--window-size={width},900",
                "--virtual-time-budget=5000",
                "--dump-dom",
                probe.resolve().as_uri(),
            )
            m = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, re.S)
            if not m:
                fails.append(f"{width} px: the measuring copy did not report")
                continue
            got = json.loads(m.group(1).replace("&quot;", '"'))
            if got["scroll"] > got["inner"]:
                fails.append(f"{width} px: page scrolls sideways ({got['scroll']} px wide)")
            bad = [i for i in got["imgs"] if not i["ok"] or i["w"] < 50 or i["h"] < 30]
            if not got["imgs"] or bad:
                fails.append(f"{width} px: {len(bad)} of {len(got['imgs'])} figures not visible")
        a4 = out / "a4.html"
        a4.write_text(
            src.replace("@media print{", "@media print{@page{size:A4}", 1), encoding="utf-8"
        )
        pdf = out / "html_a4.pdf"
        _chrome(profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", a4.as_uri())
        pages = _pages(pdf)
        print(f"HTML printed on A4: {pages} pages")
        if not pages or pages > MAX_A4_PAGES:
            fails.append(f"HTML prints on {pages} A4 pages (at most {MAX_A4_PAGES})")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    wb = load_workbook(xlsx)
    formulas = [
        f"{ws.title}!{c.coordinate}"
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    if formulas:
        fails.append(f"formula cells in the workbook: {formulas[:3]}")
    lo = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = out / (xlsx.stem + ".pdf")
    if lo.returncode or not pdf.exists():
        fails.append(f"LibreOffice did not convert the workbook: {lo.stderr[-200:]}")
    else:
        print(f"workbook printed by LibreOffice: {_pages(pdf)} pages")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        leaked = [p for p in planted if p and p in text]
        if leaked:
            fails.append(f"planted value in LibreOffice's rendering: {leaked[0]!r}")
    return fails


def _pages(pdf: Path) -> int:
    if not pdf.exists():
        return 0
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    m = re.search(r"Pages:\s+(\d+)", info)
    return int(m.group(1)) if m else 0


#: Exit status when a check fails.
FAILED = 3


def main(argv: list[str]) -> int:
    broken = "--broken" in argv
    args = [a for a in argv if a != "--broken"]
    out = Path(args[0] if args else "out/client-check").resolve() / (
        "broken" if broken else "report"
    )
    out.mkdir(parents=True, exist_ok=True)
    html, xlsx, planted = _build(out, broken)
    fails = _check(out, html, xlsx, planted)
    for f in fails:
        print(f"FAIL: {f}")
    if not fails:
        print(f"OK: Chromium and LibreOffice render {html.name} and {xlsx.name} cleanly")
    # 3, not 1: the negative control must fail the checks, not crash (a crash exits 1)
    return FAILED if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

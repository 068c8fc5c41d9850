"""The package type-checks with mypy and pandas-stubs (configuration in pyproject.toml).

``make test`` runs mypy over the whole package; these tests keep the rules it relies on: no
module-level ignores, and a needed ignore is a per-line ``# type: ignore[code]``.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "followup_analytics"


def _sources() -> dict[str, str]:
    return {
        p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(PACKAGE.rglob("*.py"))
    }


def test_no_module_level_ignores():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert not re.search(r"^\s*ignore_errors\s*=\s*true", pyproject, flags=re.MULTILINE)
    for name, text in _sources().items():
        assert not re.search(r"^#\s*mypy:.*ignore-errors", text, flags=re.MULTILINE), name
        # a bare "# type: ignore" on a line of its own before any code silences a whole file
        head = text.split("\n\n", 1)[0]
        assert not re.search(r"^#\s*type:\s*ignore", head, flags=re.MULTILINE), name


def test_every_ignore_names_its_error_code():
    for name, text in _sources().items():
        for line in text.splitlines():
            if re.search(r"#\s*type:\s*ignore", line):
                assert re.search(r"#\s*type:\s*ignore\[[\w-]+(,\s*[\w-]+)*\]", line), (
                    f"{name}: {line.strip()}"
                )

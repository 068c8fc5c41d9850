"""Attack suite: hostile files are refused (or loaded) within memory and time budgets.

Each case of ``hostile.CASES`` (the importer's attack review) and each stored mutation seed
runs in its own forked process limited to 1.5 GB of address space and 60 s of CPU
(``attack_driver.py``). Every case and seed listed here crashed, exhausted memory, hung,
lost data or gave a misleading message before the guards (checked against the code before
them); a failing seed replays with ``python tests/attack_driver.py DIR mutant:KIND:SEED``.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import CASES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux"),
        reason="fork and rlimits: the limits are a Linux feature",
    ),
]

# seeds whose mutant crashed, ran out of memory or hung before the guards
SEEDS = {
    "xlsx": [1, 2, 3, 4, 5, 6, 7, 8],
    "ods": [4, 5],
    "xls": [1, 2, 3, 4, 5, 6, 7, 8],
    "csv": [1, 2, 3, 4, 5, 6, 7, 8],
}
BUDGET_SECONDS = 20  # for any one case, refusal or load


def _run(tmp_path: Path, ids: list[str]) -> dict:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, str(root / "tests" / "attack_driver.py"), str(tmp_path), *ids],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=True,
    )
    return json.loads(out.stdout)


def _check(results: dict) -> list[str]:
    wrong = []
    for case, got in results.items():
        want, detail = got["expect"]
        ok = (
            got["outcome"] == "refused" and want == "refuse" and re.search(detail, got["message"])
        ) or (got["outcome"] == "loaded" and want == "load" and got["rows"] == detail)
        if not ok or got.get("seconds", BUDGET_SECONDS + 1) > BUDGET_SECONDS:
            wrong.append(f"{case}: {got}")
    return wrong


def test_every_hostile_case_is_refused_or_loaded_within_budget(tmp_path):
    results = _run(tmp_path, list(CASES))
    assert set(results) == set(CASES)
    assert _check(results) == []
    # refusals name the file
    for case, got in results.items():
        if got["outcome"] == "refused":
            assert str(tmp_path) in got["message"] or "/dev/zero" in got["message"], case


def test_seeded_mutations_are_refused_within_budget(tmp_path):
    ids = [f"mutant:{kind}:{seed}" for kind, seeds in SEEDS.items() for seed in seeds]
    assert _check(_run(tmp_path, ids)) == []

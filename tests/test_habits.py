"""Project habits a newcomer relies on: licence, contributing guide, reproducible CI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_licence_file_matches_the_package_metadata():
    assert re.search(r'^license = "MIT"$', _text("pyproject.toml"), flags=re.MULTILINE)
    licence = _text("LICENSE")
    assert licence.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in licence


def test_contributing_covers_setup_tests_layers_style_and_vocabulary():
    guide = _text("CONTRIBUTING.md")
    for heading in ("## Set-up", "## Test", "## Layers", "## Style", "## Adding a vocabulary word"):
        assert heading in guide, heading
    for command in (
        "make test",
        "make test-fast",
        "followup_analytics/vocab.py",
        "tests/test_layers.py",
    ):
        assert command in guide, command
    for path in re.findall(r"`(tests/[\w/]+\.py)", guide):  # the files it names exist
        assert (ROOT / path).is_file(), path


def test_ci_sets_what_conftest_reads_for_derandomised_hypothesis():
    conftest = _text("tests/conftest.py")
    read = set(re.findall(r"os\.environ\.get\(\"(\w+)\"\)", conftest))
    assert read, "conftest.py no longer reads an environment variable"
    ci = _text(".ci/run")
    for name in read:
        assert re.search(rf"^export {name}=", ci, flags=re.MULTILINE), name
    # and it does switch the profile on: run a tiny probe the way CI runs pytest
    probe = (
        "import os, sys; sys.path.insert(0, 'tests'); import conftest; "
        "from hypothesis import settings; print(settings.default.derandomize)"
    )
    env_line = next(line for line in ci.splitlines() if line.startswith("export "))
    name, value = env_line.removeprefix("export ").split("=", 1)
    value = re.sub(r"^\"?\$\{\w+:-(\w+)\}\"?$", r"\1", value)
    env = {k: v for k, v in os.environ.items() if k not in read}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, name: value, "PYTHONPATH": str(ROOT)},
        check=True,
    ).stdout.strip()
    assert out == "True"


def _notebook_code(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def test_notebooks_set_no_global_warning_filter_and_find_samples_with_the_helper():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 4
    for path in notebooks:
        code = _notebook_code(path)
        assert "simplefilter" not in code and "filterwarnings" not in code, path.name
        if "cohort_2026.xlsx" in code or "my_tracker.xlsx" in code:
            assert "sample_path" in code, path.name
            assert 'data_samples"' not in code, path.name  # no folder search by hand


def test_sample_path_finds_the_bundled_files_and_names_the_closest():
    from followup_analytics.samples import sample_path

    assert sample_path() == ROOT / "data_samples"
    assert sample_path("cohort_2026.xlsx").is_file()
    with pytest.raises(FileNotFoundError, match=r"'cohort.xlsx' \(did you mean 'cohort_2026"):
        sample_path("cohort.xlsx")

"""Every Examples section in the package runs as a doctest, and every public function has
one (numpydoc style: the examples are part of the documentation users read)."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import warnings

import pytest

import followup_analytics as fa
from followup_analytics import plots

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules() -> list[str]:
    names = [fa.__name__]
    for info in pkgutil.walk_packages(fa.__path__, prefix=f"{fa.__name__}."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return names


def _doctests() -> dict[str, doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    found: dict[str, doctest.DocTest] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for test in finder.find(module, name):
            if test.examples and test.name.startswith(module.__name__):
                found.setdefault(test.name, test)
    return found


DOCTESTS = _doctests()


@pytest.mark.parametrize("name", sorted(DOCTESTS))
def test_docstring_examples_run(name):
    test = DOCTESTS[name]
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    out: list[str] = []
    with warnings.catch_warnings():
        # examples show results; the warnings they raise are documented with the function
        warnings.simplefilter("ignore", fa.FollowupWarning)
        runner.run(test, out=out.append, clear_globs=True)
    assert runner.failures == 0, "".join(out)


def _public_functions() -> dict[str, object]:
    found = {}
    for module, names in ((fa, fa.__all__), (plots, plots.__all__)):
        for name in names:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                found[f"{module.__name__}.{name}"] = obj
    found["followup_analytics.JobSearchLog.from_frames"] = fa.JobSearchLog.from_frames
    return found


#: Public functions whose example would be too slow to run: ``write_samples`` writes
#: about 1 MB of workbooks (tests/test_samples.py runs it).
NO_EXAMPLE = {"followup_analytics.write_samples"}


@pytest.mark.parametrize(
    "name, func", sorted((k, v) for k, v in _public_functions().items() if k not in NO_EXAMPLE)
)
def test_public_function_has_examples(name, func):
    doc = inspect.getdoc(func) or ""
    section = doc.partition("Examples\n--------\n")[2]
    assert ">>> " in section, f"{name} has no numpydoc Examples section"

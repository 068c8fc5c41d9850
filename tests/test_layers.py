"""The package's layer diagram, enforced on the source (parsed with ast, nothing imported).

    vocab, errors, schema, text, output, version  (base: import nothing above them)
      -> log, loadreport               (the data model)
      -> ingest | metrics | samples    (siblings: never import each other)
      -> plots -> cohort -> cli

A module may import modules of a lower layer and of its own component (top-level module
or sub-package). There are no import cycles between modules (imports under
``if TYPE_CHECKING:`` are annotations only and are left out of the cycle check), and no
module imports a private (``_name``) module or name from another component. Nothing inside
the package imports the façade ``followup_analytics/__init__.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "followup_analytics"
ROOT = "followup_analytics"

#: Components by layer, lowest first. Components of one layer may import each other only
#: where the layer says so (the small base modules), never between sibling sub-packages.
LAYERS: list[tuple[set[str], bool]] = [
    ({"vocab", "vocab_i18n", "errors", "schema", "text", "output", "version"}, True),
    ({"log", "loadreport"}, True),
    ({"ingest", "metrics", "samples"}, False),
    ({"plots"}, False),
    ({"cohort"}, False),
    ({"cli"}, False),
]
RANK = {comp: (i, shared) for i, (comps, shared) in enumerate(LAYERS) for comp in comps}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = (ROOT, *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path) -> list[tuple[str, tuple[str, ...], int, bool]]:
    """``(target module, imported names, line, annotation only)`` for every import of the
    package in ``module``, module-level or inside functions."""
    is_pkg = path.name == "__init__.py"
    here = module.split(".") if is_pkg else module.split(".")[:-1]
    found: list[tuple[str, tuple[str, ...], int, bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target == ROOT or target.startswith(ROOT + "."):
                names = tuple(a.name for a in node.names)
                submodules = [n for n in names if f"{target}.{n}" in MODULES]
                for n in submodules:  # ``from . import plots``: the submodule itself
                    found.append((f"{target}.{n}", (), node.lineno, typing_only))
                rest = tuple(n for n in names if n not in submodules)
                if rest or not submodules:
                    found.append((target, rest, node.lineno, typing_only))
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == ROOT or alias.name.startswith(ROOT + "."):
                    found.append((alias.name, (), node.lineno, typing_only))
            return
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _component(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_component_has_a_layer():
    components = {_component(m) for m in MODULES} - {""}
    assert components <= set(RANK), f"place {sorted(components - set(RANK))} in LAYERS"


def test_imports_go_down_the_layers():
    bad = []
    for module, imports in GRAPH.items():
        source = _component(module)
        if not source:  # the façade may import everything
            continue
        for target, _, line, _ in imports:
            dest = _component(target)
            if not dest:
                bad.append(f"{module}:{line} imports the façade {ROOT}")
            elif dest == source:
                continue
            elif RANK[dest][0] > RANK[source][0]:
                bad.append(f"{module}:{line} imports {target} from a higher layer")
            elif RANK[dest][0] == RANK[source][0] and not RANK[source][1]:
                bad.append(f"{module}:{line} imports its sibling {target}")
    assert not bad, "\n".join(bad)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_private_imports_across_components():
    bad = []
    for module, imports in GRAPH.items():
        for target, names, line, _ in imports:
            if _component(target) in ("", _component(module)):
                continue
            private_module = [p for p in target.split(".") if _private(p)]
            private_names = [n for n in names if _private(n)]
            if private_module or private_names:
                bad.append(f"{module}:{line} imports private {target} {private_names or ''}")
    assert not bad, "\n".join(bad)


def test_no_import_cycles():
    graph = {
        m: sorted({t for t, _, _, typing in imports if not typing and t in MODULES})
        for m, imports in GRAPH.items()
    }
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for module in graph:
        if module not in state:
            walk(module)
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", ["followup_analytics.cli", "followup_analytics.cohort"])
def test_the_checker_sees_imports(module):
    """Guard against a checker that silently finds nothing."""
    assert GRAPH[module], module


def test_library_code_never_silences_every_warning():
    """``warnings.simplefilter("ignore")`` without a category hides the user's warnings too
    (and bugs): library code names the categories it means."""
    bad = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            given = {k.arg for k in node.keywords}
            if name == "simplefilter" and len(node.args) < 2 and "category" not in given:
                bad.append(f"{module}:{node.lineno}")
            elif (
                name == "filterwarnings"
                and len(node.args) < 3
                and not given & {"category", "message"}
            ):
                bad.append(f"{module}:{node.lineno}")
    bad = [b for b in bad if not _always(b)]
    assert not bad, "blanket warning filters at " + ", ".join(bad)


def _always(where: str) -> bool:
    """``simplefilter("always")`` inside ``catch_warnings(record=True)`` records, it hides
    nothing."""
    module, line = where.rsplit(":", 1)
    text = MODULES[module].read_text(encoding="utf-8").splitlines()[int(line) - 1]
    return '"always"' in text or "'always'" in text

"""The import layers (docs/design.md, "Layers"): every import in rluf_core points down the stack.

The stack, bottom first; a package may import its own modules and any package in a lower tier, never
one in its own tier (siblings stay independent) or above. Imports inside functions count too.
Modules form no import cycle, inside a package or across packages. rluf_core never imports Dagster,
and a Dagster definitions module (rluf_dagster/defs/*) never imports another one.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

TIERS: list[tuple[str, ...]] = [
    ("markdown", "lake", "hashed_text", "runinfo"),  # utilities underneath everything
    ("config",),
    ("tracking", "model_aliases"),  # MLflow runs and registry aliases; read the config
    ("simulation", "ingest", "judges"),
    ("sources",),  # external data sets turned into landing files (OASST)
    ("cleaning",),
    ("quality",),  # includes the daily ingest -> clean -> label steps, gated on quality results
    ("adversarial",),
    ("feedback",),
    ("reward",),
    ("policy",),
    ("evaluation",),
    ("promotion",),
    ("jobs",),  # programs that run a whole stage (train_reward_model)
]
RANK = {name: i for i, tier in enumerate(TIERS) for name in tier}
# Inside a package split by role, the same rule over its sub-packages (bottom first).
SUB_TIERS: dict[str, list[tuple[str, ...]]] = {
    "reward": [("models",), ("features",), ("scoring",), ("training",), ("reports",), ("oasst",)],
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, module: str, modules: set[str] | None = None) -> set[str]:
    """Absolute names a file imports, anywhere in it: `from pkg import name` gives pkg.name when that
    is one of `modules`, else pkg."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for a in node.names:
                name = f"{origin}.{a.name}"
                out.add(name if modules is not None and name in modules else origin)
    return out


def import_graph(root: Path, top: str) -> dict[str, set[str]]:
    """Module -> the modules of `top` it imports."""
    files = {module_name(p, root): p for p in sorted((root / top).rglob("*.py"))}
    return {
        mod: {n for n in imported_names(path, mod, set(files)) if n in files and n != mod}
        for mod, path in files.items()
    }


def component(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """'a -> b' for every import across packages that does not point to a lower tier."""
    bad = []
    for src, targets in sorted(graph.items()):
        a = component(src)
        for dst in sorted(targets):
            b = component(dst)
            if a == b or b == "":
                continue
            if a not in RANK or b not in RANK:
                bad.append(f"{src} -> {dst} (package not in the layer list)")
            elif RANK[b] >= RANK[a]:
                bad.append(f"{src} -> {dst} ({b} is not below {a})")
    return bad


def sub_layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """The same over the sub-packages of each package in SUB_TIERS (its __init__ may re-export)."""
    bad = []
    for package, tiers in SUB_TIERS.items():
        rank = {name: i for i, tier in enumerate(tiers) for name in tier}
        prefix = f"rluf_core.{package}."
        for src, targets in sorted(graph.items()):
            if not src.startswith(prefix):
                continue
            a = src.removeprefix(prefix).split(".")[0]
            for dst in sorted(t for t in targets if t.startswith(prefix)):
                b = dst.removeprefix(prefix).split(".")[0]
                if a == b:
                    continue
                if a not in rank or b not in rank:
                    bad.append(f"{src} -> {dst} (not in the {package} sub-layers)")
                elif rank[b] >= rank[a]:
                    bad.append(f"{src} -> {dst} ({package}.{b} is not below {package}.{a})")
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: strongly connected sets of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                found.append(sorted(scc))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def package_edges(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Module edges without those into a package's own __init__ (re-exports, not dependencies)."""
    return {s: {d for d in ts if not s.startswith(d + ".")} for s, ts in graph.items()}


def test_rluf_core_imports_point_down_the_stack():
    graph = import_graph(ROOT, "rluf_core")
    assert len(graph) > 100
    assert layer_violations(graph) == []
    assert sub_layer_violations(graph) == []


def test_rluf_core_modules_form_no_import_cycle():
    assert cycles(package_edges(import_graph(ROOT, "rluf_core"))) == []


def test_every_rluf_core_package_has_a_tier():
    packages = {
        p.name
        for p in (ROOT / "rluf_core").iterdir()
        if (p / "__init__.py").exists() or p.suffix == ".py"
    } - {"__init__.py"}
    assert {p.removesuffix(".py") for p in packages} <= set(RANK)


def test_rluf_core_never_imports_dagster():
    for path in sorted((ROOT / "rluf_core").rglob("*.py")):
        names = imported_names(path, module_name(path, ROOT))
        assert not [n for n in names if n.split(".")[0].startswith("dagster")], path


def test_dagster_definition_modules_do_not_import_each_other():
    graph = import_graph(ROOT, "rluf_dagster")
    defs = {m for m in graph if m.startswith("rluf_dagster.defs.")}
    assert defs
    assert {m: graph[m] & defs for m in defs if graph[m] & defs} == {}


@pytest.mark.parametrize(
    ("victim", "line", "expected"),
    [
        (
            "rluf_core/config/reward.py",
            "from rluf_core.reward.features import text\n",
            "rluf_core.config.reward -> rluf_core.reward.features.text (reward is not below config)",
        ),
        (
            "rluf_core/simulation/rng.py",
            "from rluf_core.ingest import schema\n",
            "rluf_core.simulation.rng -> rluf_core.ingest.schema (ingest is not below simulation)",
        ),
    ],
)
def test_an_added_upward_import_is_caught(tmp_path, victim, line, expected):
    shutil.copytree(
        ROOT / "rluf_core",
        tmp_path / "rluf_core",
        ignore=shutil.ignore_patterns("__pycache__", "presets"),
    )
    target = tmp_path / victim
    target.write_text(target.read_text() + "\n\ndef _upward():\n    " + line)
    assert layer_violations(import_graph(tmp_path, "rluf_core")) == [expected]


def test_an_added_cycle_is_caught(tmp_path):
    shutil.copytree(
        ROOT / "rluf_core",
        tmp_path / "rluf_core",
        ignore=shutil.ignore_patterns("__pycache__", "presets"),
    )
    target = tmp_path / "rluf_core/cleaning/pseudonym.py"
    target.write_text(target.read_text() + "\nfrom rluf_core.cleaning.turns import clean_turns\n")
    found = cycles(package_edges(import_graph(tmp_path, "rluf_core")))
    assert any(
        {"rluf_core.cleaning.pseudonym", "rluf_core.cleaning.turns"} <= set(c) for c in found
    )


def test_an_added_upward_import_inside_reward_is_caught(tmp_path):
    shutil.copytree(
        ROOT / "rluf_core",
        tmp_path / "rluf_core",
        ignore=shutil.ignore_patterns("__pycache__", "presets"),
    )
    target = tmp_path / "rluf_core/reward/models/head.py"
    target.write_text(
        target.read_text() + "\nfrom rluf_core.reward.scoring.scorer import PLoveScorer\n"
    )
    assert sub_layer_violations(import_graph(tmp_path, "rluf_core")) == [
        "rluf_core.reward.models.head -> rluf_core.reward.scoring.scorer "
        "(reward.scoring is not below reward.models)"
    ]

"""The repository explains itself: docs/design.md exists and is what the code cites; the README is
short, with no table cell over 200 characters."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_design_document_exists_and_is_the_one_cited():
    assert (ROOT / "docs/design.md").is_file()
    stale = [
        str(p.relative_to(ROOT))
        for top in ("rluf_core", "rluf_dagster", "tests")
        for p in (ROOT / top).rglob("*.py")
        if p.name != "test_docs.py" and "DESIGN.md" in p.read_text(encoding="utf-8")
    ]
    assert stale == []


def test_readme_is_short_with_short_table_cells():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150
    cells = [
        c.strip() for line in lines if line.startswith("|") for c in line.strip("|").split("|")
    ]
    assert cells and max(len(c) for c in cells) <= 200


def test_readme_links_point_at_files():
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)#]+)\)", text) if not t.startswith("http")]
    assert targets and [t for t in targets if not (ROOT / t).exists()] == []

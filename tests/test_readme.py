"""The README's two commands stay true: CI runs the test command verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [c.strip() for c in re.findall(r"```(?:bash|sh)\n(.*?)```", section, re.S)]


def test_readme_has_exactly_two_commands_and_ci_runs_the_test_one():
    run, test = readme_commands()
    assert "approxlab serve" in run and "pip install" in run
    # fresh Debian/Ubuntu (PEP 668): in the clone, install into a virtual environment
    assert run.startswith("python3 -m venv .venv") and ".venv/bin/pip install ." in run
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci
    assert (ROOT / test.split()[-1]).exists()


def test_readme_scene_table_is_generated_from_the_registry():
    """The table is the output of ``approxlab scenes --markdown`` (no second list to edit)."""
    from approxlab.cli import scene_table
    from approxlab.scenes.registry import SCENES

    text = (ROOT / "README.md").read_text()
    table = text.split("<!-- scene table: generated", 1)[1].split("-->\n", 1)[1]
    table = table.split("\n<!-- end of scene table -->", 1)[0]
    assert table == scene_table(SCENES.values()), "run: approxlab scenes --markdown"

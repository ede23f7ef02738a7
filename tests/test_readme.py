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
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci
    assert (ROOT / test.split()[-1]).exists()


def test_readme_scene_table_matches_the_registry():
    from approxlab.scenes.registry import SCENES

    rows = re.findall(r"^\| `([a-z0-9-]+)` \|", (ROOT / "README.md").read_text(), re.M)
    assert sorted(rows) == sorted(SCENES)

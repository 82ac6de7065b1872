"""The config files: every preset in configs/ is a whole file equal to its named preset, and every
experiment's config still loads (the lab keeps working, but no test pins its lineage)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.config import EXTENDS, RunConfig
from core.presets import PRESETS, preset

ROOT = Path(__file__).resolve().parents[2]


def test_configs_holds_exactly_the_presets_each_a_whole_file():
    files = sorted(p.stem for p in (ROOT / "configs").glob("*.json"))
    assert files == sorted(PRESETS)
    for name in PRESETS:
        path = ROOT / "configs" / f"{name}.json"
        assert EXTENDS not in json.loads(path.read_text()), f"{path.name} must be readable on its own"
        assert RunConfig.load(path) == preset(name), name


@pytest.mark.parametrize("path", sorted((ROOT / "experiments" / "configs").glob("*.json")), ids=lambda p: p.name)
def test_every_experiment_config_loads(path):
    config = RunConfig.load(path)
    assert config.model.resolution == 64


SCRIPTS = sorted([*(ROOT / "scripts").glob("*.py"), *(ROOT / "experiments" / "scripts").glob("*.py")])


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_script_imports_against_the_current_core(script):
    """A moved or renamed core function breaks a script at once, not the next time someone runs it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"script_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # top level only: every script runs its work under __main__
    assert callable(getattr(module, "main", None)) or "__main__" in script.read_text()

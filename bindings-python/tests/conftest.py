"""Shared paths and helpers of the slaledger Python tests."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BINDING = REPO / "bindings-python"


def scenario_dir() -> Path:
    """The scenario corpus; `SLALEDGER_SCENARIOS=dir` replays another one (as in Rust)."""
    return Path(os.environ.get("SLALEDGER_SCENARIOS", REPO / "tests" / "scenarios"))


def scenario_files() -> list[Path]:
    """The scenario files, sorted; `SLALEDGER_SCENARIO=text` keeps names containing it."""
    text = os.environ.get("SLALEDGER_SCENARIO", "")
    return sorted(p for p in scenario_dir().glob("*.toml") if text in p.name)


# No example database on disk: every run explores afresh, and CI leaves no files behind.
from hypothesis import settings  # noqa: E402

settings.register_profile("slaledger", database=None)
settings.load_profile("slaledger")

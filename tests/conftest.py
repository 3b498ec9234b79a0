"""Shared fixtures: the real data in ../shared/data, a clean environment, a fresh library."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("VISSUE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data; the calling test is skipped, loudly, when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (set VISSUE_SHARED_DATA to its folder)")
    return path


@pytest.fixture
def samples() -> Path:
    """../shared/data/samples"""
    return shared_path("samples")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No VISSUE_* setting of the developer's leaks into a test."""
    for name in list(os.environ):
        if name.startswith("VISSUE_") and name != "VISSUE_SHARED_DATA":
            monkeypatch.delenv(name, raising=False)

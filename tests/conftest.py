"""Shared fixtures: the real data in ../shared/data, a clean environment, a fresh library."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

from vissue.readers import HEAD_CHARS
from vissue.readers.decode import decode_bytes
from vissue.work import Reject, Work

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


def sample_text(path: Path) -> str:
    """A sample file's text, decoded as `read_path` decodes it."""
    return decode_bytes(path.read_bytes(), file=str(path))[0]


def sniff_head(text: str) -> str:
    """The head of a text that `detect_format` gives each reader's `sniff`."""
    return text[:HEAD_CHARS].lstrip("\ufeff \t\r\n")


def read_records(path: Path, module: ModuleType) -> list[Work | Reject]:
    """Every record the reader `module` makes of a sample file."""
    return list(module.read(sample_text(path), file=str(path)))


def only_works(records: Iterable[Work | Reject]) -> list[Work]:
    """The records, which must all be Works (a Reject among them fails the test, shown)."""
    records = list(records)
    assert all(isinstance(r, Work) for r in records), [r for r in records if isinstance(r, Reject)]
    return records  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No VISSUE_* setting of the developer's leaks into a test."""
    for name in list(os.environ):
        if name.startswith("VISSUE_") and name != "VISSUE_SHARED_DATA":
            monkeypatch.delenv(name, raising=False)


def seed_files() -> list[Path]:
    """The WoS export (txt and bib) and the seed's RIS file: the library the issues' checks use."""
    folder = shared_path("wos-central-asia")
    return [*sorted(folder.glob("*.txt")), *sorted(folder.glob("*.bib")),
            shared_path("seed", "kazakhstan-2022", "missing-from-wos.ris")]


@pytest.fixture(scope="session")
def seed_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of the 2,795 works with its search indexes built: the real model embeds every
    work once per test session in sentence-transformers fp32 (the tests that name it; about two
    minutes on two cores) and in the default embedder (what the CLI and the desk use; under a
    minute)."""
    import shutil

    from vissue.library.ingest import ingest
    from vissue.library.store import Library
    from vissue.search.embedders import DEFAULT_EMBEDDER, make_embedder
    from vissue.search.index import SearchIndex
    from vissue.search.semantic import CACHE_NAME, SentenceTransformerEmbedder

    files = seed_files()
    folder = tmp_path_factory.mktemp("seed-library")
    # Developers' runs keep the embeddings between sessions (keyed by model and text hash, so a
    # changed text is embedded anew); CI starts from a clean clone and embeds everything.
    kept = ROOT / ".cache" / "seed-embeddings.sqlite"
    if kept.exists() and not os.environ.get("CI"):
        shutil.copy(kept, folder / CACHE_NAME)
    with Library(folder) as library:
        report = ingest(library, files)
        assert report.works == 2795, report.to_dict()["errors"]
        SearchIndex.open(library, SentenceTransformerEmbedder())
        SearchIndex.open(library, make_embedder(DEFAULT_EMBEDDER))
    if not os.environ.get("CI"):
        kept.parent.mkdir(exist_ok=True)
        shutil.copy(folder / CACHE_NAME, kept)
    return folder


CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium; Playwright never downloads a browser here
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by Playwright; the test is skipped, with the fix, when either is absent."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser test skipped: {CHROMIUM} not found (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser test skipped: the playwright package is not installed "
                    "(.venv/bin/pip install playwright; never `playwright install`)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def serving(folder: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`vissue serve --port 0` on a library folder: (its address, the process), stopped after."""
    process = subprocess.Popen([sys.executable, "-m", "vissue", "--library", str(folder), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
        assert found, f"vissue serve printed: {line!r}"
        yield found.group(1), process
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        if process.stdout is not None:
            process.stdout.close()

"""Shared test fixtures.

Every test runs with ``RAREDX_CACHE`` pointing at a per-session temporary directory, so tests
never read or write the user's index cache, and without ``RAREDX_DATA_DIR`` from the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_RELEASE = FIXTURES / "mini_release"
# the reference data beside the repository (CI: <clone>/../shared/data)
SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def raredx_cache(tmp_path_factory: pytest.TempPathFactory):
    """A session-wide, temporary index cache (``$RAREDX_CACHE``)."""
    saved = {k: os.environ.get(k) for k in ("RAREDX_CACHE", "RAREDX_DATA_DIR")}
    cache = tmp_path_factory.mktemp("raredx-cache")
    os.environ["RAREDX_CACHE"] = str(cache)
    os.environ.pop("RAREDX_DATA_DIR", None)
    yield cache
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def mini_release() -> Path:
    """The hand-written knowledge release of ``tests/fixtures/mini_release``."""
    return MINI_RELEASE


@pytest.fixture(scope="session")
def mini_engine(raredx_cache: Path, mini_release: Path):
    """An engine on the mini release (built once per session)."""
    from raredx.engine import EngineConfig, build_engine

    return build_engine(EngineConfig(mini_release), log=lambda _m: None)


@pytest.fixture(scope="session")
def mini_ontology(mini_engine):
    return mini_engine.knowledge.ontology


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; integration tests are skipped only when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA

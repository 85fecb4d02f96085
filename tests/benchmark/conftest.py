"""Fixtures of the benchmark tests: the hand-written release and cases of fixtures/benchmark."""

from __future__ import annotations

from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "fixtures" / "benchmark"


@pytest.fixture(scope="session")
def bench_release() -> Path:
    return BENCH / "release"


@pytest.fixture(scope="session")
def bench_cases_dir() -> Path:
    return BENCH / "cases"


@pytest.fixture(scope="session")
def bench_engine(raredx_cache: Path, bench_release: Path):
    from raredx.engine import EngineConfig, build_engine

    return build_engine(EngineConfig(bench_release), log=lambda _m: None)

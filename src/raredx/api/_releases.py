"""The knowledge releases the service can rank against: one engine and term index each."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from raredx.api._search import TermSearch
from raredx.engine import Engine, EngineConfig, build_engine
from raredx.knowledge import PHENOTYPIC_ABNORMALITY, cached

log = logging.getLogger("raredx.api")


@dataclass
class Release:
    name: str
    engine: Engine
    search: TermSearch
    _questions: object | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def versions(self) -> dict:
        return self.engine.knowledge.versions.as_dict()

    def questions(self):  # type: ignore[no-untyped-def]
        """The "what to examine next" engine of this release (built on first use, about 1 s)."""
        with self._lock:
            if self._questions is None:
                from raredx.questions import QuestionEngine

                self._questions = QuestionEngine(self.engine)
            return self._questions


def _load(name: str | None, data_dir: Path | None) -> Release:
    engine = build_engine(EngineConfig(data_dir), log=lambda m: log.info("%s", m))
    kb = engine.knowledge
    key = getattr(kb, "cache_key", None)
    build = lambda: TermSearch.from_ontology(kb.ontology, PHENOTYPIC_ABNORMALITY)
    search = cached(key, "api-term-search-v1", build) if key else build()
    if name is None:
        name = "hpo-" + kb.versions.hpo.rsplit("/", 1)[-1]
    t = time.perf_counter()
    engine.prepare_explanations()  # no request pays for a candidate explained the first time
    log.info("explanation profiles of %s ready in %.1f s", name, time.perf_counter() - t)
    return Release(name, engine, search)


class Releases:
    """The default release (loaded at startup) and named others (loaded on first use)."""

    def __init__(self, data_dir: Path | None, others: dict[str, Path],
                 genes_dir: Path | None = None) -> None:
        self._data_dir = data_dir
        self._genes_dir = genes_dir
        self._genes: object | None = None
        self._others = dict(others)
        self._loaded: dict[str, Release] = {}
        self._lock = threading.Lock()
        self.default: Release | None = None

    def load_default(self) -> Release:
        if self.default is None:
            self.default = _load(None, self._data_dir)
            self._loaded[self.default.name] = self.default
        return self.default

    def names(self) -> list[str]:
        d = self.load_default()
        return [d.name] + [n for n in self._others if n != d.name]

    def get(self, name: str | None) -> Release | None:
        d = self.load_default()
        if name is None or name == d.name:
            return d
        if name not in self._others:
            return None
        with self._lock:
            if name not in self._loaded:
                self._loaded[name] = _load(name, self._others[name])
            return self._loaded[name]

    def genes(self):  # type: ignore[no-untyped-def]
        """The gene knowledge for VCF files, or ``None`` when the service has none configured."""
        if self._genes_dir is None:
            return None
        with self._lock:
            if self._genes is None:
                from raredx.io import load_genes

                self._genes = load_genes(self._genes_dir, log=lambda m: log.info("%s", m))
            return self._genes

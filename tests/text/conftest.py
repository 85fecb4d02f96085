from __future__ import annotations

from pathlib import Path

import pytest

from raredx.io import read_obo
from raredx.text import Extractor, build_text_index

TEXT_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"


@pytest.fixture(scope="session")
def text_ontology():
    return read_obo(TEXT_FIXTURES / "hp.obo")


@pytest.fixture(scope="session")
def text_index(text_ontology):
    return build_text_index(text_ontology)


@pytest.fixture(scope="session")
def extractor(text_index):
    return Extractor(text_index)


@pytest.fixture()
def find(extractor):
    """Mentions of a text as ``{text: mention}`` (offsets checked on the way)."""

    def _find(text: str):
        ex = extractor.extract(text)
        for m in ex.mentions:
            assert text[m.start:m.end] == m.text
        return {m.text: m for m in ex.mentions}

    return _find

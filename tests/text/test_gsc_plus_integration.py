"""The extractor on the real HPO release and the GSC+ dev split (shared reference data)."""

from __future__ import annotations

import pytest

from raredx.io import read_obo
from raredx.text import Extractor, build_text_index

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real(shared_data):
    ontology = read_obo(shared_data / "hpo-2026-06-06" / "hp.obo.gz")
    return ontology, Extractor(build_text_index(ontology))


def test_every_abbreviation_of_the_list_is_a_current_phenotype_term(real):
    import json
    from importlib import resources

    ontology, _ = real
    raw = json.loads(resources.files("raredx").joinpath("data/text_abbreviations.json")
                     .read_text("utf-8"))
    for abbr, (tid, label) in raw["abbreviations"].items():
        cur, how = ontology.resolve(tid)
        assert how == "current", (abbr, tid)
        assert ontology.label(cur) == label, (abbr, tid)


def test_gsc_plus_dev_document_level_f1(real, shared_data):
    ontology, ex = real
    text = (shared_data / "text" / "gsc-plus" / "GSCplus_dev_gold.tsv").read_text("utf-8")
    tp = n_pred = n_gold = 0
    for block in text.split("\n\n"):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if len(lines) < 2:
            continue
        doc = lines[1]
        gold = {ontology.resolve(ln.split("\t")[3].strip())[0] for ln in lines[2:]}
        mentions = ex.extract(doc).mentions
        for m in mentions:
            assert doc[m.start:m.end] == m.text
        pred = {m.id for m in mentions}
        tp += len(gold & pred)
        n_pred += len(pred)
        n_gold += len(gold)
    p, r = tp / n_pred, tp / n_gold
    f1 = 2 * p * r / (p + r)
    assert f1 > 0.6, (p, r, f1)  # 0.72 when written; a floor that catches a broken matcher

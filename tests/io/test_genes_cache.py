"""The gene knowledge cache: genes stored as columns, rebuilt identical."""

from __future__ import annotations

import gc
from pathlib import Path

from raredx.io import _genes
from raredx.io._genes import load_genes, parse_genes

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "genes_mini"


def test_cached_gene_knowledge_is_the_parsed_one(raredx_cache):
    first = load_genes(FIX, log=lambda m: None)  # parsed (or cached by an earlier test)
    again = load_genes(FIX, log=lambda m: None)  # from the cache
    fresh = parse_genes(_genes.locate_genes(FIX))
    assert again is not first
    for gk in (first, again):
        assert gk.genes == fresh.genes and len(gk.genes) > 3
        assert gk._by_symbol == fresh._by_symbol and gk._by_hgnc == fresh._by_hgnc
        assert gk.gene_diseases == fresh.gene_diseases
        assert gk.gene("FBN1") == fresh.gene("FBN1") is not None
    assert gc.isenabled()


def test_a_cache_with_other_gene_fields_is_not_used(raredx_cache):
    gk = load_genes(FIX, log=lambda m: None)
    packed = _genes._pack(parse_genes(_genes.locate_genes(FIX)))
    assert _genes._unpack(packed).genes == gk.genes
    stale = (packed[0], ("symbol", "hgnc_id"), packed[2][:2])
    assert _genes._unpack(stale) is None

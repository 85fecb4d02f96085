"""Coverage of the MOAlmanac FDA approvals by the built-in table (integration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from raredx.therapy import TherapyMatcher, load_therapy_knowledge
from raredx.therapy._coverage import coverage, render_coverage

MOA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "therapies" / \
    "moalmanac-db-2026-05-15"


@pytest.mark.integration
@pytest.mark.skipif(not MOA.is_dir(), reason="shared reference data not present")
def test_coverage_of_moalmanac_fda_approvals():
    k = load_therapy_knowledge()
    k.genes.hgnc_path = None
    k.genes.mane_path = None
    rep = coverage(MOA, TherapyMatcher(k))
    covered, total = rep.figure(True)
    assert total > 100
    assert covered / total > 0.95
    # statements whose joined disease contradicts their text are not echoed as on-label
    wrong_disease = [r for r in rep.rows if r.agency == "fda"
                     and any(e.startswith("disease ") for e in r.errors)]
    assert len(wrong_disease) >= 10 and not any(r.covered for r in wrong_disease)
    assert all("rows onc-" in x for x in rep.false_on_label)
    # the curation errors we know of are detected
    errs = {r.statement for r in rep.rows if r.errors}
    assert {170, 172, 247, 510, 615} <= errs
    text = render_coverage(rep)
    assert "Misses" in text and "curation errors" in text

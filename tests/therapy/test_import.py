"""Importers: CIViC (hand-written fixture) and MOAlmanac (the shared copy, integration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from raredx.errors import InputError
from raredx.therapy import TherapyMatcher, Tier, load_therapy_knowledge, read_civic, read_moalmanac

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "therapy"
MOA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "therapies" / \
    "moalmanac-db-2026-05-15"


@pytest.fixture()
def k():
    k = load_therapy_knowledge()
    k.genes.hgnc_path = None
    k.genes.mane_path = None
    return k


def test_civic_import_keeps_supporting_predictive_evidence_and_reports_bad_rows(k):
    facts, problems = read_civic(FIX / "civic_mini.tsv", k)
    assert [f.id for f in facts] == ["civic-9001", "civic-9002"]
    assert all(f.status.value == "evidence" and f.origin == "civic" for f in facts)
    assert len(problems) == 2
    assert "line 5" in problems[0].where and "not understood" in problems[0].message
    assert "Blue Cheese Tumour" in problems[1].message
    k.extend(facts, "civic")
    r = TherapyMatcher(k).treat("CHS", ["IDH1 R132H"])
    civic = [f for f in r.findings if f.approval.origin == "civic"]
    assert civic and civic[0].tier is Tier.EVIDENCE_ONLY
    assert not r.tier(Tier.APPROVED_HERE)


def test_civic_rejects_files_that_are_not_exports(tmp_path, k):
    p = tmp_path / "x.tsv"
    p.write_text("a\tb\n1\t2\n")
    with pytest.raises(InputError, match="missing columns"):
        read_civic(p, k)


@pytest.mark.integration
@pytest.mark.skipif(not MOA.is_dir(), reason="shared reference data not present")
def test_moalmanac_import(k):
    facts, problems = read_moalmanac(MOA, k)
    assert len(facts) > 1000
    assert all(f.origin == "moalmanac" for f in facts)
    assert any("not supported" in p.message for p in problems)  # e.g. PD-L1 thresholds
    k.extend(facts, "moalmanac")
    r = TherapyMatcher(k).treat("AML", ["IDH2 R140Q"])
    assert any(f.approval.origin == "moalmanac" and f.tier is Tier.APPROVED_HERE
               for f in r.findings)


@pytest.mark.integration
@pytest.mark.skipif(not MOA.is_dir(), reason="shared reference data not present")
def test_curated_reference_codons_agree_with_moalmanac_cdna_protein_pairs(k):
    """Our built-in codons translate MOAlmanac's cDNA changes to MOAlmanac's protein changes."""
    import json

    from raredx.therapy import AlterationError, AltKind, parse_alteration

    bio = json.loads((MOA / "biomarkers.json").read_text())
    names = {g["id"]: g["name"] for g in json.loads((MOA / "genes.json").read_text())}
    agree, disagree, untranslated = 0, [], 0
    for b in bio:
        e = {x["name"]: x["value"] for x in b["extensions"]}
        if not (e.get("cdna_change") and e.get("protein_change") and b.get("genes")):
            continue
        gene = names[b["genes"][0]]
        try:
            a = parse_alteration(f"{gene} {e['cdna_change']}", k.genes).alteration
        except AlterationError:
            untranslated += 1
            continue
        if a.kind is not AltKind.PROTEIN:
            untranslated += 1
            continue
        p = parse_alteration(f"{gene} {e['protein_change']}", k.genes).alteration
        if a == p:
            agree += 1
        else:
            disagree.append((gene, e["cdna_change"], e["protein_change"], a.label))
    assert disagree == []
    assert agree >= 40


HGNC_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "genes"


@pytest.mark.integration
@pytest.mark.skipif(not HGNC_DIR.is_dir(), reason="shared reference data not present")
def test_install_hgnc_from_a_local_copy_checks_the_pinned_checksum(tmp_path):
    from raredx.errors import KnowledgeError
    from raredx.therapy import Genes, install_hgnc, parse_alteration

    target = install_hgnc(HGNC_DIR, tmp_path / "hgnc.txt.gz", log=lambda s: None)
    g = Genes(target)
    assert parse_alteration("MLL-r", g).alteration.gene == "KMT2A"
    p = parse_alteration("H3F3A K27M", g)
    assert p.alteration.gene == "H3-3A"
    with pytest.raises(Exception) as e:
        parse_alteration("IDH9 R132H", g)
    assert "unknown gene symbol" in str(e.value)
    bad = tmp_path / "hgnc_complete_set.txt"
    bad.write_text("hgnc_id\tsymbol\tstatus\n")
    with pytest.raises(KnowledgeError, match="not the pinned HGNC table"):
        install_hgnc(bad, tmp_path / "x.gz", log=lambda s: None)


@pytest.mark.integration
@pytest.mark.skipif(not MOA.is_dir(), reason="shared reference data not present")
def test_moalmanac_import_does_not_add_unrelated_drugs(k):
    facts, _ = read_moalmanac(MOA, k)
    k.extend(facts, "moalmanac")
    r = TherapyMatcher(k).treat("CHS", ["IDH1 R132H"])
    drugs = {d for f in r.findings for d in f.approval.therapy}
    assert drugs <= {"ivosidenib", "olutasidenib", "vorasidenib", "azacitidine"}

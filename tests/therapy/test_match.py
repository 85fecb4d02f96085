"""Evidence tiers, no false on-label claims, genetic-disease eligibility, DMD reading frame."""

from __future__ import annotations

from pathlib import Path

import pytest

from raredx.therapy import (
    Certainty,
    Eligibility,
    TherapyMatcher,
    Tier,
    amenable_skips,
    load_therapy_knowledge,
    skip_restores,
)


@pytest.fixture(scope="module")
def m() -> TherapyMatcher:
    k = load_therapy_knowledge()
    k.genes.hgnc_path = None  # independent of any HGNC table installed on this machine
    k.genes.mane_path = None
    return TherapyMatcher(k)


def drugs(rep, tier):
    return {" + ".join(f.approval.therapy) for f in rep.findings if f.tier is tier}


def test_table_loads_with_sources_and_dates(m):
    aps = m.k.approvals
    assert len(aps) > 150
    for ap in aps:
        assert ap.source, ap.id
        assert ap.date[:4].isdigit(), ap.id
        assert ap.indication.all_codes or ap.indication.disease_ids, ap.id
        assert ap.modality, ap.id


def test_idh1_in_chondrosarcoma_is_not_approved_and_says_what_exists_elsewhere(m):
    r = m.treat("chondrosarcoma", ["IDH1 R132H"])
    assert r.cancer.code == "CHS"
    assert not r.tier(Tier.APPROVED_HERE)
    assert {"ivosidenib", "olutasidenib", "vorasidenib"} <= drugs(r, Tier.APPROVED_ELSEWHERE)
    assert drugs(r, Tier.EVIDENCE_ONLY) == {"ivosidenib"}
    assert r.summary.startswith("No therapy is approved for IDH1 R132H in Chondrosarcoma (CHS)")
    assert "ivosidenib (AML, CHOL, MDS)" in r.summary


def test_aml_idh1_and_flt3_itd(m):
    r = m.treat("acute myeloid leukemia", ["IDH1 R132H", "FLT3-ITD"])
    here = drugs(r, Tier.APPROVED_HERE)
    assert {"ivosidenib", "olutasidenib", "midostaurin", "gilteritinib", "quizartinib"} <= here
    assert "enasidenib" not in here  # IDH2 only
    assert "vorasidenib" in drugs(r, Tier.APPROVED_ELSEWHERE)
    f = next(f for f in r.findings if f.approval.id == "onc-quiz-aml")
    assert f.approval.line == "first-line" and f.approval.agency.value == "FDA"
    assert f.approval.date == "2023-07-20" and f.approval.source.startswith("https://")


def test_fusion_either_partner_order_and_rearrangement(m):
    a = m.treat("CHOL", ["FGFR2::BICC1 fusion"])
    b = m.treat("CHOL", ["BICC1-FGFR2"])
    assert drugs(a, Tier.APPROVED_HERE) == drugs(b, Tier.APPROVED_HERE)
    assert drugs(a, Tier.APPROVED_HERE) == {"pemigatinib", "futibatinib"}
    # FDA approved futibatinib for intrahepatic CCA only (more specific than CHOL); EMA for CCA
    fut = {f.approval.agency.value: f for f in a.findings
           if f.approval.therapy == ("futibatinib",)}
    assert fut["FDA"].tier is Tier.APPROVED_ELSEWHERE
    assert "more specific" in fut["FDA"].indication_relation
    assert fut["EMA"].tier is Tier.APPROVED_HERE
    assert "futibatinib" in drugs(m.treat("IHCH", ["FGFR2 fusion"]), Tier.APPROVED_HERE)
    r = m.treat("ALL", ["KMT2A-r"])
    assert drugs(r, Tier.APPROVED_HERE) == {"revumenib"}
    r = m.treat("B-ALL", ["KMT2A::AFF1"])
    assert "revumenib" in drugs(r, Tier.APPROVED_HERE)


NO_APPROVAL_HERE = [
    ("CHS", "IDH1 R132H"),
    ("GB", "IDH1 R132H"),  # vorasidenib is grade 2 astrocytoma/oligodendroglioma only
    ("ALL", "FLT3-ITD"),
    ("ALL", "CD33 positive"),  # gemtuzumab is AML only (MOAlmanac codes it ALL)
    ("AML", "FGFR2 fusion"),
    ("DLBCLNOS", "EZH2 Y646N"),  # tazemetostat: follicular lymphoma only
    ("ALL", "NPM1 W288Cfs*12"),  # revumenib NPM1: AML only
    ("BL", "KMT2A-r"),  # revumenib KMT2A: acute leukaemia, not Burkitt lymphoma
    ("COADREAD", "BRAF V600E"),  # dabrafenib+trametinib tumour-agnostic excludes CRC...
    ("CHOL", "IDH2 R172K"),
    ("MEL", "IDH1 R132C"),
    ("AML", "BRAF V600E"),
    ("AASTR", "IDH1 R132H"),  # vorasidenib: grade 2 only, not anaplastic (grade 3)
    ("HCL", "CD20 positive"),  # rituximab is not approved in hairy-cell leukaemia
    ("PCALCL", "ALK fusion"),  # crizotinib: systemic ALCL only
    ("MCL", "EZH2 Y646F"),
    ("TALL", "CD19 positive"),  # blinatumomab: B-cell precursor ALL only
    ("TALL", "CD22 positive"),  # inotuzumab: B-cell precursor ALL only
]


@pytest.mark.parametrize("cancer,alt", NO_APPROVAL_HERE)
def test_no_false_on_label_claims(m, cancer, alt):
    r = m.treat(cancer, [alt])
    onlabel = [f for f in r.tier(Tier.APPROVED_HERE) if f.certainty is not Certainty.NOT_REQUIRED]
    if cancer == "COADREAD":  # ...but encorafenib + cetuximab is approved in CRC
        assert {" + ".join(f.approval.therapy) for f in onlabel} == {"encorafenib"}
    else:
        assert onlabel == [], [f.approval.id for f in onlabel]


def test_tumour_agnostic_approvals_apply_to_solid_tumours_only(m):
    assert "larotrectinib" in drugs(m.treat("CHS", ["ETV6::NTRK3"]), Tier.APPROVED_HERE)
    assert "larotrectinib" in drugs(m.treat("AML", ["ETV6::NTRK3"]), Tier.APPROVED_ELSEWHERE)
    assert "dabrafenib + trametinib" in drugs(m.treat("CHOL", ["BRAF V600E"]),
                                              Tier.APPROVED_HERE)


def test_withdrawn_approval_is_not_reported_as_approved(m):
    r = m.treat("CHOL", ["FGFR2 fusion"])
    inf = [f for f in r.findings if f.approval.therapy == ("infigratinib",)]
    assert inf and inf[0].tier is Tier.EVIDENCE_ONLY and "withdrawn" in inf[0].explanation


def test_less_specific_input_is_a_possible_match_only(m):
    r = m.treat("AML", ["FLT3 mutation"])
    q = [f for f in r.findings if f.approval.id == "onc-quiz-aml"]
    assert q and q[0].certainty is Certainty.POSSIBLE
    r = m.treat("AML", ["FLT3 D835Y"])
    assert "quizartinib" not in drugs(r, Tier.APPROVED_HERE)  # ITD only
    assert {"gilteritinib", "midostaurin"} <= drugs(r, Tier.APPROVED_HERE)


def test_ph_negative_requirement(m):
    r = m.treat("BALL", ["CD19 positive", "BCR::ABL1"])
    ids = {f.approval.id for f in r.tier(Tier.APPROVED_HERE)}
    assert "onc-blin-all-rr" in ids and "onc-blin-all-cons" not in ids
    r = m.treat("BALL", ["CD19 positive"])
    assert "onc-blin-all-cons" in {f.approval.id for f in r.tier(Tier.APPROVED_HERE)}


def test_unknown_cancer_type_suggests_nearest_oncotree_names(m):
    r = m.treat("chondrosarkoma", ["IDH1 R132H"])
    assert r.cancer is None
    p = r.problems[0]
    assert "unknown cancer type" in p.message and "Chondrosarcoma (CHS)" in p.suggestions
    r = m.treat("acute myelogenous leukaemia", ["IDH1 R132H"])
    assert r.cancer.code == "AML"


def test_bad_alteration_does_not_stop_the_others(m):
    r = m.treat("AML", ["IDH1 R132H", "IDH1 foo", "R132H"])
    assert [a.label for a in r.alterations] == ["IDH1 R132H"]
    assert len(r.problems) == 2 and "--alteration 2" in r.problems[0].where
    assert "ivosidenib" in drugs(r, Tier.APPROVED_HERE)


# -- rare genetic diseases -----------------------------------------------------------------------
def elig(m, disease, alts=()):
    parsed = m.read_alterations(alts)[0]
    return {(" + ".join(d.approval.therapy), d.approval.agency.value): d.eligibility
            for d in m.treatments_for_disease(disease, None, parsed)}


def test_sma_treatments_with_eligibility(m):
    e = elig(m, "OMIM:253300")
    assert {k[0] for k in e} >= {"nusinersen", "onasemnogene abeparvovec", "risdiplam"}
    assert set(e.values()) == {Eligibility.UNKNOWN}
    e = elig(m, "OMIM:253300", ["SMN1 exon 7 deletion homozygous"])
    assert e[("nusinersen", "FDA")] is Eligibility.ELIGIBLE
    e = elig(m, "OMIM:253300", ["SMN1 deletion"])
    assert e[("nusinersen", "FDA")] is Eligibility.PARTIAL
    # the Orphanet id of the same disease works too
    assert ("risdiplam", "FDA") in elig(m, "ORPHA:70")


def test_modalities(m):
    mods = {d.approval.therapy[0]: d.approval.modality
            for d in m.treatments_for_disease("OMIM:105210")}
    assert mods["patisiran"] == "siRNA" and mods["inotersen"] == "antisense oligonucleotide"
    mods = {d.approval.therapy[0]: d.approval.modality
            for d in m.treatments_for_disease("OMIM:253300")}
    assert mods["onasemnogene abeparvovec"].startswith("gene therapy")
    assert mods["risdiplam"] == "small molecule"


DMD = [  # deletion, exon ASO that restores the frame (from the labels' amenable groups)
    ("DMD exon 45-50 deletion", {"eteplirsen"}),
    ("DMD exon 52 deletion", {"eteplirsen", "golodirsen", "viltolarsen"}),
    ("DMD exon 48-50 deletion", {"eteplirsen"}),
    ("DMD exon 45-52 deletion", {"golodirsen", "viltolarsen"}),
    ("DMD exon 44 deletion", {"casimersen"}),
    ("DMD exon 46-47 deletion", {"casimersen"}),
    ("DMD exon 45-55 deletion", set()),  # in frame (Becker-like): no skipping needed
    ("DMD exon 3-7 deletion", set()),
]


@pytest.mark.parametrize("alt,expected", DMD)
def test_dmd_exon_skipping_eligibility(m, alt, expected):
    e = elig(m, "OMIM:310200", [alt])
    asos = {"eteplirsen", "golodirsen", "viltolarsen", "casimersen"}
    eligible = {k[0] for k, v in e.items() if v is Eligibility.ELIGIBLE and k[0] in asos}
    assert eligible == expected
    assert e[("givinostat", "FDA")] is Eligibility.NOT_REQUIRED


def test_dmd_frame_rules():
    assert amenable_skips(45, 50) == [51]
    assert sorted(amenable_skips(52, 52)) == [51, 53]
    ok, why = skip_restores(45, 55, 56)
    assert not ok and "in frame" in why
    ok, why = skip_restores(1, 5, 6)
    assert not ok and "not assessed" in why


def test_cf_genotypes(m):
    e = elig(m, "OMIM:219700", ["CFTR F508del", "CFTR G542X"])
    assert e[("elexacaftor + tezacaftor + ivacaftor", "FDA")] is Eligibility.ELIGIBLE
    assert e[("lumacaftor + ivacaftor", "FDA")] is Eligibility.PARTIAL
    assert e[("ivacaftor", "FDA")] is Eligibility.NOT_ELIGIBLE
    e = elig(m, "OMIM:219700", ["CFTR deltaF508 homozygous"])
    assert e[("lumacaftor + ivacaftor", "FDA")] is Eligibility.ELIGIBLE
    e = elig(m, "OMIM:219700", ["CFTR p.Gly551Asp"])
    assert e[("ivacaftor", "FDA")] is Eligibility.ELIGIBLE


def test_fabry_migalastat_amenability(m):
    assert elig(m, "OMIM:301500", ["GLA N215S"])[("migalastat", "FDA")] is Eligibility.ELIGIBLE
    e = elig(m, "OMIM:301500", ["GLA W162*"])
    assert e[("migalastat", "FDA")] is Eligibility.NOT_ELIGIBLE
    assert e[("agalsidase beta", "FDA")] is Eligibility.NOT_REQUIRED


def test_other_named_rare_disease_treatments(m):
    cases = {"OMIM:105400": "tofersen", "OMIM:229300": "omaveloxolone",
             "OMIM:100800": "vosoritide", "OMIM:162200": "selumetinib",
             "ORPHA:271861": "vutrisiran", "OMIM:204100": "voretigene neparvovec"}
    for d, drug in cases.items():
        assert drug in {x.approval.therapy[0] for x in m.treatments_for_disease(d)}, d
    e = elig(m, "OMIM:100800", ["FGFR3 G380R"])
    assert e[("vosoritide", "FDA")] is Eligibility.ELIGIBLE
    e = elig(m, "OMIM:105400", ["SOD1 A4V"])
    assert e[("tofersen", "FDA")] is Eligibility.GENE_LEVEL


def test_disease_without_treatment_and_cancer_label_fallback(m):
    assert m.treatments_for_disease("OMIM:000000") == []
    rows = m.treatments_for_disease("OMIM:601626", "Acute myeloid leukemia")
    assert {"ivosidenib", "gilteritinib"} <= {r.approval.therapy[0] for r in rows}
    assert all(r.eligibility is Eligibility.UNKNOWN for r in rows)


def test_requirements_of_absence_alone_do_not_match_other_biomarkers(m):
    from raredx.therapy import parse_spec
    from raredx.therapy._match import match_spec

    spec = parse_spec("!BCR::ABL1 fusion", m.k.genes)
    alts = m.read_alterations(["IDH1 R132H"])[0]
    assert match_spec(spec, alts, m.k)[0] is Certainty.NOT_REQUIRED
    spec = parse_spec("CD19 positive & !BCR::ABL1 fusion", m.k.genes)
    assert match_spec(spec, alts, m.k)[0] is None


HPOA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "hpo-2026-06-06" / \
    "phenotype.hpoa.gz"


@pytest.mark.integration
@pytest.mark.skipif(not HPOA.exists(), reason="shared reference data not present")
def test_every_disease_id_of_the_table_is_an_hpo_annotated_disease(m):
    import gzip

    with gzip.open(HPOA, "rt", encoding="utf-8") as f:
        ids = {line.split("\t", 1)[0] for line in f if not line.startswith("#")}
    used = {d for ap in m.k.approvals for d in ap.indication.disease_ids}
    assert len(used) > 80
    assert sorted(used - ids) == []


def test_module_level_treatments_for_disease_for_the_diagnose_integration():
    from raredx.therapy import treatments_for_disease

    rows = treatments_for_disease("ORPHA:83330", "Spinal muscular atrophy type 1",
                                  alterations=["SMN1 homozygous deletion"],
                                  equivalents=["OMIM:253300"])
    assert {r.approval.therapy[0] for r in rows} >= {"nusinersen", "risdiplam"}
    assert all(r.eligibility is Eligibility.ELIGIBLE for r in rows)
    assert treatments_for_disease("OMIM:154700") == []  # Marfan syndrome: none curated


def test_cancer_without_alterations_lists_what_to_test(m):
    r = m.treat("AML", [])
    assert r.summary.startswith("No alterations given for Acute Myeloid Leukemia (AML).")
    for b in ("IDH1 R132X", "FLT3 ITD", "KMT2A rearrangement", "NPM1 mutation", "CD33 positive"):
        assert b in r.summary


def test_in_frame_protein_deletion_meets_an_exon_level_biomarker(m):
    for alt in ("EGFR exon 19 deletion", "EGFR E746_A750del", "EGFR p.Glu746_Ala750del"):
        assert "osimertinib" in drugs(m.treat("NSCLC", [alt]), Tier.APPROVED_HERE), alt
    assert "osimertinib" not in drugs(m.treat("NSCLC", ["EGFR G719S"]), Tier.APPROVED_HERE)

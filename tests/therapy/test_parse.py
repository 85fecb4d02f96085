"""Every notation of one biomarker resolves to the same canonical alteration (table-driven)."""

from __future__ import annotations

from pathlib import Path

import pytest

from raredx.therapy import Alteration, AlterationError, AltKind, Genes, Zygosity, parse_alteration

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "therapy"


@pytest.fixture(scope="module")
def genes() -> Genes:
    g = Genes(FIX / "hgnc_mini.tsv")
    g.mane_path = None
    return g


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Genes:
    g = Genes(None)
    g.hgnc_path = None  # as if no HGNC table were installed
    g.mane_path = None
    return g


P = AltKind.PROTEIN
SAME = [
    (Alteration("IDH1", P, "R", 132, "H"), [
        "IDH1 R132H", "IDH1 p.R132H", "IDH1 p.Arg132His", "idh1 arg132his", "IDH1:p.R132H",
        "IDH1 p.(Arg132His)", "NM_005896.4:c.395G>A", "NM_005896:c.395G>A", "IDH1 c.395G>A",
        "IDH1:c.395G>A", "IDCD R132H"]),
    (Alteration("IDH1", P, "R", 132, "C"), ["IDH1 R132C", "NM_005896.4:c.394C>T",
                                            "IDH1 p.Arg132Cys"]),
    (Alteration("IDH2", P, "R", 172, "K"), ["IDH2 R172K", "NM_002168.4:c.515G>A",
                                            "IDH2 p.Arg172Lys"]),
    (Alteration("IDH2", P, "R", 140, "Q"), ["IDH2 R140Q", "NM_002168.4:c.419G>A"]),
    (Alteration("BRAF", P, "V", 600, "E"), ["BRAF V600E", "BRAF p.Val600Glu",
                                            "NM_004333.6:c.1799T>A"]),
    (Alteration("BRAF", P, "V", 600, "K"), ["BRAF V600K", "NM_004333.6:c.1798_1799delinsAA"]),
    (Alteration("FLT3", P, "D", 835, "Y"), ["FLT3 D835Y", "NM_004119.3:c.2503G>T",
                                            "FLT3 p.Asp835Tyr"]),
    (Alteration("KRAS", P, "G", 12, "C"), ["KRAS G12C", "NM_004985.5:c.34G>T", "KRAS p.Gly12Cys"]),
    (Alteration("EGFR", P, "L", 858, "R"), ["EGFR L858R", "NM_005228.5:c.2573T>G"]),
    (Alteration("EZH2", P, "Y", 646, "N"), ["EZH2 Y646N", "EZH2 Y641N", "NM_004456.5:c.1936T>A"]),
    (Alteration("EZH2", P, "A", 682, "G"), ["EZH2 A682G", "NM_004456.5:c.2045C>G"]),
    (Alteration("H3-3A", P, "K", 28, "M"), ["H3-3A K27M", "H3F3A K27M", "H3-3A p.Lys28Met",
                                            "NM_002107.7:c.83A>T"]),
    (Alteration("HBB", P, "E", 7, "V"), ["HBB E7V", "HBB E6V", "HBB p.Glu7Val", "HBB HbS",
                                         "NM_000518.5:c.20A>T"]),
    (Alteration("FGFR3", P, "G", 380, "R"), ["FGFR3 G380R", "NM_000142.5:c.1138G>A",
                                             "NM_000142.5:c.1138G>C", "FGFR3 p.Gly380Arg"]),
    (Alteration("CFTR", P, "F", 508, "del", end=508, value="del"), [
        "CFTR F508del", "CFTR p.Phe508del", "CFTR deltaF508", "CFTR \u0394F508",
        "CFTR c.1521_1523delCTT"]),
    (Alteration("NPM1", P, "W", 288, "fs", value="Cfs*12"), [
        "NPM1 W288Cfs*12", "NPM1 p.Trp288CysfsTer12", "NPM1 c.860_863dupTCTG", "NPM1 type A"]),
    (Alteration("FLT3", AltKind.ITD), ["FLT3-ITD", "FLT3 ITD", "flt3 internal tandem duplication",
                                       "FLT3 ITD-positive"]),
    (Alteration("FLT3", AltKind.TKD), ["FLT3-TKD", "FLT3 TKD"]),
    (Alteration("IDH1", AltKind.CODON, "R", 132), ["IDH1 R132X", "IDH1 p.Arg132Xaa",
                                                   "IDH1 R132?"]),
    (Alteration("FGFR2", AltKind.FUSION, partner="BICC1"), [
        "FGFR2::BICC1", "FGFR2::BICC1 fusion", "FGFR2-BICC1 fusion", "FGFR2/BICC1"]),
    (Alteration("BICC1", AltKind.FUSION, partner="FGFR2"), ["BICC1::FGFR2", "BICC1-FGFR2"]),
    (Alteration("BCR", AltKind.FUSION, partner="ABL1"), [
        "BCR::ABL1", "BCR-ABL1", "BCR-ABL", "Ph+", "t(9;22)", "Philadelphia chromosome"]),
    (Alteration("FGFR2", AltKind.FUSION), ["FGFR2 fusion", "FGFR2 fusion-positive"]),
    (Alteration("ALK", AltKind.FUSION), ["ALK fusion", "ALK-positive", "ALK+"]),
    (Alteration("KMT2A", AltKind.REARRANGEMENT), [
        "KMT2A-r", "KMT2A rearrangement", "KMT2A rearranged", "MLL-r", "MLL rearrangement",
        "KMT2A translocation"]),
    (Alteration("KMT2A", AltKind.FUSION, partner="AFF1"), ["KMT2A::AFF1", "t(4;11)",
                                                           "MLL-AF4"]),
    (Alteration("ERBB2", AltKind.AMPLIFICATION), ["ERBB2 amplification", "HER2 amplification",
                                                  "ERBB2 amp"]),
    (Alteration("ERBB2", AltKind.EXPRESSION, value="positive"), [
        "HER2-positive", "HER2 positive", "ERBB2 positive", "HER2+"]),
    (Alteration("MS4A1", AltKind.EXPRESSION, value="positive"), ["CD20 positive", "CD20+"]),
    (Alteration("DMD", AltKind.EXON_DELETION, pos=45, end=50), [
        "DMD exon 45-50 deletion", "DMD exons 45 to 50 deletion", "DMD del45-50",
        "DMD deletion exons 45-50", "DMD deletion of exons 45-50", "DMD ex45-50 del"]),
    (Alteration("DMD", AltKind.EXON_DELETION, pos=52, end=52), [
        "DMD exon 52 deletion", "DMD del52", "DMD exon 52 del"]),
    (Alteration("EGFR", AltKind.EXON_DELETION, pos=19, end=19), ["EGFR exon 19 deletion"]),
    (Alteration("MET", AltKind.EXON_SKIPPING, pos=14, end=14), ["MET exon 14 skipping"]),
    (Alteration("FLT3", AltKind.MUTATION), ["FLT3 mutation", "FLT3 mutated",
                                            "FLT3 any activating mutation"]),
    (Alteration("FXN", AltKind.REPEAT_EXPANSION), ["FXN GAA repeat expansion",
                                                   "FXN repeat expansion"]),
    (Alteration("", AltKind.SIGNATURE, value="MSI-H"), ["MSI-H", "MSI high"]),
    (Alteration("", AltKind.SIGNATURE, value="dMMR"), ["dMMR", "MMR deficient"]),
]


@pytest.mark.parametrize("expected,notations", SAME, ids=[s[0].label for s in SAME])
def test_every_notation_resolves_to_the_same_biomarker(genes, expected, notations):
    for n in notations:
        got = parse_alteration(n, genes).alteration
        assert got == expected, f"{n!r} -> {got!r}, expected {expected!r}"


def test_same_results_without_hgnc_table(bare):
    for expected, notations in SAME:
        for n in notations:
            if n.startswith("IDCD"):  # an alias known only from the HGNC table
                continue
            assert parse_alteration(n, bare).alteration == expected, n


def test_zygosity_is_read(genes):
    a = parse_alteration("SMN1 homozygous deletion", genes).alteration
    assert (a.gene, a.kind, a.zygosity) == ("SMN1", AltKind.DELETION, Zygosity.BIALLELIC)
    b = parse_alteration("CFTR F508del homozygous", genes).alteration
    assert b.zygosity is Zygosity.BIALLELIC and b.pos == 508
    c = parse_alteration("CFTR G551D heterozygous", genes).alteration
    assert c.zygosity is Zygosity.HETEROZYGOUS


def test_cdna_translation_notes_and_codon_only(genes):
    p = parse_alteration("NM_005896.4:c.395G>A", genes)
    assert any("p.R132H" in n for n in p.notes)
    # a codon of a curated gene that has no curated reference codon: codon number only
    q = parse_alteration("IDH1 c.300C>T", genes)
    assert q.alteration.kind is AltKind.CODON and q.alteration.pos == 100
    assert any("codon 100" in n for n in q.notes)


BAD = [
    ("IDH1 R132", "new amino acid is missing"),
    ("IDH1 foo", "cannot read alteration"),
    ("IDH1", "gives a gene but no alteration"),
    ("p.Arg132His", "names no gene"),
    ("R132H", "names no gene"),
    ("IDH1 Xyz132His", "cannot read"),
    ("NM_999999.1:c.1A>G", "not the MANE Select transcript"),
    ("IDH1 c.395C>A", "reference base C does not match"),
    ("IDH1 c.395_397del", "only coding substitutions"),
    ("", "empty"),
    ("DMD exon 45-50 duplication", "duplications are not assessed"),
    ("FLT3 positive", "ambiguous"),
]


@pytest.mark.parametrize("text,msg", BAD)
def test_unparseable_alterations_give_clear_messages(genes, text, msg):
    with pytest.raises(AlterationError) as e:
        parse_alteration(text, genes)
    assert msg in str(e.value)


def test_unknown_gene_suggests_hgnc_symbol(genes):
    # a previous symbol and an alias are mapped with a note
    p = parse_alteration("NGL amplification", genes)
    assert p.alteration.gene == "ERBB2" and "previous symbol of ERBB2" in p.notes[0]
    p = parse_alteration("p53 R175H", genes)
    assert p.alteration.gene == "TP53" and "alias of TP53" in p.notes[0]
    # ambiguous alias: refused, both genes suggested
    with pytest.raises(AlterationError) as e:
        parse_alteration("AMBI mutation", genes)
    assert e.value.suggestions == ("FAKE1", "FAKE2")
    # unknown symbol: refused with the nearest approved symbols
    with pytest.raises(AlterationError) as e:
        parse_alteration("IDH7 R132H", genes)
    assert "unknown gene symbol 'IDH7'" in str(e.value) and "IDH1" in e.value.suggestions


def test_without_hgnc_unknown_genes_are_flagged_not_validated(bare):
    p = parse_alteration("TP53 R175H", bare)
    assert p.alteration.gene == "TP53"
    with pytest.raises(AlterationError):
        parse_alteration("IDH7", bare)


def test_legacy_k27m_is_hgvs_k28m(genes):
    a = parse_alteration("H3F3A K27M", genes)
    assert a.alteration.label == "H3-3A K28M"
    assert any("alias of H3-3A" in n or "previous symbol of H3-3A" in n for n in a.notes)


def test_any_mane_transcript_maps_to_its_gene_when_gene_knowledge_is_installed(tmp_path,
                                                                              monkeypatch):
    (tmp_path / "MANE.GRCh38.v1.5.summary.txt").write_text(
        "#NCBI_GeneID\tEnsembl_Gene\tHGNC_ID\tsymbol\tname\tRefSeq_nuc\tRefSeq_prot\t"
        "Ensembl_nuc\tEnsembl_prot\tMANE_status\tGRCh38_chr\tchr_start\tchr_end\tchr_strand\n"
        "GeneID:7157\tENSG1\tHGNC:11998\tTP53\ttumor protein p53\tNM_000546.6\tNP_1\tENST1\t"
        "ENSP1\tMANE Select\tNC_000017.11\t1\t2\t-\n")
    monkeypatch.setenv("RAREDX_GENES_DIR", str(tmp_path))
    g = Genes(FIX / "hgnc_mini.tsv")
    p = parse_alteration("NM_000546.6:c.524G>A", g)
    assert (p.alteration.gene, p.alteration.kind, p.alteration.pos) == ("TP53", AltKind.CODON, 175)
    assert any("only the codon number" in n for n in p.notes)

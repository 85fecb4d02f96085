"""VCF and PED reading: genotypes, splitting, skips with reasons, annotations, bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from raredx.errors import InputError
from raredx.io import read_ped, read_vcf
from raredx.io._spike import write_bgzf
from raredx.model import AnnotationSource, IssueLevel, VariantEffect, Zygosity

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "genes_mini"
CHR1_38 = "##contig=<ID=chr1,length=248956422>"
CHR1_37 = "##contig=<ID=1,length=249250621>"
FMT = ('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
       '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">')
HEAD = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT"


def vcf(tmp_path: Path, body: list[str], samples=("proband",), meta=(CHR1_38,), name="t.vcf",
        gz=False) -> Path:
    lines = ["##fileformat=VCFv4.2", *meta, FMT, "\t".join([HEAD, *samples]), *body]
    p = tmp_path / name
    if gz:
        write_bgzf(p, lines)
    else:
        p.write_text("\n".join(lines) + "\n")
    return p


def rec(chrom, pos, ref, alt, *gts, filt="PASS", info=".", id_="."):
    return "\t".join([chrom, str(pos), id_, ref, alt, "50", filt, info, "GT:GQ", *gts])


def test_genotypes_split_and_skips_are_counted(tmp_path):
    p = vcf(tmp_path, [
        rec("chr1", 100, "A", "G", "0/1:99"),
        rec("chr1", 200, "C", "T", "1/1:99"),
        rec("chr1", 300, "G", "A,T", "1/2:99"),  # multi-allelic: two heterozygous variants
        rec("chr1", 400, "A", "<INV>", "0/1:99", info="SVTYPE=INV;END=450"),
        rec("chr1", 500, "A", "C", "0/1:99", filt="LowQual"),
        rec("chr1", 600, "A", "C", "0/0:99"),
        rec("chr1", 700, "A", "C", "./.:0"),
        rec("chr1", 800, "A", "C", "0|1:99", id_="rs1"),
    ])
    c = read_vcf(p)
    got = [(v.pos, v.alt, v.genotypes[0].zygosity) for v in c.variants]
    assert got == [
        (100, "G", Zygosity.HETEROZYGOUS), (200, "T", Zygosity.HOMOZYGOUS),
        (300, "A", Zygosity.HETEROZYGOUS), (300, "T", Zygosity.HETEROZYGOUS),
        (800, "C", Zygosity.HETEROZYGOUS),
    ]
    assert c.records == 8
    assert dict(c.skipped) == {"symbolic/structural allele": 1, "failed FILTER": 1,
                               "not carried by the patient": 1, "no call in the patient": 1}
    assert c.variants[-1].in_dbsnp and not c.variants[0].in_dbsnp
    assert c.variants[0].genotypes[0].quality == 99 and c.variants[0].line == 6
    assert any("symbolic" in i.message and i.where.endswith(":9") for i in c.issues)
    assert c.assembly == "GRCh38" and c.annotation_source is None


def test_malformed_lines_are_reported_with_line_numbers_and_reading_goes_on(tmp_path):
    p = vcf(tmp_path, [
        rec("chr1", 100, "A", "G", "0/1:99"),
        rec("chr1", "12x", "A", "G", "0/1:99"),
        "chr1\t300\t.\tA",
        rec("chr1", 400, "A", "G", "0/9:99"),
        rec("chr1", 500, "AXZ", "G", "0/1:99"),
        rec("chr1", 600, "A", "G", "0/1:99"),
    ])
    c = read_vcf(p)
    assert [v.pos for v in c.variants] == [100, 600]
    assert c.skipped["malformed line"] == 4
    where = [i.where.rsplit(":", 1)[1] for i in c.issues]
    assert where == ["7", "8", "9", "10"]
    assert all(i.level is IssueLevel.ERROR for i in c.issues)
    assert "POS '12x'" in c.issues[0].message and "columns" in c.issues[1].message


def test_bgzip_and_plain_read_the_same(tmp_path):
    body = [rec("chr1", 100, "A", "G", "0/1:99"), rec("chr1", 200, "C", "T", "1/1:30")]
    a = read_vcf(vcf(tmp_path, body))
    b = read_vcf(vcf(tmp_path, body, name="t.vcf.gz", gz=True))
    assert a.variants == [] or [v.key for v in a.variants] == [v.key for v in b.variants]
    assert len(b.variants) == 2


def test_truncated_bgzip_is_a_clear_error(tmp_path):
    body = [rec("chr1", 100 + i, "A", "G", "0/1:99") for i in range(3000)]
    p = vcf(tmp_path, body, name="t.vcf.gz", gz=True)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated or corrupt"):
        read_vcf(p)


def test_no_genotype_column(tmp_path):
    p = tmp_path / "sites.vcf"
    p.write_text("\n".join(["##fileformat=VCFv4.2", CHR1_38,
                            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
                            "chr1\t100\t.\tA\tG\t50\tPASS\t."]) + "\n")
    with pytest.raises(InputError, match="no genotype columns"):
        read_vcf(p)


def test_sample_selection(tmp_path):
    p = vcf(tmp_path, [rec("chr1", 100, "A", "G", "0/1:99", "0/0:99", "1/1:99")],
            samples=("kid", "dad", "mum"))
    with pytest.raises(InputError, match="3 samples"):
        read_vcf(p)
    with pytest.raises(InputError, match="'nobody' is not in the VCF.*kid, dad, mum"):
        read_vcf(p, sample="nobody")
    c = read_vcf(p, sample="mum")
    assert c.proband == "mum" and c.variants[0].genotypes[2].zygosity is Zygosity.HOMOZYGOUS
    assert [g.sample for g in c.variants[0].genotypes] == ["kid", "dad", "mum"]


def test_ped_picks_the_affected_and_must_match(tmp_path):
    p = vcf(tmp_path, [rec("chr1", 100, "A", "G", "0/1:99", "0/0:99", "0/0:99")],
            samples=("kid", "dad", "mum"))
    ped = tmp_path / "f.ped"
    ped.write_text("F1 kid dad mum 1 2\nF1 dad 0 0 1 1\nF1 mum 0 0 2 1\nbroken line\n")
    pedigree, issues = read_ped(ped)
    assert [m.id for m in pedigree.affected] == ["kid"]
    assert issues and "4" in issues[0].where
    c = read_vcf(p, pedigree=pedigree)
    assert c.proband == "kid"
    other = tmp_path / "other.ped"
    other.write_text("F2 x y z 1 2\n")
    with pytest.raises(InputError, match="share no individual"):
        read_vcf(p, pedigree=read_ped(other)[0])
    with pytest.raises(InputError, match="PED file does not match"):
        read_vcf(p, sample="kid", pedigree=read_ped(other)[0])


def test_assembly_detection_and_errors(tmp_path):
    body = [rec("1", 100, "A", "G", "0/1:99")]
    unknown = vcf(tmp_path, body, meta=(), name="u.vcf")
    with pytest.raises(InputError, match="cannot determine the genome assembly"):
        read_vcf(unknown)
    c = read_vcf(unknown, assembly="hg38")
    assert c.variants[0].chrom == "chr1"  # no-chr contigs are normalised
    g37 = vcf(tmp_path, body, meta=(CHR1_37,), name="g37.vcf")
    with pytest.raises(InputError, match="--liftover-chain"):
        read_vcf(g37)
    with pytest.raises(InputError, match="unknown genome assembly"):
        read_vcf(g37, assembly="hg17")
    ref = vcf(tmp_path, body, meta=("##reference=file:///refs/GRCh38_full.fa",), name="r.vcf")
    assert read_vcf(ref).input_assembly == "GRCh38"


def test_grch37_is_lifted_over_with_the_chain(tmp_path):
    p = vcf(tmp_path, [
        rec("1", 100, "A", "G", "0/1:99"),
        rec("2", 101, "AC", "A", "1/1:99"),  # minus-strand block: reverse-complemented
        rec("3", 100, "A", "G", "0/1:99"),  # no chain for chr3
    ], meta=(CHR1_37,))
    c = read_vcf(p, liftover_chain=FIX / "liftover_test.chain")
    assert c.input_assembly == "GRCh37" and c.assembly == "GRCh38"
    a, b = c.variants
    assert (a.chrom, a.pos, a.ref, a.alt, a.lifted_from) == ("chr1", 1100, "A", "G", "1:100")
    # hg19 chr2 bases 101-102 (1-based) map to 249900-249899 on the other strand: the REF
    # becomes the reverse complement starting at 249899 (anchor base on the right)
    assert (b.chrom, b.pos, b.ref, b.alt) == ("chr2", 249899, "GT", "T")
    assert c.skipped["no unique GRCh37→GRCh38 lift-over"] == 1
    with pytest.raises(InputError, match="chain file does not exist"):
        read_vcf(p, liftover_chain=tmp_path / "missing.chain")


VEP_META = ('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
            'Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Feature|HGVSc|HGVSp|HGNC_ID|'
            'gnomADe_AF|REVEL|ALLELE_NUM">')
ANN_META = ('##INFO=<ID=ANN,Number=.,Type=String,Description="Functional annotations: \'Allele | '
            'Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | '
            'Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | '
            'CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO\' ">')


def test_vep_csq_is_used(tmp_path):
    csq = ("CSQ=A|missense_variant|MODERATE|FBN1|ENST1|c.1A>G|p.M1V|HGNC:3603|0.00002|0.81|1,"
           "T|stop_gained&NMD_transcript_variant|HIGH|FBN1|ENST1|c.1A>T|p.M1*|HGNC:3603||0.1|2,"
           "A|intron_variant|MODIFIER|OTHER|ENST9||||||1")
    p = vcf(tmp_path, [rec("chr1", 100, "G", "A,T", "1/2:99", info=csq)],
            meta=(CHR1_38, VEP_META))
    c = read_vcf(p)
    assert c.annotation_source is AnnotationSource.VEP
    a, t = c.variants
    assert {x.gene_symbol: x.effect for x in a.annotations} == {
        "FBN1": VariantEffect.MISSENSE, "OTHER": VariantEffect.INTRONIC}
    assert a.frequency == pytest.approx(2e-5) and a.score("REVEL") == pytest.approx(0.81)
    fbn = next(x for x in t.annotations if x.gene_symbol == "FBN1")
    assert fbn.effect is VariantEffect.STOP_GAINED and fbn.hgvs_p == "p.M1*"
    assert fbn.gene_id == "HGNC:3603" and t.frequency is None


def test_snpeff_ann_is_used(tmp_path):
    ann = ("ANN=T|frameshift_variant|HIGH|LENSB|ENSG2|transcript|ENST2|protein_coding|2/3|"
           "c.5del|p.K2fs|||||")
    p = vcf(tmp_path, [rec("chr2", 12050, "TA", "T", "1/1:99", info=ann)],
            meta=(CHR1_38, ANN_META))
    c = read_vcf(p)
    assert c.annotation_source is AnnotationSource.SNPEFF
    (a,) = c.variants[0].annotations
    assert (a.gene_symbol, a.effect, a.hgvs_c) == ("LENSB", VariantEffect.FRAMESHIFT, "c.5del")


def test_frequency_and_scores_from_plain_info(tmp_path):
    meta = (CHR1_38, '##INFO=<ID=gnomAD_AF,Number=A,Type=Float,Description="gnomAD AF">',
            '##INFO=<ID=CADD_PHRED,Number=A,Type=Float,Description="CADD">')
    p = vcf(tmp_path, [rec("chr1", 100, "G", "A,T", "0/2:99",
                           info="gnomAD_AF=0.2,0.0001;CADD_PHRED=3,28;DB;AF=0.5")], meta=meta)
    (v,) = read_vcf(p).variants
    assert v.alt == "T" and v.frequency == pytest.approx(1e-4) and v.score("CADD") == 28
    assert v.in_dbsnp


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_vcf(tmp_path / "nope.vcf")


def test_not_a_vcf(tmp_path):
    p = tmp_path / "x.vcf"
    p.write_text("hello\tworld\n")
    with pytest.raises(InputError, match="not a VCF"):
        read_vcf(p)
    g = tmp_path / "y.vcf.gz"
    with gzip.open(g, "wt") as f:
        f.write("##fileformat=VCFv4.2\n#CHROM\tPOS\n")
    with pytest.raises(InputError, match="8 fixed VCF columns"):
        read_vcf(g)


def test_per_file_caches_do_not_hide_bad_or_different_values(tmp_path):
    # the reader caches FORMAT layouts, GT strings, GQ values and checked alleles per file:
    # a bad allele after good ones is still reported, a FORMAT change is followed, and each
    # line keeps its own genotype quality and zygosity
    p = vcf(tmp_path, [
        rec("chr1", 100, "A", "G", "0/1:99"),
        rec("chr1", 200, "A", "G", "1/1:7"),
        rec("chr1", 300, "A", "G,Q", "1/2:99"),
        "\t".join(["chr1", "400", ".", "A", "G", "50", "PASS", ".", "GQ:GT", "99:0/1"]),
        "\t".join(["chr1", "500", ".", "A", "G", "50", "PASS", ".", "GQ", "99"]),
        rec("chr1", 600, "A", "G", "0/1:99"),
    ])
    c = read_vcf(p)
    got = [(v.pos, v.alt, v.genotypes[0].zygosity, v.genotypes[0].quality) for v in c.variants]
    assert got == [(100, "G", Zygosity.HETEROZYGOUS, 99), (200, "G", Zygosity.HOMOZYGOUS, 7),
                   (300, "G", Zygosity.HETEROZYGOUS, 99), (400, "G", Zygosity.HETEROZYGOUS, 99),
                   (600, "G", Zygosity.HETEROZYGOUS, 99)]
    assert dict(c.skipped) == {"malformed line": 1, "no genotype (GT)": 1}
    assert [i.where.rsplit(":", 1)[1] for i in c.issues] == ["8", "10"]


def test_non_utf8_bytes_are_read_and_line_numbers_kept(tmp_path):
    p = vcf(tmp_path, [rec("chr1", 100, "A", "G", "0/1:99"), rec("chr1", 200, "A", "G", "0/1:99",
                                                                 info="NOTE=caf\xe9"),
                       rec("chr1", 300, "A", "TT", "0/1:99"), rec("chr1", "x", "A", "G", "0/1:99")])
    p.write_bytes(p.read_text().encode("latin-1"))
    for path in (p, vcf(tmp_path, [], name="t.vcf.gz", gz=True)):
        if path.suffix == ".gz":
            write_bgzf(path, p.read_bytes().decode("latin-1").splitlines())
        c = read_vcf(path)
        assert [v.pos for v in c.variants] == [100, 200, 300]
        assert [v.line for v in c.variants] == [6, 7, 8]
        assert c.issues[0].where.endswith(":9")


def test_single_sample_reading_matches_the_multi_sample_path(tmp_path):
    """A one-sample file is read by a path of its own (calls cached per GT/GQ string, the sample
    split only as far as GT and GQ); it must read what the general path reads for that sample."""
    cols = [
        ("GT:GQ", "0/1:99"), ("GQ:GT", "12:1/1"), ("GT", "0/1"), ("GT:GQ", "0/1"),
        ("GT:GQ", "0/1:."), ("GT:AD:GQ:PL", "1/2:3,4:7.5:1,2,3"), ("GQ:DP", "5:3"),
        ("GT:GQ", "./.:0"), ("GT:GQ", "x/1:9"), ("GT:GQ", "0/3:9"), ("GT:GQ", "1:40"),
        ("DP:GT", "3"), ("GT:GQ", "0|1:nan"), ("GT:GQ", "1/1/0:20"),
    ]
    alts = ["G", "T", "C", "A", "G", "C,T", "A", "C", "G", "T", "A", "C", "G", "T"]
    one, two = [], []
    for i, ((fmt, s), alt) in enumerate(zip(cols, alts)):
        fixed = ["chr1", str(100 * (i + 1)), ".", "A", alt, "50", "PASS", ".", fmt]
        one.append("\t".join([*fixed, s]))
        two.append("\t".join([*fixed, s, s.replace("1", "0")]))
    a = read_vcf(vcf(tmp_path, one, name="one.vcf"))
    b = read_vcf(vcf(tmp_path, two, samples=("proband", "other"), name="two.vcf"),
                 sample="proband")
    assert a.records == b.records == len(cols)
    assert a.skipped == b.skipped
    assert [(i.where.rsplit(":", 1)[1], i.message) for i in a.issues] == \
        [(i.where.rsplit(":", 1)[1], i.message) for i in b.issues]
    assert [(v.pos, v.alt, v.line, v.genotypes[0]) for v in a.variants] == \
        [(v.pos, v.alt, v.line, v.genotypes[0]) for v in b.variants]
    assert len(a.variants) >= 8


def test_the_readers_variant_maker_builds_the_same_variant():
    from raredx.io._vcf import _new_variant, _variant_maker
    from raredx.model import Genotype, Variant

    args = ("chr1", 5, "A", "AT", (Genotype("p", Zygosity.HETEROZYGOUS, 12.0),), 30.5, ("q10",),
            True, 0.001, (("CADD", 22.0),), (), 17, "1:4", None)
    made, plain = _new_variant(*args), Variant(*args)
    assert _new_variant is not Variant  # the fast path is in use for the current Variant
    assert type(made) is Variant
    assert made == plain and repr(made) == repr(plain) and hash(made) == hash(plain)
    assert _variant_maker()(*args) == plain


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty: not a VCF file"),
    (b"\n\n", "the file is empty: not a VCF file"),
    (bytes(range(256)) * 4, "line 1: binary data, not a VCF"),
    (b"chr1\t100\t.\tA\tG\n", "line 1: a record before the #CHROM header line"),
])
def test_files_that_are_not_vcfs_say_why(tmp_path, content, message):
    p = tmp_path / "x.vcf"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message) as ei:
        read_vcf(p)
    assert str(p) in str(ei.value)


def test_blank_lines_before_the_header_are_passed_over(tmp_path):
    p = vcf(tmp_path, [rec("chr1", 100, "A", "G", "0/1:99")])
    p.write_text("\n" + p.read_text())
    assert len(read_vcf(p).variants) == 1


def test_a_vcf_without_records_says_so(tmp_path):
    c = read_vcf(vcf(tmp_path, []))
    assert c.records == 0 and c.variants == []
    assert [(i.level, i.message) for i in c.issues] == [
        (IssueLevel.WARNING, "the VCF has a header but no variant record, so there are no "
         "variants to rank genes on")]


def test_a_ped_without_any_valid_line_names_the_skipped_lines(tmp_path):
    p = tmp_path / "family.ped"
    p.write_text("this is not a ped\n")
    with pytest.raises(InputError, match=r"no individual in the PED file \(expected 6 "
                       r"whitespace-separated columns.*1 line\(s\) skipped: .*family.ped:1: "
                       r"5 columns instead of 6"):
        read_ped(p)


def test_refseq_contigs_are_read_and_other_contigs_are_said(tmp_path):
    p = vcf(tmp_path, [
        rec("NC_000001.11", 100, "A", "G", "0/1:99"),
        rec("NC_012920.1", 3243, "A", "G", "1/1:99"),
        rec("chrUn_KI270742v1", 100, "A", "G", "0/1:99"),
        rec("GL000220.1", 100, "A", "G", "0/1:99"),
        rec("GL000220.1", 200, "A", "G", "0/1:99"),
    ])
    c = read_vcf(p)
    assert [v.chrom for v in c.variants] == ["chr1", "chrM", "chrUn_KI270742v1",
                                             "chrGL000220.1", "chrGL000220.1"]
    assert [i.message for i in c.issues] == [
        "3 variant(s) on 2 contig(s) that are not primary chromosomes (1-22, X, Y, MT; e.g. "
        "'chrUn_KI270742v1', 'GL000220.1'): no gene model covers them unless the VCF annotates "
        "them"]


def test_reference_sites_and_alt_equal_to_ref_are_not_variants(tmp_path):
    p = vcf(tmp_path, [
        rec("chr1", 100, "A", ".", "0/0:99"),
        rec("chr1", 200, "C", "c", "0/1:99"),
        rec("chr1", 300, "G", "T", "0/1:99"),
    ])
    c = read_vcf(p)
    assert [v.pos for v in c.variants] == [300]
    assert dict(c.skipped) == {"no ALT allele (a reference site)": 1, "ALT equals REF": 1}
    assert [(i.where, i.message) for i in c.issues] == [
        (f"{p}:7", "ALT 'c' is the same as REF; not a variant, allele skipped")]


def test_structural_deletions_and_duplications_are_read_with_their_span(tmp_path):
    p = vcf(tmp_path, [
        rec("chr1", 100, "N", "<DEL>", "0/1:99", info="SVTYPE=DEL;END=5000"),
        rec("chr1", 200, "N", "<DUP:TANDEM>", "1/1:99", info="SVTYPE=DUP;SVLEN=300"),
        rec("chr1", 300, "N", "<DEL>", "0/1:99", info="SVTYPE=DEL;SVLEN=-50"),
        rec("chr1", 400, "N", "<CN0>", "1/1:99", info="END=900"),
        rec("chr1", 500, "N", "<DEL>", "0/1:99", info="SVTYPE=DEL"),  # no end: an error
        rec("chr1", 600, "N", "<DEL>", "0/1:99", info="END=10"),  # ends before it starts
        rec("chr1", 700, "N", "<INV>", "0/1:99", info="SVTYPE=INV;END=800"),  # not analysed
        rec("chr1", 800, "N", "<DEL>", "0/0:99", info="SVTYPE=DEL"),  # not carried
    ])
    c = read_vcf(p)
    got = [(v.pos, v.alt, v.end, v.genotypes[0].zygosity, v.key) for v in c.variants]
    assert got == [
        (100, "<DEL>", 5000, Zygosity.HETEROZYGOUS, "chr1-100-N-<DEL>-5000"),
        (200, "<DUP>", 500, Zygosity.HOMOZYGOUS, "chr1-200-N-<DUP>-500"),
        (300, "<DEL>", 350, Zygosity.HETEROZYGOUS, "chr1-300-N-<DEL>-350"),
        (400, "<DEL>", 900, Zygosity.HOMOZYGOUS, "chr1-400-N-<DEL>-900"),
    ]
    assert c.variants[0].structural and c.variants[0].sv_length == 4900
    assert dict(c.skipped) == {"malformed line": 2, "symbolic/structural allele": 1,
                               "not carried by the patient": 1}
    msgs = {i.where.rsplit(":", 1)[1]: i.message for i in c.issues}
    assert "without a usable END or SVLEN" in msgs["10"] and "'<DEL>'" in msgs["10"]
    assert "without a usable END" in msgs["11"]
    assert "'<INV>' not analysed" in msgs["12"]


def test_a_grch37_structural_allele_is_lifted_at_both_ends(tmp_path):
    p = vcf(tmp_path, [
        rec("1", 100, "N", "<DEL>", "0/1:99", info="SVTYPE=DEL;END=2100"),
        # minus-strand block: the ends swap; a span leaving the chain is skipped
        rec("2", 1000, "N", "<DUP>", "0/1:99", info="SVTYPE=DUP;END=1500"),
        rec("1", 99000, "N", "<DEL>", "0/1:99", info="SVTYPE=DEL;END=120000"),
    ], meta=(CHR1_37,))
    c = read_vcf(p, liftover_chain=FIX / "liftover_test.chain")
    got = [(v.chrom, v.pos, v.end, v.alt, v.lifted_from) for v in c.variants]
    assert got == [("chr1", 1100, 3100, "<DEL>", "1:100"),
                   ("chr2", 248500, 249000, "<DUP>", "2:1000")]
    assert c.skipped["structural allele: no consistent GRCh37→GRCh38 lift-over of both ends"] == 1


def test_vep_consequences_of_a_structural_allele_are_used(tmp_path):
    csq = ("CSQ=deletion|exon_loss_variant&feature_truncation|HIGH|FBN1|ENST1|||HGNC:3603|||1,"
           "deletion|transcript_ablation|HIGH|LENSB|ENST2||||||1;SVTYPE=DEL;END=9000")
    p = vcf(tmp_path, [rec("chr1", 100, "N", "<DEL>", "0/1:99", info=csq)],
            meta=(CHR1_38, VEP_META))
    (v,) = read_vcf(p).variants
    assert v.end == 9000
    assert {x.gene_symbol: x.effect for x in v.annotations} == {
        "FBN1": VariantEffect.EXON_LOSS, "LENSB": VariantEffect.TRANSCRIPT_ABLATION}


def test_copy_number_calls_are_read_by_each_samples_copy_number(tmp_path):
    meta = (CHR1_38, '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">')

    def cnv(pos, alt, *cols):
        return "\t".join(["chr1", str(pos), ".", "N", alt, "50", "PASS", f"END={pos + 1000}",
                          "GT:CN", *cols])

    p = vcf(tmp_path, [
        cnv(100, "<CNV>", "./.:1"),  # <CNV> by the patient's copy number: a deletion
        cnv(200, "<CNV>", "./.:0"),
        cnv(300, "<CNV>", "./.:3"),
        cnv(400, "<CNV>", "./.:2"),  # no change
        "\t".join(["chr1", "500", ".", "N", "<CNV>", "50", "PASS", "END=900", "GT", "0/1"]),
        cnv(600, "<DEL>,<DUP>", "1:1"),  # a haploid GT of a CNV caller; CN 1 = heterozygous
        cnv(700, "<DEL>", "0/1:0"),  # the copy number wins over GT
    ], meta=meta)
    c = read_vcf(p)
    got = [(v.pos, v.alt, v.end, v.genotypes[0].zygosity) for v in c.variants]
    assert got == [
        (100, "<DEL>", 1100, Zygosity.HETEROZYGOUS), (200, "<DEL>", 1200, Zygosity.HOMOZYGOUS),
        (300, "<DUP>", 1300, Zygosity.HETEROZYGOUS), (600, "<DEL>", 1600, Zygosity.HETEROZYGOUS),
        (700, "<DEL>", 1700, Zygosity.HOMOZYGOUS),
    ]
    assert c.skipped["not carried by the patient"] == 2  # CN 2; the <DUP> allele at CN 1
    assert c.skipped["symbolic/structural allele"] == 1  # <CNV> without a copy number
    trio = vcf(tmp_path, [cnv(100, "<DEL>", "0/1:1", "0/0:2", "./.:1")],
               samples=("kid", "dad", "mum"), meta=meta, name="trio.vcf")
    (v,) = read_vcf(trio, sample="kid").variants
    assert [g.zygosity for g in v.genotypes] == [
        Zygosity.HETEROZYGOUS, Zygosity.REFERENCE, Zygosity.HETEROZYGOUS]

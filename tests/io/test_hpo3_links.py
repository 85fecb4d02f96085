"""Gene-disease links of HPO 2025-11-24 recovered from hpo3's term sets (raredx.io._hpo3)."""

from __future__ import annotations

import gzip
from pathlib import Path

from raredx.io._genes import DERIVED_GENE_FILE_SHA256, GENE_FILE_RELEASES, load_genes
from raredx.io._hpo3 import derive_gene_file, infer_links
from raredx.io._release import _content_sha256

F = frozenset


def test_known_links_are_kept_and_only_the_unexplained_terms_get_new_ones():
    diseases = {
        "OMIM:1": F({1, 2, 3, 4}),         # the gene's old disease
        "OMIM:2": F({5, 6, 7, 1}),         # the allelic disorder described since
        "OMIM:3": F({2, 3, 4, 5}),         # a subset, but 3 of its 4 terms are explained
        "OMIM:4": F({5, 6, 9, 10}),        # holds new terms, but also terms the gene lacks
        "OMIM:6": F({8, 1}),               # the only holder of term 8, but too small to tell
        "OMIM:7": F({11, 12, 13, 14}),     # the first disease of a newly linked gene
        "OMIM:8": F({11, 12, 13, 14, 15}), # not a subset of that gene's terms
    }
    # genes by NCBI id: 1 (known), 2 (newly linked), 3 (its old link's disease is gone)
    genes = {"1": F({1, 2, 3, 4, 5, 6, 7, 8}), "2": F({11, 12, 13, 14}), "3": F({20})}
    links = infer_links(genes, diseases, {"1": ["OMIM:1", "OMIM:8"], "3": ["OMIM:9"]})
    assert links == {"1": ["OMIM:1", "OMIM:2"], "2": ["OMIM:7"]}


def test_a_term_held_by_two_candidate_diseases_links_neither():
    diseases = {"OMIM:1": F({1, 2, 3, 4}), "OMIM:2": F({1, 2, 3, 5}), "OMIM:3": F({1, 2, 3, 4})}
    # term 5 has one holder (OMIM:2); terms 1-4 are held by two or three: ambiguous
    assert infer_links({"7": F({1, 2, 3, 4, 5})}, diseases, {}) == {"7": ["OMIM:2"]}


def test_the_derived_gene_file_is_the_pinned_one(shared_data, tmp_path):
    out = tmp_path / "genes_to_phenotype.txt"
    genes, links = derive_gene_file(
        shared_data / "hpo-2025-01-16" / "genes_to_phenotype.txt.gz", out)
    assert genes > 5_100 and links > 12_000
    assert _content_sha256(out) == DERIVED_GENE_FILE_SHA256
    with open(out) as f:
        head = f.readline().split("\t")
        row = f.readline().rstrip("\n").split("\t")
    assert head[:2] == ["ncbi_gene_id", "gene_symbol"] and row[2].startswith("HP:")
    assert head[-1].strip() == "link_source"
    # links of 2025 that the 2025-01-16 file lacks (BAG3's myopathies OMIM:621094/621095) are
    # marked as inferred; BAG3's official links as the gene file's
    rows = {tuple(x.split("\t")[i] for i in (1, 5, 6)) for x in out.read_text().splitlines()}
    assert {("BAG3", "OMIM:621094", "hpo3_inferred"), ("BAG3", "OMIM:621095", "hpo3_inferred"),
            ("BAG3", "OMIM:612954", "hpo_gene_file")} <= rows


def test_installed_gene_knowledge_names_the_release_of_its_links(shared_data, tmp_path):
    from raredx.io._genes import install_genes
    derived = tmp_path / "src"
    derived.mkdir()
    for p in (shared_data / "genes").iterdir():
        (derived / p.name).symlink_to(p)
    derive_gene_file(shared_data / "hpo-2025-01-16" / "genes_to_phenotype.txt.gz",
                     derived / "genes_to_phenotype.txt")
    target = install_genes(derived, tmp_path / "genes", log=lambda _m: None)
    with gzip.open(target / "genes_to_phenotype.txt.gz", "rb") as f:
        assert f.read(12) == b"ncbi_gene_id"
    gk = load_genes(target, log=lambda _m: None)
    assert gk.versions["release"].endswith(GENE_FILE_RELEASES[DERIVED_GENE_FILE_SHA256])
    assert gk.versions["release"].endswith("hpo2025-11-24-hpo3")
    old = load_genes(shared_data, log=lambda _m: None)
    assert old.versions["release"].endswith("hpo2025-01-16")
    assert len(gk.disease_genes) > len(old.disease_genes)
    bag3 = gk.gene("BAG3")
    assert (bag3, "OMIM:621094") in gk.inferred_links
    assert (bag3, "OMIM:612954") not in gk.inferred_links and not old.inferred_links


def test_a_gene_file_of_unknown_content_is_refused(tmp_path, shared_data):
    from raredx.io._genes import install_genes
    src = tmp_path / "src"
    src.mkdir()
    for p in (shared_data / "genes").iterdir():
        (src / p.name).symlink_to(p)
    Path(src / "genes_to_phenotype.txt").write_text(
        "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id\n")
    try:
        install_genes(src, tmp_path / "genes", log=lambda _m: None)
    except Exception as exc:  # noqa: BLE001 - the message is what is checked
        assert "is not the pinned" in str(exc) and "genes_to_phenotype" in str(exc)
    else:
        raise AssertionError("an unknown gene file was installed")


def test_allelic_links_keep_apart_the_genes_hpo_names_dash(tmp_path):
    from raredx.io._release import _allelic
    f = tmp_path / "genes_to_phenotype.txt"
    f.write_text(
        "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id\n"
        "100\t-\tHP:0000001\tAll\t-\tOMIM:1\n"
        "200\t-\tHP:0000001\tAll\t-\tOMIM:2\n"      # another gene also named "-"
        "300\tFBN1\tHP:0000001\tAll\t-\tOMIM:3\n"
        "300\tFBN1\tHP:0000001\tAll\t-\tOMIM:4\n")
    allelic = _allelic(f)
    assert "OMIM:1" not in allelic and "OMIM:2" not in allelic
    assert allelic["OMIM:3"] == ("OMIM:4",) and allelic["OMIM:4"] == ("OMIM:3",)


def test_without_a_usable_hpo3_the_official_file_is_kept(tmp_path, monkeypatch):
    import raredx.io._hpo3 as hpo3
    from raredx.errors import KnowledgeError

    def broken(_official, _out):
        raise KnowledgeError("hpo3==1.5.1 is not usable (no module named 'pyhpo')")

    monkeypatch.setattr(hpo3, "derive_gene_file", broken)
    official = tmp_path / "genes_to_phenotype.txt"
    official.write_text("ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id\n")
    said: list[str] = []
    assert hpo3.newer_gene_file(official, tmp_path, said.append) == official
    assert "not usable" in said[0] and "official 2025-01-16" in said[0]

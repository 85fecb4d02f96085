"""Phenotype + genotype: ranked diagnoses, genes and variants.

``diagnose_with_variants(engine, patient, variants)`` adds, to every candidate disease's
phenotype log10 LR (from the engine, tempered by the model's ``phenotype_weight``), the genotype
log10 LR of its gene under the disease's mode of inheritance (the best of its genes when it has
several; links single variants cannot speak for are not scored, see :mod:`._links`), and ranks
genes the same way. The
patient's variants are prepared once (:func:`prepare_variants`, memoised per file) so that
re-ranking with changed phenotypes never re-reads the VCF.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from raredx.errors import InputError
from raredx.genotype._annotate import annotate_builtin, attach_gene_ids, builtin_annotations
from raredx.genotype._links import MENDELIAN_TERMS, MULTIFACTORIAL, unscored_links
from raredx.genotype._names import NAME_RULES
from raredx.genotype._names import links as inferred_links
from raredx.genotype._scoring import (
    HPO_MOI,
    MOIS,
    GeneEvidence,
    GenotypeParams,
    Moi,
    Trio,
    VariantEvidence,
    calibrate,
    calibration_note,
    no_variant_log10_lr,
    score_genes,
)
from raredx.io import VcfContent, read_ped, read_vcf
from raredx.io._gc import gc_paused
from raredx.knowledge import GeneKnowledge, cached
from raredx.model import AnnotationSource, InputIssue, IssueLevel, Patient, Pedigree, Variant

__all__ = [
    "DiseaseHit",
    "GeneHit",
    "GenomicDiagnosis",
    "GenotypeLinks",
    "VariantSet",
    "diagnose_with_variants",
    "prepare_variants",
]


@dataclass
class VariantSet:
    """A patient's variants, read and annotated once; reused by every re-ranking."""

    variants: list[Variant]
    proband: int
    samples: tuple[str, ...]
    annotation_source: AnnotationSource
    trio: Trio | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    issues: list[InputIssue] = field(default_factory=list)


_MEMO: dict[tuple, VariantSet] = {}
_MEMO_MAX = 8


def _file_key(p: Path | None) -> tuple:
    if p is None:
        return (None,)
    st = os.stat(p)
    return (str(Path(p).resolve()), st.st_size, st.st_mtime_ns)


def prepare_variants(
    vcf: Path,
    genes: GeneKnowledge,
    sample: str | None = None,
    assembly: str | None = None,
    liftover_chain: Path | None = None,
    ped: Path | None = None,
) -> VariantSet:
    """Read, lift over (GRCh37) and annotate a VCF; memoised per file (size and mtime) and
    options, so a second call with the same inputs does not read the file again."""
    vcf = Path(vcf)
    if not vcf.exists():
        raise InputError("file does not exist", str(vcf))
    key = (_file_key(vcf), sample, assembly, _file_key(liftover_chain), _file_key(ped),
           id(genes))
    hit = _MEMO.get(key)
    if hit is not None:
        return hit
    pedigree, ped_issues = (read_ped(ped) if ped is not None else (None, []))
    content = read_vcf(vcf, sample=sample, assembly=assembly, liftover_chain=liftover_chain,
                       pedigree=pedigree, annotate=lambda keys: builtin_annotations(keys, genes))
    vs = variant_set(content, genes, pedigree, annotated=content.annotation_source is None)
    vs.issues = ped_issues + vs.issues
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = vs
    return vs


def variant_set(content: VcfContent, genes: GeneKnowledge, pedigree: Pedigree | None = None,
                annotated: bool = False) -> VariantSet:
    """Annotate what :func:`raredx.io.read_vcf` read (VEP/SnpEff when present, else built-in;
    ``annotated``: the built-in annotation was already applied while reading)."""
    issues = list(content.issues)
    if annotated:
        variants = content.variants
        intergenic = sum(1 for v in variants if not v.annotations)
        source = AnnotationSource.BUILTIN
    elif content.annotation_source is None:
        variants, intergenic = annotate_builtin(content.variants, genes)
        source = AnnotationSource.BUILTIN
    else:
        variants = attach_gene_ids(content.variants, genes)
        intergenic = sum(1 for v in variants if not v.annotations)
        source = content.annotation_source
    trio = None
    if pedigree is not None:
        me = pedigree.member(content.proband)
        assert me is not None  # read_vcf checked it
        idx = {s: i for i, s in enumerate(content.samples)}
        for parent in (me.father, me.mother):
            if parent is not None and parent not in idx:
                issues.append(InputIssue(
                    IssueLevel.WARNING, "PED",
                    f"{content.proband}'s parent {parent} is not in the VCF; segregation is "
                    "judged without them"))
        for m in pedigree.members:
            if m.id not in idx:
                continue
        fa = pedigree.member(me.father) if me.father else None
        mo = pedigree.member(me.mother) if me.mother else None
        trio = Trio(
            father=idx.get(me.father) if me.father else None,
            mother=idx.get(me.mother) if me.mother else None,
            father_affected=bool(fa and fa.affected),
            mother_affected=bool(mo and mo.affected),
        )
        others = [s for s in content.samples if pedigree.member(s) is None]
        if others:
            issues.append(InputIssue(IssueLevel.WARNING, "PED",
                                     f"VCF samples not in the PED file: {', '.join(others)}"))
    summary = content.summary()
    summary["annotation_source"] = source.value
    summary["intergenic"] = intergenic
    return VariantSet(variants, content.samples.index(content.proband), content.samples,
                      source, trio, summary, issues)


class GenotypeLinks:
    """Candidate ↔ gene ↔ mode-of-inheritance links between an engine and gene knowledge."""

    def __init__(self, engine: Any, genes: GeneKnowledge, params: GenotypeParams) -> None:
        kb = engine.knowledge
        self.params = params
        self.n_candidates = len(engine.candidate_ids)
        self.hpo3_inferred = genes.inferred_links
        rows: dict[int, int] = {}
        lc: list[int] = []
        lg: list[int] = []
        lm: list[list[bool]] = []
        ld: list[str] = []
        seen: set[tuple[int, int]] = set()
        masks: dict[tuple, list[bool]] = {}  # the same few inheritance sets recur

        def link(g: int, d: str, cands: list[int], gene_moi: tuple) -> None:
            """Score gene ``g`` for the candidates ``cands`` of disease ``d``."""
            g_chrom = genes.genes[g].chrom
            course = kb.course.get(d)
            mkey = (gene_moi, course.inheritance if course is not None else (), g_chrom)
            mask = masks.get(mkey)
            if mask is None:
                mask = masks[mkey] = _moi_mask(mkey[0], mkey[1], g_chrom == "chrX",
                                               g_chrom == "chrM")
            r = rows.setdefault(g, len(rows))
            for c in cands:
                if (c, g) in seen:
                    continue
                seen.add((c, g))
                lc.append(c)
                lg.append(r)
                lm.append(mask)
                ld.append(d)

        # links kept for display but not scored (susceptibility, contiguous-gene syndromes)
        self.unscored = _cached_per_release(
            kb, genes, f"unscored-links-{params.skip_susceptibility_links}-"
            f"{params.contiguous_gene_count:g}-{params.contiguous_gene_window_bp:g}",
            lambda: unscored_links(kb, genes, params))
        for g, diseases in sorted(genes.gene_diseases.items()):
            for d in diseases:
                if (g, d) in self.unscored:
                    continue
                cands = engine.candidates_for(d)
                if cands:
                    link(g, d, cands, genes.pair_inheritance.get((g, d), ()))
        # links inferred from the release's disease names (and definitions) for diseases the
        # gene file does not link: (gene, disease) -> (source, the text that names the gene)
        self.inferred: dict[tuple[int, str], tuple[str, str]] = {}
        if params.gene_links_from_names or params.gene_links_from_definitions:
            defs = params.gene_links_from_definitions
            synonyms = len(getattr(kb, "orphanet_synonyms", None) or {})
            found_links = _cached_per_release(
                kb, genes, f"name-links-{NAME_RULES}-{defs}-{synonyms}",
                lambda: inferred_links(kb, genes, definitions=defs))
            for d, found in sorted(found_links.items()):
                course = kb.course.get(d)
                inh = set(course.inheritance) if course is not None else set()
                if params.skip_susceptibility_links and (
                        "susceptibility" in kb.disease_label(d).lower()
                        or (MULTIFACTORIAL in inh and not inh & MENDELIAN_TERMS)):
                    continue
                cands = engine.candidates_for(d)
                for g, source, text in found:
                    if source == "name" and not params.gene_links_from_names:
                        continue
                    if not cands:
                        continue
                    self.inferred[(g, d)] = (source, text)
                    link(g, d, cands, ())
        self.gene_rows = rows
        self.row_gene = np.array(sorted(rows, key=rows.__getitem__), dtype=np.int64)
        self.link_cand = np.array(lc, dtype=np.int64)
        self.link_row = np.array(lg, dtype=np.int64)
        self.link_mask = np.array(lm, dtype=bool).reshape(-1, len(MOIS))
        self.link_disease = ld
        self.unscored_by_cand: dict[int, list[tuple[int, str]]] = {}
        for (g, d), why in sorted(self.unscored.items()):
            for c in engine.candidates_for(d):
                self.unscored_by_cand.setdefault(c, []).append((g, why))
        # contiguous-gene syndromes: what one deletion of several of their genes can speak for
        self.contiguous: dict[int, tuple[int, ...]] = {
            c: tuple(sorted(g for g, why in pairs if why == "contiguous gene"))
            for c, pairs in self.unscored_by_cand.items()
            if any(why == "contiguous gene" for _, why in pairs)}
        self.has_link = np.zeros(self.n_candidates, dtype=bool)
        self.has_link[self.link_cand] = True
        self._unlinked(engine)
        base = np.array([no_variant_log10_lr(genes, int(g), params) for g in self.row_gene])
        self.base = np.repeat(base[:, None], len(MOIS), axis=1)

    def link_source(self, g: int, d: str) -> str:
        """Where the link of gene ``g`` and disease ``d`` comes from: ``"hpo_gene_file"``;
        ``"hpo3_inferred"`` when raredx read it from HPO 2025-11-24's term sets
        (:mod:`raredx.io._hpo3`); ``"name"`` / ``"definition"`` when it was inferred from the
        release's text (:mod:`._names`)."""
        hit = self.inferred.get((g, d))
        if hit is not None:
            return hit[0]
        return "hpo3_inferred" if (g, d) in self.hpo3_inferred else "hpo_gene_file"

    def link_note(self, g: int, d: str, symbol: str) -> str:
        """How an inferred link was made, as the start of an explanation ("" for the gene
        file's links)."""
        hit = self.inferred.get((g, d))
        if hit is None:
            if (g, d) not in self.hpo3_inferred:
                return ""
            return (f"{symbol} is linked to {d} by raredx's reading of HPO 2025-11-24 (the "
                    f"disease alone explains phenotype terms of {symbol} that HPO's 2025-01-16 "
                    "gene file leaves unexplained); HPO states no such link in a file "
                    "published on PyPI. ")
        source, text = hit
        text = text if len(text) <= 160 else text[:157] + "..."
        where = "name" if source == "name" else "Orphanet definition"
        return (f"{symbol} is linked to {d} because the disease's {where} in the knowledge "
                f"release names it (\"{text}\"); HPO's gene file has no gene for {d}. ")

    def diseases_of(self, genes: GeneKnowledge, g: int) -> tuple[str, ...]:
        """The gene's diseases: the gene file's, then the inferred links'."""
        own = genes.gene_diseases.get(g, ())
        more = sorted(d for (gg, d) in self.inferred if gg == g and d not in own)
        return tuple(own) + tuple(more)

    def matrix(self, evidence: dict[int, GeneEvidence], start: np.ndarray | None = None,
               only: set[int] | None = None) -> np.ndarray:
        """Gene-row × mode-of-inheritance log10 LR matrix for one patient. With ``start`` (a
        matrix of the same patient's other variants) only the genes in ``only`` are redone."""
        m = (self.base if start is None else start).copy()
        genes = evidence.keys() if only is None else only
        for g in genes:
            r = self.gene_rows.get(g)
            if r is not None:
                ev = evidence.get(g)
                m[r] = ev.log10_lr if ev is not None else self.base[r]
        return m

    def link_values(self, m: np.ndarray) -> np.ndarray:
        return np.where(self.link_mask, m[self.link_row], -np.inf).max(axis=1)

    def candidate_llr(self, vals: np.ndarray) -> np.ndarray:
        out = np.full(self.n_candidates, -np.inf)
        np.maximum.at(out, self.link_cand, vals)
        out[~self.has_link] = self.params.no_gene_link_log10_lr
        return out

    def gene_scores(self, total: np.ndarray, vals: np.ndarray, m: np.ndarray,
                    unlinked: np.ndarray | None = None, best: np.ndarray | None = None
                    ) -> np.ndarray:
        """Per gene row: the best phenotype+genotype score over the gene's candidates, or over
        the hypotheses of a disease not yet described (phenotype LR 1, a prior against it) and
        of a known disease with no known gene (:meth:`unlinked_scores`)."""
        out = self.unlinked_scores(m, total, unlinked, best)
        np.maximum.at(out, self.link_row, total[self.link_cand] + vals)
        return out

    def _unlinked(self, engine: Any) -> None:
        """Per candidate, the modes of inheritance its disease allows (its HPO inheritance
        terms; without any, all but mitochondrial), and which candidates have no gene link at
        all (``unlinked``: no scored link, nor an unscored one)."""
        kb = engine.knowledge
        masks = []
        for d in engine.candidate_ids:
            course = kb.course.get(d)
            terms = course.inheritance if course is not None else ()
            allowed = {mo for t in terms for mo in HPO_MOI.get(t, ())} or set(MOIS) - {Moi.MT}
            masks.append([mo in allowed for mo in MOIS])
        self.moi_allowed = np.array(masks, dtype=bool).reshape(-1, len(MOIS))
        # the few distinct patterns, for speed: pattern rows and each candidate's pattern
        self._moi_patterns, self._moi_pattern_of = np.unique(
            self.moi_allowed, axis=0, return_inverse=True)
        self._moi_pattern_of = self._moi_pattern_of.reshape(-1)
        self.unlinked = ~self.has_link
        self.unlinked[list(self.unscored_by_cand)] = False

    def best_unlinked(self, total: np.ndarray, unlinked: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Per mode of inheritance: the best phenotype score of a candidate with no known gene
        that allows it, and that candidate (-1 if none). ``unlinked`` replaces the candidates
        without a gene (the strict benchmark protocol drops links)."""
        which = np.nonzero(self.unlinked if unlinked is None else unlinked)[0]
        if not len(which):
            return np.full(len(MOIS), -np.inf), np.full(len(MOIS), -1)
        t = np.where(self.moi_allowed[which], total[which][:, None], -np.inf)
        arg = t.argmax(axis=0)
        best = t[arg, np.arange(len(MOIS))]
        return best, np.where(np.isfinite(best), which[arg], -1)

    def unlinked_scores(self, lr: np.ndarray, total: np.ndarray,
                        unlinked: np.ndarray | None = None, best: np.ndarray | None = None
                        ) -> np.ndarray:
        """Per row of genotype log10 LRs by mode of inheritance (``lr``: genes x MOIS): the
        gene as the cause of a disease not yet described (phenotype LR 1, at
        ``novel_disease_log10_prior``) or of the best-fitting known disease without a gene
        whose inheritance it fits (at ``unlinked_disease_log10_prior``; ``best``: that of
        :meth:`best_unlinked` when already computed)."""
        out = lr.max(axis=1) + self.params.novel_disease_log10_prior
        prior = self.params.unlinked_disease_log10_prior
        if np.isfinite(prior) and len(lr):
            if best is None:
                best, _ = self.best_unlinked(total, unlinked)
            out = np.maximum(out, (lr + best).max(axis=1) + prior)
        return out

    def unlinked_best(self, total: np.ndarray, unlinked: np.ndarray | None = None
                      ) -> np.ndarray | None:
        """The scores of :meth:`best_unlinked` when the hypothesis is on (a finite
        ``unlinked_disease_log10_prior``), for :meth:`gene_scores` and :meth:`unlinked_scores`
        to share; None when it is off."""
        if not np.isfinite(self.params.unlinked_disease_log10_prior):
            return None
        return self.best_unlinked(total, unlinked)[0]

    def orphan_table(self, evidence: dict[int, GeneEvidence]) -> tuple[np.ndarray, np.ndarray]:
        """The genes of ``evidence`` without a known disease and their genotype log10 LRs by
        mode of inheritance (genes x MOIS)."""
        og = np.array([g for g in evidence if g not in self.gene_rows], dtype=np.int64)
        lr = np.array([evidence[int(g)].log10_lr for g in og], dtype=float)
        return og, lr.reshape(len(og), len(MOIS))

    def best_variant_genes(self, evidence: dict[int, GeneEvidence]
                           ) -> tuple[np.ndarray, np.ndarray]:
        """Per mode of inheritance, the best genotype log10 LR of a gene with variants (of a gene
        without a known disease only, unless ``unlinked_disease_any_gene``) and that gene (-1
        if none): the evidence for the unknown gene of a disease without one."""
        any_gene = self.params.unlinked_disease_any_gene
        gs = [g for g in evidence if any_gene or g not in self.gene_rows]
        if not gs:
            return np.full(len(MOIS), -np.inf), np.full(len(MOIS), -1)
        lr = np.asarray([evidence[g].log10_lr for g in gs], dtype=float).reshape(len(gs), -1)
        arg = lr.argmax(axis=0)
        return lr[arg, np.arange(lr.shape[1])], np.asarray(gs, dtype=np.int64)[arg]

    def best_variant_lr(self, evidence: dict[int, GeneEvidence]) -> np.ndarray:
        """The log10 LRs of :meth:`best_variant_genes`."""
        return self.best_variant_genes(evidence)[0]

    def unlinked_candidate_llr(self, cand: np.ndarray, best_lr: np.ndarray,
                               unlinked: np.ndarray | None = None) -> np.ndarray:
        """``cand`` (candidates' genotype log10 LRs) with each candidate without a known gene
        raised to the hypothesis that a gene carrying variants is its unknown gene: the best
        genotype log10 LR per mode of inheritance (``best_lr``, over the genes with variants)
        that the disease allows, at ``unlinked_disease_log10_prior``."""
        prior = self.params.unlinked_disease_log10_prior
        if not np.isfinite(prior):
            return cand
        which = np.nonzero(self.unlinked if unlinked is None else unlinked)[0]
        per_pattern = np.where(self._moi_patterns, best_lr[None, :], -np.inf).max(axis=1)
        v = per_pattern[self._moi_pattern_of[which]] + prior
        out = cand.copy()
        out[which] = np.maximum(out[which], v)
        return out

    def contiguous_deletion(self, c: int, evidence: dict[int, GeneEvidence]
                            ) -> tuple[float, int, tuple[int, ...]] | None:
        """For a contiguous-gene syndrome ``c``: the best dominant log10 LR among its genes that
        one structural deletion takes (all of them, or at least 2 and half), that gene and the
        genes the deletion covers; ``None`` without such a deletion."""
        genes = self.contiguous.get(c)
        if not genes:
            return None
        covered: dict[str, list[int]] = {}
        for g in genes:
            ev = evidence.get(g)
            for e in ev.variants if ev is not None else ():
                if e.variant.structural and e.variant.alt == "<DEL>":
                    covered.setdefault(e.variant.key, []).append(g)
        need = min(len(genes), max(2, (len(genes) + 1) // 2))
        best = None
        for gs in covered.values():
            if len(set(gs)) < need:
                continue
            for g in gs:
                lr = float(evidence[g].log10_lr[_AD])
                if best is None or lr > best[0]:
                    best = (lr, g, tuple(sorted(set(gs))))
        return best

    def contiguous_candidate_llr(self, cand: np.ndarray, evidence: dict[int, GeneEvidence],
                                 exclude: set[int] | None = None) -> np.ndarray:
        """``cand`` with each contiguous-gene syndrome that one deletion covers (see
        :meth:`contiguous_deletion`) raised to that deletion's dominant log10 LR; the
        candidates in ``exclude`` are left as they are (the strict benchmark protocol)."""
        out = cand
        for c in self.contiguous:
            if exclude and c in exclude:
                continue
            hit = self.contiguous_deletion(c, evidence)
            if hit is not None and hit[0] > out[c]:
                if out is cand:
                    out = cand.copy()
                out[c] = hit[0]
        return out

    def gene_phenotype(self, total: np.ndarray) -> np.ndarray:
        out = np.full(len(self.row_gene), -np.inf)
        np.maximum.at(out, self.link_row, total[self.link_cand])
        return out


def _moi_mask(pair_terms, course_terms, on_x: bool, on_m: bool) -> list[bool]:  # type: ignore[no-untyped-def]
    """Which modes of inheritance a gene-disease link allows (per :data:`MOIS`): the link's and
    the disease's HPO inheritance terms; without any, AD/AR (XLD/XLR on chromosome X)."""
    terms = set(pair_terms) | set(course_terms)
    allowed = {m for t in terms for m in HPO_MOI.get(t, ())}
    if not allowed:
        allowed = {Moi.XLD, Moi.XLR} if on_x else {Moi.AD, Moi.AR}
    if on_x and allowed & {Moi.AD, Moi.AR}:
        allowed |= {Moi.XLD} if Moi.AD in allowed else set()
        allowed |= {Moi.XLR} if Moi.AR in allowed else set()
    if on_m:
        allowed |= {Moi.MT}
    return [m in allowed for m in MOIS]


def _cached_per_release(kb: Any, genes: GeneKnowledge, name: str, build: Any) -> Any:
    """``build()``, cached on disk per knowledge release and gene knowledge (what only they
    and ``name`` decide: the unscored and the inferred links, about 0.7 s per process)."""
    kkey, gkey = getattr(kb, "cache_key", None), getattr(genes, "cache_key", None)
    if not kkey or not gkey:
        return build()
    key = "genotype-" + hashlib.sha256(f"{kkey}/{gkey}".encode()).hexdigest()[:20]
    return cached(key, name, build)


_LINKS: dict[tuple[int, int, int], GenotypeLinks] = {}


def genotype_links(engine: Any, genes: GeneKnowledge, params: GenotypeParams | None = None
                   ) -> GenotypeLinks:
    """The candidate↔gene links of an engine and gene knowledge (built once, about 1 s)."""
    params = params or default_params()
    key = (id(engine), id(genes), id(params))
    if key not in _LINKS:
        if len(_LINKS) > 16:
            _LINKS.clear()
        _LINKS[key] = GenotypeLinks(engine, genes, params)
    return _LINKS[key]


@functools.cache
def default_params() -> GenotypeParams:
    """The packaged genotype model (read once)."""
    return GenotypeParams.load()


@dataclass(frozen=True, slots=True)
class DiseaseHit:
    rank: int
    disease_id: str
    label: str
    score: float  # phenotype + genotype log10 LR
    probability: float
    phenotype_log10_lr: float
    genotype_log10_lr: float
    gene: str | None = None
    gene_id: str | None = None
    mode_of_inheritance: str | None = None
    genotype_explanation: str = ""
    variants: tuple[VariantEvidence, ...] = ()
    evidence: tuple[Any, ...] = ()  # the phenotype evidence (TermEvidence), as without a VCF
    course: tuple[Any, ...] = ()  # onset, sex, prior, borrowed profile (CourseEvidence)
    # where the gene-disease link comes from: "hpo_gene_file"; "hpo3_inferred" (read from HPO
    # 2025-11-24's term sets, raredx.io._hpo3); inferred from the disease's "name" /
    # "definition" in the release; "unknown_gene_hypothesis" (no known gene: the gene with the
    # best-fitting variants as its unknown gene); "contiguous_gene_deletion" (a contiguous-gene
    # syndrome, one structural deletion of several of its genes); None: no gene
    gene_link: str | None = None


_AD = MOIS.index(Moi.AD)
# DiseaseHit.gene_link / GeneHit.disease_link of the hypothesis that a gene with variants is
# the unknown gene of a disease the knowledge links to no gene
UNLINKED = "unknown_gene_hypothesis"
# ... of a contiguous-gene syndrome scored by one deletion of several of its genes
CONTIGUOUS = "contiguous_gene_deletion"


@dataclass(frozen=True, slots=True)
class GeneHit:
    rank: int
    symbol: str
    hgnc_id: str | None
    score: float
    phenotype_log10_lr: float | None
    genotype_log10_lr: float
    mode_of_inheritance: str | None
    best_disease: str | None
    diseases: tuple[str, ...]
    explanation: str
    variants: tuple[VariantEvidence, ...]
    disease_link: str | None = None  # as DiseaseHit.gene_link, for ``best_disease``


@dataclass(frozen=True)
class GenomicDiagnosis:
    patient_id: str
    diseases: tuple[DiseaseHit, ...]
    genes: tuple[GeneHit, ...]
    leave_publication_out: bool
    knowledge: Any
    gene_knowledge: dict[str, str]
    annotation_source: str
    variants: dict[str, Any]
    issues: tuple[InputIssue, ...] = ()
    genotype_model: str = ""


def diagnose_with_variants(
    engine: Any,
    patient: Patient,
    variants: VariantSet,
    genes: GeneKnowledge,
    top: int = 10,
    top_genes: int | None = None,
    leave_publication_out: bool = False,
    params: GenotypeParams | None = None,
) -> GenomicDiagnosis:
    """Rank diseases and genes for a patient's phenotype and variants (see module docstring)."""
    with gc_paused():  # tens of thousands of small objects and no cycles (see raredx.io._gc)
        # an unfiltered VCF is scored with its own background rates (calibrate); the links are
        # built for the parameters it is scored with, once
        model = params or default_params()
        params = calibrate(model, variants.variants, variants.proband, genes)
        links = genotype_links(engine, genes, params)
        evidence = score_genes(variants.variants, variants.proband, genes, params, patient.sex,
                               variants.trio)
    scores = engine.score(patient, leave_publication_out)
    raw = scores.total
    total = raw * params.phenotype_weight if params.phenotype_weight != 1.0 else raw
    m = links.matrix(evidence)
    vals = links.link_values(m)
    best_lr, best_gene = links.best_variant_genes(evidence)
    cand = links.contiguous_candidate_llr(
        links.unlinked_candidate_llr(links.candidate_llr(vals), best_lr), evidence)
    combined = total + cand
    order = engine.order(combined)
    prob = engine.probabilities(combined, len(scores.present), params.posterior_factor(
        len(scores.present), float(cand[order[0]])))
    ids = engine.candidate_ids
    hits = []
    for r, c in enumerate(order[:top].tolist()):
        gene = gid = moi = None
        why = "no known gene for this disease (HPO gene annotations): the VCF cannot speak"
        evs: tuple[VariantEvidence, ...] = ()
        source = None
        if c in links.unscored_by_cand:
            named = sorted({f"{genes.genes[g].symbol}: {w}" for g, w in links.unscored_by_cand[c]})
            why = ("its genes are linked by susceptibility or contiguous-gene (deletion) "
                   f"associations only ({', '.join(named[:5])}): single variants are not scored")
            hit = links.contiguous_deletion(c, evidence)
            if hit is not None and hit[0] >= cand[c]:
                g = hit[1]
                gene, gid, moi = genes.genes[g].symbol, genes.genes[g].hgnc_id, Moi.AD.value
                covered = ", ".join(genes.genes[x].symbol for x in hit[2][:8])
                why = (f"a contiguous-gene syndrome: one deletion takes {len(hit[2])} of its "
                       f"{len(links.contiguous[c])} genes ({covered}"
                       f"{', ...' if len(hit[2]) > 8 else ''}): " + evidence[g].why(Moi.AD))
                source = CONTIGUOUS
                evs = tuple(e for e in evidence[g].variants if e.variant.structural)
        if links.unlinked[c] and cand[c] > params.no_gene_link_log10_lr:
            # the hypothesis that a gene with variants is this disease's unknown gene
            mi = int(np.argmax(np.where(links.moi_allowed[c], best_lr, -np.inf)))
            g = int(best_gene[mi])
            gene, gid, moi = genes.genes[g].symbol, genes.genes[g].hgnc_id, MOIS[mi].value
            why = (f"no known gene for this disease (HPO gene annotations); if its unknown gene "
                   f"is {gene}, which carries the best-fitting variants "
                   f"(prior {params.unlinked_disease_log10_prior:+g} log10 for one gene of the "
                   f"many): " + evidence[g].why(MOIS[mi]))
            source = UNLINKED
            evs = evidence[g].variants
        if links.has_link[c]:
            ls = np.nonzero(links.link_cand == c)[0]
            best = ls[np.argmax(vals[ls])]
            row = links.link_row[best]
            g = int(links.row_gene[row])
            mi = int(np.argmax(np.where(links.link_mask[best], m[row], -np.inf)))
            gene, gid, moi = genes.genes[g].symbol, genes.genes[g].hgnc_id, MOIS[mi].value
            ev = evidence.get(g)
            why = ev.why(MOIS[mi]) if ev else (
                f"no qualifying variant in {gene}; LR = {10 ** float(m[row, mi]):.3g}")
            d = links.link_disease[best]
            why = links.link_note(g, d, gene) + why
            source = links.link_source(g, d)
            evs = ev.variants if ev else ()
        pheno, course = engine.explain(patient, [c], scores=scores)[0]
        hits.append(DiseaseHit(
            rank=r + 1, disease_id=ids[c], label=engine.candidate_labels[c],
            score=float(combined[c]), probability=float(prob[c]), phenotype_log10_lr=float(raw[c]),
            genotype_log10_lr=float(cand[c]), gene=gene, gene_id=gid, mode_of_inheritance=moi,
            genotype_explanation=why, variants=evs, evidence=pheno, course=course,
            gene_link=source))
    gene_hits = rank_genes(links, genes, evidence, total, vals, m,
                           top_genes if top_genes is not None else top, ids, raw)
    return GenomicDiagnosis(
        patient_id=patient.id, diseases=tuple(hits), genes=tuple(gene_hits),
        leave_publication_out=leave_publication_out, knowledge=engine.knowledge.versions,
        gene_knowledge=dict(genes.versions), annotation_source=variants.annotation_source.value,
        variants=_summary(variants, model, params),
        issues=tuple(patient.issues) + tuple(variants.issues),
        genotype_model=params.version,
    )


def _summary(variants: VariantSet, model: GenotypeParams, used: GenotypeParams) -> dict[str, Any]:
    out = dict(variants.summary)
    note = calibration_note(model, used)
    if note is not None:
        out["background_calibrated"] = note
    return out


def gene_order(links: GenotypeLinks, evidence: dict[int, GeneEvidence], total: np.ndarray,
               vals: np.ndarray, m: np.ndarray, best: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Genes best first, with their scores: genes with known diseases (best of disease
    phenotype+genotype and the hypotheses of :meth:`GenotypeLinks.unlinked_scores`) and genes
    with variants but no known disease (those hypotheses only). Ties: the smaller gene index
    first. ``best``: :meth:`GenotypeLinks.best_unlinked`'s scores, when already computed."""
    if best is None:
        best = links.unlinked_best(total)
    gs = links.gene_scores(total, vals, m, best=best)
    orphans, lr = links.orphan_table(evidence)
    oscore = links.unlinked_scores(lr, total, best=best)
    genes_all = np.concatenate([links.row_gene, orphans])
    scores = np.concatenate([gs, oscore])
    order = np.lexsort((genes_all, -scores))
    return genes_all[order], scores[order]


def rank_genes(links: GenotypeLinks, genes: GeneKnowledge, evidence: dict[int, GeneEvidence],
               total: np.ndarray, vals: np.ndarray, m: np.ndarray, top: int,
               ids: list[str], raw: np.ndarray | None = None) -> list[GeneHit]:
    """The top genes; ``total`` is the (weighted) phenotype log10 LR that ranks them, ``raw``
    the unweighted one they report (default: ``total``)."""
    raw = total if raw is None else raw
    best_u, cand_u = links.best_unlinked(total)
    order, scores = gene_order(links, evidence, total, vals, m, best_u)
    out = []
    novel = links.params.novel_disease_log10_prior
    prior = links.params.unlinked_disease_log10_prior
    for rank, (g, sc) in enumerate(zip(order[:top].tolist(), scores[:top].tolist()), start=1):
        info = genes.genes[g]
        ev = evidence.get(g)
        r = links.gene_rows.get(g)
        ls = np.nonzero(links.link_row == r)[0] if r is not None else np.zeros(0, dtype=int)
        known = total[links.link_cand[ls]] + vals[ls] if len(ls) else np.full(1, -np.inf)
        lr = np.asarray(m[r] if r is not None else ev.log10_lr, dtype=float)  # type: ignore[union-attr]

        pair = lr + best_u
        pmi = int(np.argmax(pair))
        paired = float(pair[pmi] + prior)
        if known.max() >= max(paired, float(lr.max()) + novel):
            best = ls[np.argmax(known)]
            c = int(links.link_cand[best])
            mi = int(np.argmax(np.where(links.link_mask[best], m[r], -np.inf)))
            d = links.link_disease[best]
            out.append(GeneHit(rank, info.symbol, info.hgnc_id, float(sc), float(raw[c]),
                               float(vals[best]), MOIS[mi].value, ids[c],
                               links.diseases_of(genes, g),
                               links.link_note(g, d, info.symbol) + _why(ev, lr, mi),
                               ev.variants if ev else (), links.link_source(g, d)))
        elif paired >= float(lr.max()) + novel:
            c = int(cand_u[pmi])
            out.append(GeneHit(rank, info.symbol, info.hgnc_id, float(sc), float(raw[c]),
                               float(lr[pmi]), MOIS[pmi].value, ids[c],
                               links.diseases_of(genes, g),
                               f"as the unknown gene of {ids[c]}, a disease the knowledge links "
                               f"to no gene, which the phenotype fits (prior {prior:+g} log10 "
                               f"for one gene of the many): " + _why(ev, lr, pmi),
                               ev.variants if ev else (), UNLINKED))
        else:
            mi = int(np.argmax(lr))
            out.append(GeneHit(rank, info.symbol, info.hgnc_id, float(sc), None,
                               float(lr[mi]), MOIS[mi].value, None,
                               links.diseases_of(genes, g),
                               f"as the cause of a disease not described in the knowledge "
                               f"(prior {novel:+g} log10): " + _why(ev, lr, mi),
                               ev.variants if ev else ()))
    return out


def _why(ev: GeneEvidence | None, lr: np.ndarray, mi: int) -> str:
    """A gene's genotype evidence under mode ``MOIS[mi]``, or its no-variant LR ``lr[mi]``."""
    return ev.why(MOIS[mi]) if ev else f"no qualifying variant; LR = {10 ** float(lr[mi]):.3g}"


def skipped_total(vs: VariantSet) -> int:
    return sum(Counter(vs.summary.get("skipped", {})).values())

"""Matching a patient's alterations (and cancer type or disease) against the therapy facts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from raredx.therapy import _dmd
from raredx.therapy._knowledge import TherapyKnowledge, load_therapy_knowledge
from raredx.therapy._model import (
    Agency,
    Alteration,
    AltKind,
    Approval,
    Atom,
    BiomarkerSpec,
    CancerType,
    Certainty,
    DiseaseTreatment,
    Eligibility,
    Finding,
    Problem,
    Status,
    Tier,
    TreatmentReport,
    Zygosity,
)
from raredx.therapy._oncotree import SOLID, CancerTypeError
from raredx.therapy._parse import AlterationError, parse_alteration

_SEQ = {AltKind.PROTEIN, AltKind.CODON, AltKind.ITD, AltKind.TKD, AltKind.MUTATION,
        AltKind.DELETION, AltKind.EXON_DELETION, AltKind.EXON_INSERTION, AltKind.EXON_SKIPPING,
        AltKind.NONSENSE, AltKind.REPEAT_EXPANSION}
_AGENCY_ORDER = {Agency.FDA: 0, Agency.EMA: 1, Agency.HEALTH_CANADA: 2}


@dataclass(frozen=True)
class AtomResult:
    certainty: Certainty | None
    matched: tuple[Alteration, ...]
    why: str


def _missense(a: Alteration) -> bool:
    return a.kind is AltKind.PROTEIN and len(a.alt) == 1 and a.alt not in ("*", "=")


def match_one(s: Alteration, a: Alteration, k: TherapyKnowledge) -> tuple[Certainty | None, str]:
    """Does patient alteration ``a`` meet biomarker atom ``s``?"""
    sk, ak = s.kind, a.kind
    if sk is AltKind.ANY:
        return Certainty.NOT_REQUIRED, "no biomarker required"
    if sk is AltKind.SIGNATURE:
        return (Certainty.EXACT, s.value) if ak is sk and a.value == s.value else (None, "")
    if sk in (AltKind.FUSION, AltKind.REARRANGEMENT):
        genes_a = {a.gene, a.partner} - {None}
        if s.gene not in genes_a:
            return None, ""
        if ak is AltKind.FUSION:
            if s.partner is None or s.partner in genes_a:
                return Certainty.EXACT, f"{a.label} meets {s.label}"
            if a.partner is None:
                return Certainty.POSSIBLE, f"{a.label}: partner not given ({s.label} required)"
            return None, ""
        if ak is AltKind.REARRANGEMENT:
            if sk is AltKind.REARRANGEMENT:
                return Certainty.EXACT, f"{a.label} meets {s.label}"
            return Certainty.POSSIBLE, f"{a.label}: fusion not confirmed ({s.label} required)"
        return None, ""
    if s.gene != a.gene:
        if sk is AltKind.EXPRESSION and ak is AltKind.AMPLIFICATION and s.gene == a.gene:
            pass
        return None, ""
    g = k.genes.curated.get(s.gene)
    if sk is AltKind.PROTEIN:
        if ak is AltKind.PROTEIN and a.pos == s.pos and (
                a.alt == s.alt or (a.alt == "fs" and s.alt == "fs")):
            return Certainty.EXACT, f"{a.label} is {s.label}"
        if ak is AltKind.CODON and a.pos == s.pos:
            return Certainty.POSSIBLE, f"{a.label}: the change at codon {a.pos} is not given"
        if ak is AltKind.MUTATION:
            return Certainty.POSSIBLE, f"{a.label}: variant not specified ({s.label} required)"
        return None, ""
    if sk is AltKind.CODON:
        if (_missense(a) or ak is AltKind.CODON) and a.pos == s.pos:
            return Certainty.EXACT, f"{a.label} is a substitution at {s.ref}{s.pos}"
        if ak is AltKind.MUTATION:
            return Certainty.POSSIBLE, f"{a.label}: variant not specified ({s.label} required)"
        return None, ""
    if sk is AltKind.MUTATION:
        if ak in _SEQ and not (ak is AltKind.PROTEIN and a.alt == "="):
            return Certainty.GENE_LEVEL, (f"{a.label} is a {s.gene} variant (requirement is "
                                          "gene-level: it must be pathogenic/susceptible)")
        return None, ""
    if sk is AltKind.ITD:
        if ak is AltKind.ITD:
            return Certainty.EXACT, f"{a.label}"
        if ak is AltKind.MUTATION:
            return Certainty.POSSIBLE, f"{a.label}: ITD not confirmed"
        return None, ""
    if sk is AltKind.TKD:
        tkd = g.tkd_codons if g else ()
        if ak is AltKind.TKD:
            return Certainty.EXACT, a.label
        if ak in (AltKind.PROTEIN, AltKind.CODON) and a.pos in tkd and a.alt not in ("=", "*",
                                                                                      "fs"):
            return Certainty.EXACT, f"{a.label} is a tyrosine kinase domain mutation"
        if ak is AltKind.MUTATION:
            return Certainty.POSSIBLE, f"{a.label}: TKD mutation not confirmed"
        return None, ""
    if sk is AltKind.AMPLIFICATION:
        return (Certainty.EXACT, a.label) if ak is sk else (None, "")
    if sk is AltKind.DELETION:
        if ak is AltKind.DELETION:
            return Certainty.EXACT, a.label
        if ak is AltKind.EXON_DELETION:
            return Certainty.EXACT, f"{a.label} (a deletion of {a.gene})"
        return None, ""
    if sk in (AltKind.EXON_DELETION, AltKind.EXON_INSERTION):
        lo, hi = s.pos, s.end or s.pos
        if ak is sk and a.pos <= hi and (a.end or a.pos) >= lo:
            return Certainty.EXACT, f"{a.label} includes {s.label.split(' ', 1)[1]}"
        if ak is AltKind.PROTEIN and g and s.pos in g.exon_codons:
            c0, c1 = g.exon_codons[s.pos]
            kinds = ("del", "delins") if sk is AltKind.EXON_DELETION else ("ins", "dup", "delins")
            if a.alt in kinds and c0 <= a.pos <= c1:
                return Certainty.EXACT, f"{a.label} is an in-frame change in exon {s.pos}"
        if ak is AltKind.MUTATION:
            return Certainty.POSSIBLE, f"{a.label}: variant not specified ({s.label} required)"
        return None, ""
    if sk is AltKind.EXON_SKIPPING:
        return (Certainty.EXACT, a.label) if ak is sk and a.pos == s.pos else (None, "")
    if sk is AltKind.EXON_SKIP_AMENABLE:
        if ak is AltKind.EXON_DELETION and s.gene == "DMD":
            ok, why = _dmd.skip_restores(a.pos, a.end or a.pos, s.pos)
            return (Certainty.EXACT if ok else None), why
        if ak is AltKind.DELETION or ak is AltKind.MUTATION:
            return Certainty.POSSIBLE, f"{a.label}: give the deleted exons to assess exon skipping"
        return None, f"{a.label} is not an exon deletion; exon skipping not assessed"
    if sk is AltKind.NONSENSE:
        if ak is AltKind.PROTEIN and a.alt == "*":
            return Certainty.EXACT, f"{a.label} is a nonsense variant"
        if ak is AltKind.NONSENSE:
            return Certainty.EXACT, a.label
        if ak is AltKind.MUTATION:
            return Certainty.POSSIBLE, f"{a.label}: nonsense not confirmed"
        return None, ""
    if sk is AltKind.EXPRESSION:
        if ak is AltKind.EXPRESSION:
            return (Certainty.EXACT, a.label) if a.value == s.value else (None, "")
        if ak is AltKind.AMPLIFICATION and s.value == "positive":
            return Certainty.POSSIBLE, f"{a.label}: the label requires {s.label} (protein test)"
        return None, ""
    if sk is AltKind.REPEAT_EXPANSION:
        if ak is sk:
            return Certainty.EXACT, a.label
        if ak is AltKind.MUTATION:
            return Certainty.POSSIBLE, f"{a.label}: repeat expansion not confirmed"
        return None, ""
    return None, ""


def match_atom(atom: Atom, alts: Sequence[Alteration], k: TherapyKnowledge) -> AtomResult:
    best: Certainty | None = None
    hits: list[Alteration] = []
    whys: list[str] = []
    for a in alts:
        c, why = match_one(atom.alteration, a, k)
        if why:
            whys.append(why)
        if c is None:
            continue
        if best is None or c < best:
            best, hits = c, [a]
        elif c == best:
            hits.append(a)
    if best is not None and atom.biallelic and best is not Certainty.NOT_REQUIRED:
        alleles = sum(2 if a.zygosity is Zygosity.BIALLELIC else 1 for a in hits)
        if alleles < 2:
            best = Certainty.PARTIAL
            whys.append(f"{atom.alteration.label}: one allele given; biallelic required (add "
                        "'homozygous' or the second variant)")
    return AtomResult(best, tuple(hits), "; ".join(dict.fromkeys(whys)))


def match_spec(spec: BiomarkerSpec, alts: Sequence[Alteration], k: TherapyKnowledge
               ) -> tuple[Certainty | None, tuple[Alteration, ...], str]:
    best: tuple[Certainty | None, tuple[Alteration, ...], str] = (None, (), "")
    whys: list[str] = []
    for clause in spec.clauses:
        worst: Certainty | None = Certainty.EXACT
        matched: list[Alteration] = []
        notes: list[str] = []
        for atom in clause:
            r = match_atom(atom, alts, k)
            if atom.negated:
                if r.certainty in (Certainty.EXACT, Certainty.GENE_LEVEL):
                    worst = None
                    notes.append(f"excluded by {atom.alteration.label}")
                    break
                notes.append(f"requires no {atom.alteration.label} (not reported)")
                continue
            if r.certainty is None:
                worst = None
                if r.why:
                    notes.append(r.why)
                break
            worst = max(worst, r.certainty) if worst is not None else r.certainty
            matched.extend(r.matched)
            if r.why:
                notes.append(r.why)
        whys.extend(notes)
        if worst is not None and not any(not a.negated for a in clause):
            worst = Certainty.NOT_REQUIRED  # only absences required: not a biomarker match
        if worst is not None and (best[0] is None or worst < best[0]):
            best = (worst, tuple(dict.fromkeys(matched)), "; ".join(dict.fromkeys(notes)))
    if best[0] is None:
        return None, (), "; ".join(dict.fromkeys(whys))
    return best


class TherapyMatcher:
    """Reads queries and answers them from a :class:`TherapyKnowledge`."""

    def __init__(self, knowledge: TherapyKnowledge | None = None) -> None:
        self.k = knowledge or load_therapy_knowledge()

    # -- input ----------------------------------------------------------------------------------
    def read_alterations(self, texts: Iterable[str]) -> tuple[list[Alteration], list[Problem]]:
        alts: list[Alteration] = []
        problems: list[Problem] = []
        for i, t in enumerate(texts, 1):
            where = f"--alteration {i} ({t!r})"
            try:
                p = parse_alteration(t, self.k.genes)
            except AlterationError as e:
                problems.append(Problem(where, str(e), e.suggestions))
                continue
            for n in p.notes:
                problems.append(Problem(where, n))
            alts.append(p.alteration)
        return alts, problems

    def read_cancer(self, text: str) -> tuple[CancerType | None, list[Problem]]:
        try:
            return self.k.oncotree.resolve(text), []
        except CancerTypeError as e:
            return None, [Problem(f"--cancer {text!r}", str(e), e.suggestions)]

    # -- indications ----------------------------------------------------------------------------
    def _covers(self, ap: Approval, code: str) -> bool:
        ind = ap.indication
        if not ind.all_codes:
            return False
        on = code in ind.exact_codes or any(self.k.oncotree.is_a(code, c)
                                             for c in ind.cancer_codes)
        return on and not any(self.k.oncotree.is_a(code, c) for c in ind.excluded_codes)

    def _names(self, ap: Approval) -> str:
        t = self.k.oncotree.types
        names = ["any solid tumour" if c == SOLID else f"{t[c].name} ({c})" if c in t else c
                 for c in ap.indication.all_codes]
        ex = [t[c].name if c in t else c for c in ap.indication.excluded_codes]
        return ", ".join(names) + (f" except {', '.join(ex)}" if ex else "")

    # -- queries --------------------------------------------------------------------------------
    def treat(self, cancer: str | None, alterations: Sequence[str],
              include_unselected: bool = True) -> TreatmentReport:
        """Therapies for a tumour's alterations in a cancer type, by evidence tier."""
        alts, problems = self.read_alterations(alterations)
        ct: CancerType | None = None
        if cancer:
            ct, p = self.read_cancer(cancer)
            problems.extend(p)
        return self.treat_parsed(ct, alts, problems, include_unselected, cancer_given=bool(cancer))

    def treat_parsed(self, ct: CancerType | None, alts: Sequence[Alteration],
                     problems: Sequence[Problem] = (), include_unselected: bool = True,
                     cancer_given: bool = True) -> TreatmentReport:
        findings: list[Finding] = []
        for ap in self.k.approvals:
            if not ap.indication.all_codes:
                continue
            covers = ct is not None and self._covers(ap, ct.code)
            if not ap.biomarker.required:
                if covers and include_unselected and ap.status.is_approval:
                    findings.append(Finding(Tier.APPROVED_HERE, ap, Certainty.NOT_REQUIRED, (),
                                            "approved in this indication without a biomarker "
                                            "requirement", "this indication"))
                continue
            if not alts:
                continue
            cert, matched, why = match_spec(ap.biomarker, alts, self.k)
            if cert is None or (cert is Certainty.NOT_REQUIRED and not covers):
                continue
            if ct is None:
                rel = f"indication not given; applies to {self._names(ap)}"
            elif covers:
                rel = "this indication"
            elif any(self.k.oncotree.is_a(c, ct.code) for c in ap.indication.all_codes
                     if c not in (SOLID, ct.code)):
                rel = (f"approved in a more specific type: {self._names(ap)} (confirm the "
                       "diagnosis)")
            else:
                rel = f"other indication: {self._names(ap)}"
            if not ap.status.is_approval:
                tier = Tier.EVIDENCE_ONLY
                if ap.status is Status.WITHDRAWN:
                    why = f"approval withdrawn; {why}" if why else "approval withdrawn"
            elif covers:
                tier = Tier.APPROVED_HERE
            else:
                tier = Tier.APPROVED_ELSEWHERE
            findings.append(Finding(tier, ap, cert, tuple(a.label for a in matched), why, rel))
        findings.sort(key=lambda f: (f.tier, f.certainty, _AGENCY_ORDER.get(f.approval.agency, 9),
                                     f.approval.therapy_label, f.approval.date, f.approval.id))
        summary = self._summary(ct, alts, findings, cancer_given)
        return TreatmentReport(ct, tuple(alts), tuple(findings), tuple(problems), summary,
                               dict(self.k.versions))

    def _summary(self, ct: CancerType | None, alts: Sequence[Alteration],
                 findings: Sequence[Finding], cancer_given: bool) -> str:
        what = ", ".join(a.label for a in alts) or "no usable alteration"
        where = f"{ct.name} ({ct.code})" if ct else "an unspecified cancer type"

        def drugs(fs: Iterable[Finding]) -> str:
            seen: dict[str, set[str]] = {}
            for f in fs:
                codes = f.approval.indication.all_codes
                seen.setdefault(f.approval.therapy_label, set()).update(
                    "any solid tumour" if c == SOLID else c for c in codes)
            return "; ".join(f"{d} ({', '.join(sorted(c))})" for d, c in seen.items())

        t1 = [f for f in findings if f.tier is Tier.APPROVED_HERE
              and f.certainty is not Certainty.NOT_REQUIRED]
        t2 = [f for f in findings if f.tier is Tier.APPROVED_ELSEWHERE]
        t3 = [f for f in findings if f.tier is Tier.EVIDENCE_ONLY]
        parts = []
        if t1:
            firm = [f for f in t1 if f.certainty in (Certainty.EXACT, Certainty.GENE_LEVEL)]
            parts.append(f"{len(t1)} approval(s) for {what} in {where}"
                         + ("" if firm else " (eligibility not confirmed: see each row)") + ".")
        else:
            parts.append(f"No therapy is approved for {what} in {where}."
                         if cancer_given and ct is not None else
                         f"No cancer type given: approvals for {what} are listed by indication.")
        if t2:
            parts.append(f"Approved for this biomarker elsewhere: {drugs(t2)}.")
        if t3:
            parts.append(f"Guideline/trial evidence or withdrawn approvals: {drugs(t3)}.")
        if not findings and alts:
            parts.append("No curated therapy targets these alterations.")
        if ct is not None and not alts:
            tests: dict[str, set[str]] = {}
            for ap in self.k.approvals:
                if ap.status.is_approval and ap.biomarker.required and self._covers(ap, ct.code):
                    tests.setdefault(ap.biomarker.text, set()).add(ap.therapy_label)
            parts = [f"No alterations given for {where}."]
            if tests:
                parts.append("Biomarker-selected approvals here (test for): " + "; ".join(
                    f"{b} ({', '.join(sorted(d))})" for b, d in sorted(tests.items())) + ".")
        return " ".join(parts)

    def treatments_for_disease(self, disease_id: str, label: str | None = None,
                               alterations: Sequence[Alteration] = (),
                               equivalents: Iterable[str] = ()) -> list[DiseaseTreatment]:
        ids = {str(disease_id), *map(str, equivalents)}
        rows = [ap for ap in self.k.approvals if ids & set(ap.indication.disease_ids)
                and ap.status.is_approval]
        if not rows and label:
            try:
                ct = self.k.oncotree.resolve(label)
            except CancerTypeError:
                ct = None
            if ct is not None and ct.code not in ("SOLIDT", "TISSUE"):
                rows = [ap for ap in self.k.approvals if ap.status.is_approval
                        and self._covers(ap, ct.code)]
        out = []
        for ap in rows:
            if not ap.biomarker.required:
                out.append(DiseaseTreatment(str(disease_id), ap, Eligibility.NOT_REQUIRED,
                                            "no genotype requirement"))
                continue
            if not alterations:
                out.append(DiseaseTreatment(str(disease_id), ap, Eligibility.UNKNOWN,
                                            f"requires: {ap.biomarker.text}"))
                continue
            cert, _, why = match_spec(ap.biomarker, alterations, self.k)
            elig = {None: Eligibility.NOT_ELIGIBLE, Certainty.EXACT: Eligibility.ELIGIBLE,
                    Certainty.GENE_LEVEL: Eligibility.GENE_LEVEL,
                    Certainty.POSSIBLE: Eligibility.UNKNOWN,
                    Certainty.PARTIAL: Eligibility.PARTIAL,
                    Certainty.NOT_REQUIRED: Eligibility.NOT_REQUIRED}[cert]
            out.append(DiseaseTreatment(str(disease_id), ap, elig,
                                        why or f"requires: {ap.biomarker.text}"))
        out.sort(key=lambda d: (_AGENCY_ORDER.get(d.approval.agency, 9), d.approval.date,
                                d.approval.id))
        return out


_DEFAULT: TherapyMatcher | None = None


def default_matcher() -> TherapyMatcher:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = TherapyMatcher()
    return _DEFAULT


def treatments_for_disease(disease_id: str, label: str | None = None,
                           alterations: Sequence[Alteration] | Sequence[str] = (),
                           equivalents: Iterable[str] = ()) -> list[DiseaseTreatment]:
    """Approved treatments for a disease id (OMIM/ORPHA as in HPO annotations), with this patient's
    eligibility when ``alterations`` (parsed, or texts) are given. ``equivalents``: other ids of
    the same disease (e.g. the engine's OMIM<->ORPHA equivalents). ``label`` is used only when no
    row carries the id: a cancer label (OncoTree name or synonym) then lists that cancer's
    approvals (biomarker testing needed)."""
    m = default_matcher()
    alts: list[Alteration] = []
    for a in alterations:
        if isinstance(a, Alteration):
            alts.append(a)
        else:
            alts.extend(m.read_alterations([a])[0])
    return m.treatments_for_disease(str(disease_id), label, alts, equivalents)


def treatments_as_dicts(disease_id: str, equivalents: Iterable[str] = ()) -> list[dict[str, str]]:
    """Approved treatments of a disease as plain records (for writers and the API)."""
    out = []
    for t in treatments_for_disease(disease_id, None, equivalents=equivalents):
        ap = t.approval
        out.append({
            "therapy": " + ".join(ap.therapy), "brand": ap.brand, "modality": ap.modality,
            "agency": getattr(ap.agency, "value", str(ap.agency)), "date": ap.date,
            "indication": ap.condition,
            "requires": ap.biomarker.text if ap.biomarker.required else "",
            "eligibility": t.eligibility.value, "source": ap.source,
        })
    return out

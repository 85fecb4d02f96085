"""Coverage of MOAlmanac FDA approvals by the project's own table (MOAlmanac import off).

For every FDA statement whose joined disease is AML, ALL, a lymphoma, cholangiocarcinoma or a
glioma/astrocytoma/oligodendroglioma, ``raredx treat`` is asked for the statement's biomarker in
the statement's disease, from the built-in knowledge only; the statement is covered when a tier-1
(approved here) finding names its targeted agent. Statements whose joined fields contradict their
own text (disease, biomarker gene, biomarker name vs protein change) are reported as MOAlmanac
curation errors, evaluated separately, and checked for false on-label claims.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from raredx.therapy._import import MoaStatement, read_moalmanac_statements
from raredx.therapy._match import TherapyMatcher
from raredx.therapy._model import Tier
from raredx.therapy._oncotree import OncoTree, _key

FAMILIES = {"AML": ("AML",), "ALL": ("ALL",), "lymphoma": ("NHL", "HL"),
            "cholangiocarcinoma": ("CHOL",),
            "glioma/astrocytoma/oligodendroglioma": ("DIFG", "SEGA", "PAST")}
GENERIC = {"LEUK", "TISSUE", "SOLIDT", "MYELOID", "LYMPH"}
_GENE_WORDS = {"BCR": ("philadelphia", "ph+", "ph-", "bcr"), "ABL1": ("philadelphia", "ph+", "abl"),
               "H3-3A": ("h3 k27m", "h3"), "TSC1": ("tsc",), "TSC2": ("tsc",),
               "ERBB2": ("her2",), "RARA": ("rar-alpha", "rar alpha", "rara", "t(15;17)"),
               "PML": ("pml", "t(15;17)")}


BCR_ABL1_TKIS = {"imatinib", "dasatinib", "nilotinib", "bosutinib", "ponatinib", "asciminib"}
OUT_OF_SCOPE = {"CLLSLL"}  # chronic lymphocytic leukaemia: a leukaemia in MOAlmanac's naming


def family_of(code: str, onco: OncoTree) -> str | None:
    if code in OUT_OF_SCOPE:
        return None
    for fam, roots in FAMILIES.items():
        if code in onco.types and any(onco.is_a(code, r) for r in roots):
            return fam
    return None


def mentioned_types(text: str, onco: OncoTree) -> set[str]:
    """OncoTree types named in a free text (longest names win over names inside them)."""
    k = f" {_key(text)} "
    hits: list[tuple[int, int, str]] = []
    for name, code in onco._names.items():
        if len(name) < 3:
            continue
        for m in re.finditer(rf"(?<= ){re.escape(name)}(?= )", k):
            hits.append((m.start(), m.end(), code))
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    taken: list[tuple[int, int]] = []
    out = set()
    for s, e, code in hits:
        if any(s < te and e > ts for ts, te in taken):
            continue
        taken.append((s, e))
        out.add(code)
    return out


def curation_errors(st: MoaStatement, onco: OncoTree) -> list[str]:
    """Joined fields of a statement that contradict the statement's own text."""
    errs = []
    text = f"{st.raw_cancer_type} {st.description}"
    ment = mentioned_types(st.raw_cancer_type or st.description, onco)
    code = st.disease_code
    if ment and code in onco.types:
        def related(m: str) -> bool:
            if m in GENERIC:
                t = onco.types[code]
                return m != "LEUK" or any("leukemia" in _key(n) for n in (t.name, *t.synonyms))
            return onco.is_a(code, m) or onco.is_a(m, code)
        if not any(related(m) for m in ment):
            errs.append(f"disease {code} ({st.disease_name}) but the indication text names "
                        + ", ".join(f"{onco.types[x].name} ({x})" for x in sorted(ment)))
    low = f"{st.raw_biomarkers} {text}".lower()
    names = st.extra.get("gene_names", {})
    for b in st.biomarkers:
        for g in b.get("genes", []) or []:
            sym = names.get(g, "")
            words = (sym.lower(), *_GENE_WORDS.get(sym, ()))
            if sym and not any(w in low for w in words):
                errs.append(f"biomarker {b.get('name')} ({sym}) is not mentioned in the "
                            "indication text")
        pc = next((e.get("value") for e in b.get("extensions", [])
                   if e["name"] == "protein_change"), None)
        m = re.search(r"p\.(\S+)", b.get("name", ""))
        if pc and m and f"p.{m.group(1)}" != pc:
            a = re.fullmatch(r"p\.([A-Z])(\d+)(\S+)", f"p.{m.group(1)}")
            c = re.fullmatch(r"p\.([A-Z])(\d+)(\S+)", pc)
            legacy = (a and c and a.group(1) == c.group(1) and a.group(3) == c.group(3)
                      and abs(int(a.group(2)) - int(c.group(2))) == 1
                      and str(names.get((b.get("genes") or [None])[0], "")).startswith("H3"))
            if not legacy:
                errs.append(f"biomarker name {b.get('name')} contradicts its protein_change {pc}")
    vocab = sorted(set(re.findall(r"[a-z][a-z-]{4,}",
                                  f"{st.description} {st.indication_text}".lower())))
    if st.therapy and not any(
            difflib.get_close_matches(t.lower().split()[0], vocab, n=1, cutoff=0.85)
            for t in st.therapy):
        errs.append(f"therapy {' + '.join(st.therapy)} is not the one the statement text names")
    for b in st.biomarkers:
        present = next((e.get("value") for e in b.get("extensions", [])
                        if e["name"] == "_present"), True)
        if present is False and b.get("name") == "BCR::ABL1" and {
                t.lower() for t in st.therapy} & BCR_ABL1_TKIS:
            errs.append("BCR::ABL1 is coded as absent for a BCR-ABL1 kinase inhibitor "
                        "(the text says Philadelphia chromosome-positive)")
    if not st.date:
        errs.append("no approval date")
    return errs


@dataclass
class CoverageRow:
    statement: int
    disease: str
    family: str
    therapy: str
    biomarkers: str
    query: str
    covered: bool
    returned_as: str  # tier of the best finding naming the agent, or ""
    errors: list[str] = field(default_factory=list)
    agency: str = "fda"


@dataclass
class CoverageReport:
    rows: list[CoverageRow]
    false_on_label: list[str]
    outside: tuple[int, int, int] = (0, 0, 0)  # covered, asked, not askable (other diseases)

    def figure(self, clean_only: bool = True, agency: str = "fda") -> tuple[int, int]:
        rs = [r for r in self.rows if r.agency == agency
              and not (clean_only and _blocking(r.errors))]
        return sum(r.covered for r in rs), len(rs)


def _blocking(errors: list[str]) -> bool:
    return any(not e.startswith("no approval date") and "contradicts its protein_change" not in e
               for e in errors)


def coverage(moalmanac_dir: Path, matcher: TherapyMatcher | None = None) -> CoverageReport:
    m = matcher or TherapyMatcher()
    onco = m.k.oncotree
    rows: list[CoverageRow] = []
    false_on_label: list[str] = []
    out_hit = out_n = out_skip = 0
    for st in read_moalmanac_statements(moalmanac_dir):
        if st.agency not in ("fda", "ema", "hc"):
            continue
        fam = family_of(st.disease_code, onco)
        if fam is None and st.agency != "fda":
            continue
        if fam is None:
            # outside the five families: a rough check of how far the table reaches
            alts0 = [t for t in st.biomarker_texts if not t.startswith("!")]
            if st.unsupported or not alts0 or st.disease_code not in onco.types:
                out_skip += 1
                continue
            ag = {t.lower() for t in st.therapy}
            r0 = m.treat(st.disease_code, alts0)
            out_n += 1
            out_hit += any(f.tier is Tier.APPROVED_HERE and set(f.approval.therapy) <= ag
                           and f.approval.biomarker.required for f in r0.findings)
            continue
        errs = curation_errors(st, onco)
        alts = [t for t in st.biomarker_texts if not t.startswith("!")]
        agents = {t.lower() for t in st.therapy}
        rep = m.treat(st.disease_code, alts)
        tiers = [f for f in rep.findings if set(f.approval.therapy) <= agents
                 and f.approval.biomarker.required]
        best = min((f.tier for f in tiers), default=None)
        covered = best is Tier.APPROVED_HERE
        q = f"--cancer {st.disease_code} " + " ".join(f"--alteration {a!r}" for a in alts)
        rows.append(CoverageRow(st.id, st.disease_code, fam, " + ".join(st.therapy),
                                "; ".join(st.biomarker_texts) + (
                                    f" [unsupported: {', '.join(st.unsupported)}]"
                                    if st.unsupported else ""),
                                q, covered, "" if best is None else f"tier {int(best)}", errs,
                                st.agency))
        if _blocking(errs) and covered:
            support = sorted({f.approval.id for f in tiers if f.tier is Tier.APPROVED_HERE})
            false_on_label.append(f"statement {st.id} ({st.agency.upper()}): "
                                  f"{' + '.join(st.therapy)} in {st.disease_code} is answered "
                                  f"on-label from raredx rows {', '.join(support)}")
    return CoverageReport(rows, false_on_label, (out_hit, out_n, out_skip))


def render_coverage(rep: CoverageReport) -> str:
    c, n = rep.figure(True)
    ca, na = rep.figure(False)
    out = [
        "# Coverage of MOAlmanac FDA approvals (AML, ALL, lymphoma, cholangiocarcinoma, glioma)",
        "",
        (f"Covered on-label from raredx's own table: **{c}/{n}** statements whose joined fields "
         f"agree with their text ({100 * c / max(n, 1):.1f}%); {ca}/{na} counting every "
         "statement."),
        "",
        ("Caveat: the curated table was written knowing which approvals this measurement asks "
         "about (the target list was read before curation), so this is a completeness check, "
         "not a blind test; the figure outside the five families below is closer to one."),
        "",
        "## Misses (consistent statements)",
    ]
    fda = [r for r in rep.rows if r.agency == "fda"]
    misses = [r for r in fda if not r.covered and not _blocking(r.errors)]
    out += [f"- statement {r.statement} [{r.disease}] {r.therapy} for {r.biomarkers}: "
            f"{r.returned_as or 'not returned'}" for r in misses] or ["- none"]
    out += ["", "## MOAlmanac curation errors found (joined fields vs statement text)"]
    errs = [r for r in rep.rows if _blocking(r.errors) or any(
        "contradicts its protein_change" in e for e in r.errors)]  # every agency
    out += [f"- statement {r.statement} ({r.agency.upper()}) [{r.disease}] {r.therapy}: "
            f"{'; '.join(r.errors)}"
            + (" (our answer: " + ("approved here" if r.covered else r.returned_as or "not "
                                   "returned") + ")")
            for r in errs] or ["- none"]
    undated = Counter(r.agency.upper() for r in rep.rows if "no approval date" in r.errors)
    if undated:
        out.append("- statements without an approval date: " + ", ".join(
            f"{a} {n}" for a, n in sorted(undated.items())))
    out += ["", "## Contradicted statements that raredx nevertheless answers on-label",
            "(each from a raredx row of its own; check that the row, not the statement, holds)"]
    out += [f"- {x}" for x in rep.false_on_label] or ["- none"]
    out += ["", ("## Same families, EMA and Health Canada statements (lists not read before "
                 "curation; any agency's on-label row naming the agent counts)"),
            ("Before two EMA rows were added in response (futibatinib EU CCA, brentuximab EU "
             "CTCL), the EMA figure was 60/63; Health Canada 61/61.")]
    for ag, name in (("ema", "EMA"), ("hc", "Health Canada")):
        c2, n2 = rep.figure(True, ag)
        out.append(f"- {name}: {c2}/{n2} covered")
        out += [f"  - miss: statement {r.statement} [{r.disease}] {r.therapy} for {r.biomarkers}: "
                f"{r.returned_as or 'not returned'}"
                for r in rep.rows if r.agency == ag and not r.covered and not _blocking(r.errors)]
    oh, on, osk = rep.outside
    out += ["", "## Outside the five families (not a target; shows the table's reach)",
            (f"- other FDA statements in the built-in OncoTree subset with supported biomarkers: "
             f"{oh}/{on} covered on-label; {osk} not askable (disease outside the subset, "
             "unsupported biomarker such as PD-L1 thresholds, or tumour-agnostic coding)")]
    out += ["", "## Per family"]
    fams: dict[str, list[CoverageRow]] = {}
    for r in fda:
        fams.setdefault(r.family, []).append(r)
    for fam, rs in sorted(fams.items()):
        clean = [r for r in rs if not _blocking(r.errors)]
        out.append(f"- {fam}: {sum(r.covered for r in clean)}/{len(clean)} "
                   f"(+{len(rs) - len(clean)} contradicted statements)")
    return "\n".join(out) + "\n"

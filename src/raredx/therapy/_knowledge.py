"""The curated therapy table (``data/therapies/approvals.tsv``), loaded into :class:`Approval` facts."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from raredx.errors import KnowledgeError
from raredx.therapy._genes import Genes
from raredx.therapy._model import Agency, Approval, Indication, Status
from raredx.therapy._oncotree import SOLID, OncoTree
from raredx.therapy._parse import AlterationError, parse_spec

TABLE = "therapies/approvals.tsv"
TABLE_VERSION = "2026.11.0"
DAILYMED = "https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query="
EPAR = "https://www.ema.europa.eu/en/medicines/human/EPAR/"


def expand_source(s: str) -> str:
    """``dailymed:NAME`` / ``epar:NAME`` / ``pub:TEXT`` shorthand -> URL or citation."""
    if s.startswith("dailymed:"):
        return DAILYMED + s[9:].replace(" ", "+")
    if s.startswith("epar:"):
        return EPAR + s[5:]
    if s.startswith("pub:"):
        return s[4:]
    return s


def _agency(s: str) -> Agency:
    for a in Agency:
        if a.value.lower() == s.lower():
            return a
    raise ValueError(f"unknown agency {s!r}")


def parse_indication(text: str, oncotree: OncoTree | None) -> Indication:
    codes, excl, ids, exact = [], [], [], []
    for part in (p.strip() for p in text.split("|") if p.strip()):
        if ":" in part:
            ids.append(part)
        elif part.startswith("!"):
            excl.append(part[1:])
        elif part.startswith("="):
            exact.append(part[1:])
        else:
            codes.append(part)
    if oncotree is not None:
        for c in codes + excl + exact:
            if c != SOLID and c not in oncotree.types:
                raise ValueError(f"OncoTree code {c!r} is not in the built-in subset")
    return Indication(tuple(codes), tuple(excl), tuple(ids), tuple(exact))


@dataclass
class TherapyKnowledge:
    """Approvals plus what is needed to read queries against them."""

    approvals: list[Approval]
    genes: Genes
    oncotree: OncoTree
    versions: dict[str, str] = field(default_factory=dict)

    def extend(self, more: Iterable[Approval], source: str) -> None:
        more = list(more)
        self.approvals.extend(more)
        self.versions[source] = f"{len(more)} imported facts"


def read_table(text: str, genes: Genes, oncotree: OncoTree, where: str) -> list[Approval]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    out: list[Approval] = []
    seen: set[str] = set()
    for i, row in enumerate(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t"), 2):
        rid = row["id"]
        try:
            if rid in seen:
                raise ValueError("duplicate id")
            seen.add(rid)
            out.append(Approval(
                id=rid,
                agency=_agency(row["agency"]),
                date=row["date"],
                status=Status(row["status"]),
                therapy=tuple(t.strip() for t in row["therapy"].split("+") if t.strip()),
                partners=tuple(t.strip() for t in (row["partners"] or "").split("+") if t.strip()),
                brand=row["brand"] or "",
                modality=row["modality"],
                indication=parse_indication(row["indication"], oncotree),
                condition=row["condition"],
                biomarker=parse_spec(row["biomarker"], genes),
                line=row["line"] or "",
                population=row["population"] or "",
                source=expand_source(row["source"]),
                note=row.get("note") or "",
            ))
        except (ValueError, AlterationError, KeyError) as e:
            raise KnowledgeError(f"{where}: row {rid!r}: {e}") from e
    return out


def load_therapy_knowledge(hgnc_path: Path | None = None) -> TherapyKnowledge:
    """The built-in table; ``hgnc_path`` overrides the installed HGNC table (for symbol checks)."""
    genes = Genes(hgnc_path)
    onco = OncoTree()
    raw = resources.files("raredx.data").joinpath(TABLE).read_bytes()
    approvals = read_table(raw.decode("utf-8"), genes, onco, TABLE)
    versions = {
        "therapies": f"raredx-therapies {TABLE_VERSION} (sha256 {hashlib.sha256(raw).hexdigest()[:12]})",
        "genes": f"raredx-genes {genes.version}; HGNC "
                 + ("installed" if genes.has_hgnc else "not installed"),
    }
    return TherapyKnowledge(approvals, genes, onco, versions)

"""A small reader for the OBO 1.4 subset that hp.obo uses (ids, names, synonyms, is_a, alt_id,
obsolete/replaced_by). It is ~10x faster than general OBO libraries and the result is cached."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from raredx.errors import KnowledgeError
from raredx.io._files import open_text
from raredx.knowledge import PHENOTYPIC_ABNORMALITY, Ontology, Term

_SYN = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+(\w+)')
ROOT = "HP:0000001"


def read_obo(path: Path) -> Ontology:
    """Read hp.obo; a file that is not a complete HPO ontology (not OBO, truncated, without the
    root terms, or with is_a parents missing) raises :class:`KnowledgeError` saying so."""
    try:
        version, stanzas = _stanzas(path)
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise KnowledgeError(f"{path}: cannot be read ({exc}); re-install the release") from None
    if not stanzas:
        raise KnowledgeError(f"{path}: no [Term] stanza; not an OBO ontology file")
    for k, st in enumerate(stanzas):
        if not st.get("id"):
            raise KnowledgeError(f"{path}: [Term] stanza {k + 1} has no id; the file is corrupt")
    onto = _ontology(version, stanzas)
    missing = [p for ps in _raw_parents(stanzas) for p in ps if p not in onto]
    if missing:
        raise KnowledgeError(f"{path}: {len(missing)} is_a parent(s) are not terms of the file "
                             f"(e.g. {missing[0]}); it is truncated or corrupt")
    for root in (ROOT, PHENOTYPIC_ABNORMALITY):
        if root not in onto:
            raise KnowledgeError(f"{path}: no term {root}; not a complete HPO ontology file")
    return onto


def _raw_parents(stanzas: list[dict[str, list[str]]]) -> list[list[str]]:
    return [[p.split()[0] for p in st.get("is_a", [])] for st in stanzas
            if st.get("is_obsolete", ["false"])[0].strip() != "true"]


def _stanzas(path: Path) -> tuple[str, list[dict[str, list[str]]]]:
    version = ""
    stanzas: list[dict[str, list[str]]] = []
    cur: dict[str, list[str]] | None = None
    with open_text(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("["):
                cur = {} if line == "[Term]" else None
                if cur is not None:
                    stanzas.append(cur)
                continue
            if not line or line.startswith("!"):
                continue
            key, _, value = line.partition(": ")
            if cur is None:
                if key == "data-version" and not stanzas:
                    version = value.strip()
                continue
            cur.setdefault(key, []).append(value)
    return version, stanzas


def _ontology(version: str, stanzas: list[dict[str, list[str]]]) -> Ontology:
    ids: list[str] = []
    terms: list[Term] = []
    raw_parents: list[list[str]] = []
    alt_ids: dict[str, str] = {}
    replaced_by: dict[str, str] = {}
    obsolete: set[str] = set()
    for st in stanzas:
        tid = st["id"][0].strip()
        if st.get("is_obsolete", ["false"])[0].strip() == "true":
            obsolete.add(tid)
            rb = st.get("replaced_by") or st.get("consider")
            if rb:
                replaced_by[tid] = rb[0].split()[0]
            continue
        syns = []
        for s in st.get("synonym", []):
            m = _SYN.match(s)
            if m:
                syns.append(m.group(1).replace('\\"', '"'))
        definition = ""
        if "def" in st:
            m = _SYN.match(st["def"][0] + " X")
            definition = m.group(1) if m else ""
        ids.append(tid)
        terms.append(Term(tid, st.get("name", [tid])[0], tuple(syns), definition))
        raw_parents.append([p.split()[0] for p in st.get("is_a", [])])
        for a in st.get("alt_id", []):
            alt_ids[a.strip()] = tid
    index = {t: i for i, t in enumerate(ids)}
    parents = [tuple(index[p] for p in ps if p in index) for ps in raw_parents]
    # replacement chains: resolve to a current term when possible
    for k, v in list(replaced_by.items()):
        seen = 0
        while v not in index and v in replaced_by and seen < 10:
            v = replaced_by[v]
            seen += 1
        v = alt_ids.get(v, v)
        if v in index:
            replaced_by[k] = v
        else:
            del replaced_by[k]
    version = version.removeprefix("hp/releases/")
    return Ontology(version, ids, terms, parents, alt_ids, replaced_by, obsolete)

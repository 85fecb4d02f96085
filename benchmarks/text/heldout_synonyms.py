"""Leave-synonyms-out check of ``raredx.text`` on the ontology alone (no corpus): a fixed 20% of
the synonyms of phenotypic-abnormality terms are removed from the index, and each removed
synonym is then read as text. It measures how well the normal form, word maps and composition
rules reach a name that no dictionary entry spells out (the recall problem on real text), and
which other terms they wrongly reach.

    .venv/bin/python benchmarks/text/heldout_synonyms.py --data-dir /tmp/kd

Counts, per held-out synonym whose normal form differs from every remaining name of its term:
``exact`` (the term itself found), ``related`` (an ancestor or descendant found instead),
``wrong`` (only unrelated terms), ``none``. Synonyms that normalise to a remaining name of
their own term are counted apart (``trivial``): any normal form finds them.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import Counter
from dataclasses import replace
from pathlib import Path

HELD_OUT_PERCENT = 20


def held_out(term_id: str, synonym: str) -> bool:
    h = hashlib.sha1(f"{term_id}\t{synonym}".encode()).digest()
    return h[0] * 100 // 256 < HELD_OUT_PERCENT


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--show", choices=["none", "wrong", "related", "all"], default="none")
    args = ap.parse_args()

    from raredx.io import load_knowledge
    from raredx.knowledge import PHENOTYPIC_ABNORMALITY
    from raredx.text import Extractor, build_text_index, name_key
    from raredx.text._tokens import is_abbreviation

    onto = load_knowledge(args.data_dir).ontology
    root = onto.index(PHENOTYPIC_ABNORMALITY)
    tests: list[tuple[int, str]] = []
    terms = list(onto.terms)
    for i, t in enumerate(onto.terms):
        if i == root or not onto.is_descendant_of(i, root):
            continue
        keep, out = [], []
        for s in t.synonyms:
            (out if held_out(t.id, s) and not is_abbreviation(s.strip()) else keep).append(s)
        if out:
            terms[i] = t._replace(synonyms=tuple(keep))
            tests += [(i, s) for s in out]
    reduced = replace(onto, terms=terms)
    ex = Extractor(build_text_index(reduced))
    counts: Counter[str] = Counter()
    for i, s in tests:
        t = terms[i]
        rest = {name_key(n) for n in (t.label, *t.synonyms)}
        rest |= {tuple(sorted(k)) for k in rest}
        k = name_key(s)
        if k in rest or tuple(sorted(k)) in rest:
            counts["trivial"] += 1
            continue
        found = [onto.index(m.id) for m in ex.extract(s).mentions if not m.nested]
        if i in found:
            outcome = "exact"
        elif any(onto.is_descendant_of(i, j) or onto.is_descendant_of(j, i) for j in found):
            outcome = "related"
        elif found:
            outcome = "wrong"
        else:
            outcome = "none"
        counts[outcome] += 1
        if args.show in (outcome, "all"):
            got = "; ".join(f"{onto.ids[j]} {onto.terms[j].label}" for j in found)
            print(f"{outcome:7} {s!r} -> want {t.id} {t.label!r}; got {got or '-'}")
    n = sum(v for k, v in counts.items() if k != "trivial")
    print(f"held out {len(tests)} synonyms; trivial {counts['trivial']}; of the other {n}: "
          + ", ".join(f"{k} {counts[k]} ({counts[k] / n:.1%})"
                      for k in ("exact", "related", "wrong", "none")))


if __name__ == "__main__":
    main()

"""Error listing for ``raredx.text`` on a GSC+ split (use ``dev`` only: tuning on ``test`` would
make the reported figures meaningless).

    .venv/bin/python benchmarks/text/errors.py --split dev --data-dir /tmp/kd

Prints, per document, the gold mentions missed (FN: exact span + id not predicted, with what
raredx predicted over that span, if anything) and the predictions not in the gold (FP).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gsc_plus import DEFAULT_GSC, read_gsc, resolve_gold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev"], default="dev")
    ap.add_argument("--gsc", type=Path, default=DEFAULT_GSC)
    ap.add_argument("--data-dir", type=Path, default=None)
    args = ap.parse_args()

    from raredx.io import load_knowledge
    from raredx.text import Extractor, build_text_index

    kb = load_knowledge(args.data_dir)
    onto = kb.ontology
    docs = read_gsc(args.gsc / f"GSCplus_{args.split}_gold.tsv")
    resolve_gold(docs, onto)
    ex = Extractor(build_text_index(kb.ontology))
    n_fn = n_fp = 0
    for d in docs:
        text = d["text"]
        pred = [(m.start, m.end, m.id) for m in ex.extract(text, where=d["id"]).mentions]
        gold = set(d["gold_resolved"])
        pset = set(pred)
        fn = sorted(g for g in gold if g not in pset)
        fp = sorted(p for p in pset if p not in gold)
        if not fn and not fp:
            continue
        print(f"== {d['id']}")
        for s, e, t in fn:
            over = [f"{p[2]} {onto.label(p[2])!r} [{text[p[0]:p[1]]}]" for p in pred
                    if p[0] < e and s < p[1]]
            print(f"  FN {text[s:e]!r} {t} {onto.label(t)!r}  pred: {'; '.join(over) or '-'}")
        for s, e, t in fp:
            over = [f"{g[2]} [{text[g[0]:g[1]]}]" for g in gold if g[0] < e and s < g[1]]
            print(f"  FP {text[s:e]!r} {t} {onto.label(t)!r}  gold: {'; '.join(over) or '-'}")
        n_fn += len(fn)
        n_fp += len(fp)
    print(f"FN {n_fn} FP {n_fp}")


if __name__ == "__main__":
    main()

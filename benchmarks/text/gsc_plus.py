"""Benchmark of ``raredx.text`` against the GSC+ gold standard, side by side with peers.

    .venv/bin/python benchmarks/text/gsc_plus.py --split test --data-dir /tmp/kd \
        --peer fasthpocr=/tmp/peer-fasthpocr/bin/python:/tmp/fasthpocr/out \
        --peer clinphen=/tmp/peer-clinphen/bin/python --peer txt2hpo=/tmp/peer-txt2hpo/bin/python

Writes ``benchmarks/text/reports/gsc_plus_<split>.{md,json}``. Gold ids (valid in HPO 2023-10)
are mapped to current ids with the release's ``resolve()`` (alternative/obsolete ids), so that
an id renamed since does not count against anybody. Every mention found counts, whatever its
assertion status: GSC+ marks phenotype *mentions*, negated or not. Speed is words per second of
raredx on one core (single-threaded), over the split's text repeated to at least 200,000 words.
Peers run in their own virtualenvs (never project dependencies); one that fails is reported
with its error. Tune on ``dev`` only; report ``test``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GSC = ROOT / ".." / "shared" / "data" / "text" / "gsc-plus"


def read_gsc(path: Path) -> list[dict]:
    docs = []
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    for b in blocks:
        lines = [ln for ln in b.split("\n") if ln.strip()]
        if len(lines) < 2:
            continue
        doc = {"id": lines[0].strip(), "text": lines[1], "gold": []}
        for ln in lines[2:]:
            s, e, txt, tid = ln.split("\t")
            doc["gold"].append((int(s), int(e), tid.strip()))
        docs.append(doc)
    return docs


def prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> dict:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "predicted": n_pred, "gold": n_gold}


def score(docs: list[dict], preds: dict[str, list], has_offsets: bool) -> dict:
    ex_tp = ov_tp_p = ov_tp_g = n_pred = n_gold = 0
    d_tp = d_pred = d_gold = 0
    for d in docs:
        gold = d["gold_resolved"]
        pred = [tuple(x) for x in preds.get(d["id"], [])]
        n_gold += len(gold)
        n_pred += len(pred)
        gset = set(gold)
        ex_tp += len({p for p in pred if p in gset})
        if has_offsets:
            used = [False] * len(gold)
            for ps, pe, pid in pred:
                for k, (gs, ge, gid) in enumerate(gold):
                    if not used[k] and gid == pid and ps < ge and gs < pe:
                        used[k] = True
                        ov_tp_p += 1
                        break
            ov_tp_g += sum(used)
        gids = {g[2] for g in gold}
        pids = {p[2] for p in pred}
        d_tp += len(gids & pids)
        d_pred += len(pids)
        d_gold += len(gids)
    out = {"document": prf(d_tp, d_pred, d_tp, d_gold)}
    if has_offsets:
        out["mention_exact"] = prf(ex_tp, n_pred, ex_tp, n_gold)
        out["mention_overlap"] = prf(ov_tp_p, n_pred, ov_tp_g, n_gold)
    return out


def resolve_gold(docs: list[dict], ontology) -> dict:
    stats = {"current": 0, "alternative": 0, "obsolete": 0, "unknown": 0}
    for d in docs:
        out = []
        for s, e, tid in d["gold"]:
            cur, how = ontology.resolve(tid)
            stats[how if how in stats else "unknown"] += 1
            out.append((s, e, cur or tid))
        d["gold_resolved"] = out
    return stats


def resolve_pred(preds: dict[str, list], ontology) -> dict[str, list]:
    out = {}
    for k, v in preds.items():
        rows = []
        for s, e, tid in v:
            tid = tid.replace("_", ":").split("/")[-1]
            cur, _ = ontology.resolve(tid)
            rows.append((s, e, cur or tid))
        out[k] = rows
    return out


def run_raredx(docs: list[dict], kb) -> tuple[dict, dict, dict]:
    from raredx.text import Extractor, load_text_index

    ex = Extractor(load_text_index(kb))
    preds, asserted = {}, {}
    t0 = time.perf_counter()
    for d in docs:
        ms = ex.extract(d["text"], where=d["id"]).mentions
        preds[d["id"]] = [(m.start, m.end, m.id) for m in ms]
        asserted[d["id"]] = [(m.start, m.end, m.id) for m in ms if m.present]
    secs = time.perf_counter() - t0
    # speed on one core: the split's text repeated to >= 200k words, extracted as chunks
    words = sum(len(d["text"].split()) for d in docs)
    reps = max(1, -(-200_000 // max(words, 1)))
    big = "\n\n".join(d["text"] for d in docs)
    chunks = [(0, big)] * reps
    c0, t1 = time.process_time(), time.perf_counter()
    n = 0
    for base, text in chunks:
        n += len(text.split())
        for _ in ex.mentions([(base, text)]):
            pass
    cpu, wall = time.process_time() - c0, time.perf_counter() - t1
    speed = {"words": n, "cpu_seconds": round(cpu, 3), "wall_seconds": round(wall, 3),
             "words_per_cpu_second": round(n / cpu), "words_per_wall_second": round(n / wall)}
    return preds, asserted, {"seconds": round(secs, 3), **speed}


def run_peer(name: str, spec: str, docs: list[dict]) -> tuple[dict | None, dict]:
    python, _, extra = spec.partition(":")
    with tempfile.TemporaryDirectory() as tmp:
        dp, op = Path(tmp) / "docs.json", Path(tmp) / "out.json"
        dp.write_text(json.dumps([{"id": d["id"], "text": d["text"]} for d in docs]))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        cmd = [python, str(Path(__file__).with_name("peers.py")), name, str(dp), str(op), extra]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, {"error": f"{type(exc).__name__}: {exc}"}
        if res.returncode != 0 or not op.exists():
            err = [ln.strip() for ln in res.stderr.strip().splitlines() if ln.strip()]
            key = [ln for ln in err if "Error" in ln or "Resource" in ln or "download" in ln]
            return None, {"error": " / ".join(dict.fromkeys(key or err[-3:]))[:400]}
        out = json.loads(op.read_text())
        return out["docs"], {"seconds": round(out["seconds"], 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "test"], default="dev")
    ap.add_argument("--gsc", type=Path, default=DEFAULT_GSC)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--peer", action="append", default=[], help="NAME=PYTHON[:EXTRA]")
    ap.add_argument("--peer-note", action="append", default=[], help="NAME=why/how it was run")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "text" / "reports")
    args = ap.parse_args()

    from raredx.io import load_knowledge

    kb = load_knowledge(args.data_dir, log=lambda s: print(s, file=sys.stderr))
    docs = read_gsc(args.gsc / f"GSCplus_{args.split}_gold.tsv")
    gold_stats = resolve_gold(docs, kb.ontology)
    words = sum(len(d["text"].split()) for d in docs)
    results: dict[str, dict] = {}
    preds, asserted, info = run_raredx(docs, kb)
    results["raredx"] = {**score(docs, preds, True), "run": info}
    results["raredx (asserted present only)"] = score(docs, asserted, True)
    for spec in args.peer:
        name, _, rest = spec.partition("=")
        p, pinfo = run_peer(name, rest, docs)
        if p is None:
            results[name] = {"run": pinfo}
            continue
        has_off = all(x[0] is not None for v in p.values() for x in v)
        p = resolve_pred(p, kb.ontology)
        pinfo["words_per_cpu_second"] = round(words / pinfo["seconds"]) if pinfo["seconds"] else None
        results[name] = {**score(docs, p, has_off), "run": pinfo}
    report = {
        "corpus": f"GSC+ {args.split}", "documents": len(docs), "words": words,
        "gold_mentions": sum(len(d["gold"]) for d in docs), "gold_id_resolution": gold_stats,
        "hpo": kb.ontology.version, "results": results,
        "peer_notes": dict(n.split("=", 1) for n in args.peer_note),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"gsc_plus_{args.split}.json").write_text(json.dumps(report, indent=1) + "\n")
    (args.out / f"gsc_plus_{args.split}.md").write_text(markdown(report))
    print(markdown(report))


def markdown(r: dict) -> str:
    lines = [
        f"# Concept recognition on {r['corpus']} ({r['documents']} documents, {r['words']:,} words, "
        f"{r['gold_mentions']} gold mentions)", "",
        f"HPO {r['hpo']}; gold ids resolved through it: {r['gold_id_resolution']}.", "",
        "| system | doc P | doc R | doc F1 | mention exact P / R / F1 | mention overlap P / R / F1 "
        "| words/s |", "|---|---|---|---|---|---|---|",
    ]
    for name, res in r["results"].items():
        run = res.get("run", {})
        if "error" in run:
            err = run["error"].replace("|", "/")[:300]
            lines.append(f"| {name} | failed: {err} | | | | | |")
            continue
        d = res["document"]

        def trio(k: str) -> str:
            if k not in res:
                return "n/a (no offsets)"
            m = res[k]
            return f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f1']:.3f}"

        speed = run.get("words_per_cpu_second") or ""
        lines.append(f"| {name} | {d['precision']:.3f} | {d['recall']:.3f} | {d['f1']:.3f} | "
                     f"{trio('mention_exact')} | {trio('mention_overlap')} | {speed} |")
    for name, note in r.get("peer_notes", {}).items():
        lines.append(f"- {name}: {note}")
    lines += ["", "Document level: micro-averaged over (document, id) pairs. Mention exact: same "
              "span and id; overlap: overlapping span and same id, matched one to one. Speed: "
              "words per CPU second (one core): raredx over the split's text repeated to 200k "
              "words; peers over one pass of their own annotation loop (index loading "
              "excluded).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

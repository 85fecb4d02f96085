"""Simulation benchmark of "what to examine next" (raredx.questions) on phenopacket cases.

    .venv/bin/python benchmarks/questions/simulate.py --data-dir /tmp/kd --sample 200 --seed 0

For each sampled case with at least 3 observed features: start from 3 of them drawn at random
(sex, age and onset kept), then ask 5 questions, each answered from the case's full record:
present if the case has the feature or a more specific one, absent if the feature or a more
general one is excluded, unknown otherwise. Strategy "information gain" asks the top suggestion;
"model only" is the same without the engine re-ranking (``rescore=0``: the previous policy);
"random" asks a feature drawn uniformly from those directly annotated to the 50 leading
candidates (not yet known or asked); "oracle" is NOT a policy but an upper bound: it reads the
case's record and its true disease and asks, among the recorded features not yet known, the one
whose answer puts the true disease highest (greedy), showing how far 5 answers from these
records can move the ranking at all. Top-1 / top-10 of the true disease after each question,
leave-publication-out (the case's own publications are left out of the ranking *and* of the
question model). Every strategy feeds its answers through ``QuestionEngine.answer``: with the
question model's ``answers_supersede`` (or ``--answers-supersede true``) a present answer replaces
the present terms above it and an absent one the exclusions below it, so that a refinement
("Organic aciduria" present, then "Dicarboxylic aciduria" present) is not scored as two findings.
Writes ``benchmarks/questions/reports/simulation_<cases>.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CASES = ROOT / ".." / "shared" / "data" / "phenopacket-store-dev.zip"
QUESTIONS = 5
START = 3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--top-candidates", type=int, default=50)
    ap.add_argument("--absent-weight", type=float, default=None)
    ap.add_argument("--annotated-only", type=lambda s: s.lower() in ("1", "true", "yes"),
                    default=None)
    ap.add_argument("--rescore", type=int, default=None)
    ap.add_argument("--answerability", type=float, default=None)
    ap.add_argument("--objective", default=None, help="log_score or entropy (default: model)")
    ap.add_argument("--answers-supersede", type=lambda s: s.lower() in ("1", "true", "yes"),
                    default=None, help="answers replace the terms they imply (default: model)")
    ap.add_argument("--strategies", default="information gain,model only,random,oracle")
    ap.add_argument("--tag", default="")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "questions" / "reports")
    args = ap.parse_args()

    from raredx.benchmark import load_cases
    from raredx.engine import EngineConfig, build_engine
    from raredx.questions import Answer, QuestionEngine

    engine = build_engine(EngineConfig(args.data_dir), log=lambda m: print(m, file=sys.stderr))
    qe = QuestionEngine(engine, absent_weight=args.absent_weight,
                        annotated_only=args.annotated_only, rescore=args.rescore,
                        answerability=args.answerability, objective=args.objective,
                        supersede=args.answers_supersede)
    qe_model = QuestionEngine(engine, absent_weight=args.absent_weight,
                              annotated_only=args.annotated_only, rescore=0)
    kb = engine.knowledge
    o = kb.ontology
    cs = load_cases(args.cases, o, sample=args.sample, seed=args.seed)
    curves = {k: np.zeros((2, QUESTIONS + 1)) for k in args.strategies.split(",")}
    answers = {k: {a.value: 0 for a in Answer} for k in curves}
    rr = {k: np.zeros(QUESTIONS + 1) for k in curves}  # sum of reciprocal ranks
    used = skipped_few = skipped_unranked = 0
    full_record = np.zeros(3)  # top-1, top-10, reciprocal rank with every recorded feature
    t0 = time.time()
    for ci, case in enumerate(cs.cases):
        truth = sorted({e for t in case.truth for e in engine.candidates_for(t)})
        if not truth:
            skipped_unranked += 1
            continue
        present = [t.value for t in case.patient.present]
        if len(present) < START:
            skipped_few += 1
            continue
        used += 1
        P = [o.index(t) for t in present if t in o]
        X = {o.index(t.value) for t in case.patient.excluded if t.value in o}
        below = set()
        for i in P:
            below.update(o.ancestors(i).tolist())

        def reply(term_id: str) -> Answer:
            i = o.index(term_id)
            if i in below:
                return Answer.PRESENT
            if any(a in X for a in o.ancestors(i).tolist()):
                return Answer.ABSENT
            return Answer.UNKNOWN

        total = engine.score(case.patient, leave_publication_out=True).total
        order = engine.order(total)
        pos = np.empty(len(order), dtype=np.int64)
        pos[order] = np.arange(len(order))
        best = int(min(pos[truth]))
        full_record[0] += best == 0
        full_record[1] += best < 10
        full_record[2] += 1.0 / (best + 1)
        rng = random.Random(args.seed * 1_000_003 + ci)
        start = rng.sample(present, START)
        base = replace(case.patient, present=tuple(t for t in case.patient.present
                                                   if t.value in start), excluded=())
        for strategy in curves:
            patient, asked = base, set()
            srng = random.Random(args.seed * 7_919 + ci)
            for step in range(QUESTIONS + 1):
                total = engine.score(patient, leave_publication_out=True).total
                order = engine.order(total)
                pos = np.empty(len(order), dtype=np.int64)
                pos[order] = np.arange(len(order))
                best = int(min(pos[truth]))
                curves[strategy][0, step] += best == 0
                curves[strategy][1, step] += best < 10
                rr[strategy][step] += 1.0 / (best + 1)
                if step == QUESTIONS:
                    break
                if strategy in ("information gain", "model only"):
                    q = qe if strategy == "information gain" else qe_model
                    qs = q.suggest(patient, n=1, leave_publication_out=True,
                                   top_candidates=args.top_candidates, asked=frozenset(asked))
                    term = qs[0].term_id if qs else None
                elif strategy == "oracle":
                    term = oracle_feature(engine, qe, patient, case, truth, asked, reply)
                else:
                    term = random_feature(qe, engine, patient, order[: args.top_candidates],
                                          asked, srng)
                if term is None:
                    continue
                asked.add(term)
                a = reply(term)
                answers[strategy][a.value] += 1
                patient = qe.answer(patient, term, a)  # supersedes what the answer implies
        if used % 25 == 0:
            print(f"{used} cases, {time.time() - t0:.0f} s", file=sys.stderr)
    import subprocess

    def git(*a: str) -> str:
        r = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=False)
        return r.stdout.strip()

    report = {
        "code": {"commit": git("rev-parse", "--short", "HEAD"),
                 "uncommitted_engine_changes": git("status", "--porcelain", "--", "src/raredx")
                 .splitlines()},
        "command": " ".join(sys.argv),
        "top_candidates": args.top_candidates, "absent_weight": qe.absent_weight,
        "rescore": qe.rescore, "answerability_exponent": qe.answerability,
        "objective": qe.objective, "answers_supersede": qe.supersede,
        "annotated_only": qe.annotated_only,
        "cases": str(args.cases.name), "selection": cs.selection, "used": used,
        "skipped_fewer_than_3_features": skipped_few,
        "skipped_disease_not_rankable": skipped_unranked,
        "protocol": "leave-publication-out", "start_features": START, "questions": QUESTIONS,
        "hpo": kb.versions.hpo, "seconds": round(time.time() - t0, 1),
        "curves": {k: {"top1": (v[0] / max(used, 1)).round(4).tolist(),
                       "top10": (v[1] / max(used, 1)).round(4).tolist(),
                       "mrr": (rr[k] / max(used, 1)).round(4).tolist()}
                   for k, v in curves.items()},
        "answers": answers,
        "full_record": {"top1": round(full_record[0] / max(used, 1), 4),
                        "top10": round(full_record[1] / max(used, 1), 4),
                        "mrr": round(full_record[2] / max(used, 1), 4)},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"simulation_{args.cases.stem}_n{args.sample}_seed{args.seed}{args.tag}"
    (args.out / f"{stem}.json").write_text(json.dumps(report, indent=1) + "\n")
    (args.out / f"{stem}.md").write_text(markdown(report))
    print(markdown(report))


def oracle_feature(engine, qe, patient, case, truth, asked, reply) -> str | None:
    """Upper bound, not a policy: the recorded feature whose answer ranks the truth highest."""
    known = qe.known(patient)
    o = engine.knowledge.ontology
    best, best_key = None, None
    for t in [*case.patient.present, *case.patient.excluded]:
        tid = t.value
        if tid not in o or tid in asked or o.index(tid) in known:
            continue
        total = engine.score(qe.answer(patient, tid, reply(tid)), leave_publication_out=True).total
        order = engine.order(total)
        pos = np.empty(len(order), dtype=np.int64)
        pos[order] = np.arange(len(order))
        prob = engine.probabilities(total)
        key = (int(min(pos[truth])), -float(prob[truth].max()), tid)
        if best_key is None or key < best_key:
            best, best_key = tid, key
    return best


def random_feature(qe, engine, patient, leading, asked, rng) -> str | None:
    kb = engine.knowledge
    o = kb.ontology
    left = set(engine.left_out_rows(patient).tolist())
    known = qe.known(patient)
    pool = set()
    for e in leading.tolist():
        for r in qe.features.rows[e].tolist():
            t = int(kb.annotations.term[r])
            if r in left or kb.annotations.negated[r] or not qe.features.phenotypic[t]:
                continue
            pool.add(t)
    excl = qe._excluded_roots
    cands = sorted(o.ids[t] for t in pool if t not in known and o.ids[t] not in asked
                   and not any(a in excl for a in o.ancestors(t).tolist()))
    return rng.choice(cands) if cands else None


def markdown(r: dict) -> str:
    lines = [
        f"# What to examine next: simulation on {r['cases']} ({r['selection']})", "",
        f"{r['used']} cases used ({r['skipped_fewer_than_3_features']} with fewer than 3 "
        f"observed features and {r['skipped_disease_not_rankable']} whose disease is not a "
        f"candidate were skipped); {r['protocol']}; start from {r['start_features']} random "
        f"observed features, then {r['questions']} questions answered from the full record. "
        f"HPO {r['hpo']}; {r['seconds']} s. Code {r['code']['commit']}"
        + (f" with uncommitted changes in {len(r['code']['uncommitted_engine_changes'])} "
           "file(s) of src/raredx" if r["code"]["uncommitted_engine_changes"] else "")
        + f"; question model over the {r['top_candidates']} leading candidates, absent weight "
        f"{r['absent_weight']}, annotated features only: {r.get('annotated_only', False)}, "
        f"features re-ranked by the engine's update: {r.get('rescore', 0)}"
        + (f" (objective: {r['objective']}; answers supersede the terms they imply: "
           f"{r['answers_supersede']})" if "objective" in r else "") + ".", "",
        f"Command: `{r.get('command', '')}`", "",
        "| strategy | " + " | ".join(f"after {k}" for k in range(r["questions"] + 1)) + " |",
        "|---|" + "---|" * (r["questions"] + 1),
    ]
    for name, c in r["curves"].items():
        lines.append(f"| {name}: top-1 | " + " | ".join(f"{x:.3f}" for x in c["top1"]) + " |")
        lines.append(f"| {name}: top-10 | " + " | ".join(f"{x:.3f}" for x in c["top10"]) + " |")
        lines.append(f"| {name}: MRR | " + " | ".join(f"{x:.4f}" for x in c["mrr"]) + " |")
    fr = r.get("full_record")
    if fr:
        lines += ["", f"Reference, the same cases with every recorded feature (present and "
                  f"excluded) given at once: top-1 {fr['top1']:.3f}, top-10 {fr['top10']:.3f}, "
                  f"MRR {fr['mrr']:.4f}."]
    lines += ["", "Answers given: " + "; ".join(
        f"{k}: " + ", ".join(f"{a} {n}" for a, n in v.items()) for k, v in r["answers"].items()),
        ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Error analysis of raredx benchmark-vcf on the *tune* half (as-is and leave-publication-out,
"rare" background): why the true gene misses top-1 / top-10.

    nice .venv/bin/python benchmarks/analyse_genotype.py [--half tune] [--out /tmp/ga.jsonl]
        [-- key=value ...]

Per case it records the true gene's rank under both protocols, the spiked variants (position,
alleles, zygosity, the phenopacket's HGVS and the built-in annotation each got), the true
disease's modes of inheritance, the true gene's genotype evidence (recipe, log10 LR) and the
winning gene (its kind, genotype and weighted phenotype score), and assigns each failure one
cause (first that applies, in the order of :data:`CAUSES`). Prints the counts by cause. This is
benchmark code: it reads the phenopackets' ``interpretations`` (the truth) to score; the engine
never does. Cases and spiked variants are those of ``tune_genotype.py --fast`` (its functions).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import zipfile
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tune_genotype import SHARED, VARIANT_LAYOUT, _background, setting

from raredx.benchmark._vcf import _prepare, best_gene_rank, half_of, iter_cases
from raredx.engine import EngineConfig, build_engine
from raredx.genotype import GenotypeParams, genotype_links, score_genes, variant_set
from raredx.genotype._scoring import MOIS
from raredx.io import load_genes
from raredx.io._spike import spike_lines
from raredx.io._vcf import parse_vcf
from raredx.knowledge import cache_root
from raredx.model import Sex

ZIP = SHARED / "phenopacket-store-dev.zip"


def _details(z: zipfile.ZipFile, name: str) -> dict[str, Any]:
    """The phenopacket's causal variant descriptions (HGVS, zygosity) and disease ids."""
    d = json.loads(z.read(name))
    out = []
    for itp in d.get("interpretations") or []:
        for gi in ((itp.get("diagnosis") or {}).get("genomicInterpretations") or []):
            vd = ((gi.get("variantInterpretation") or {}).get("variationDescriptor") or {})
            ex = {e.get("syntax"): e.get("value") for e in vd.get("expressions") or []}
            out.append({"gene": (vd.get("geneContext") or {}).get("symbol"),
                        "zyg": (vd.get("allelicState") or {}).get("label"),
                        "hgvs": ex.get("hgvs.c") or ex.get("hgvs") or "",
                        "p": ex.get("hgvs.p") or "",
                        "rec": vd.get("vcfRecord")})
    return {"variants": out, "sex": (d.get("subject") or {}).get("sex")}


def load_cases(engine: Any, genes: Any, half: str) -> list[dict[str, Any]]:
    model = resources.files("raredx.data").joinpath("phenotype_model.json").read_text()
    key = hashlib.sha256(repr((model, engine.knowledge.versions.as_dict(),
                               getattr(genes, "cache_key", ""), half, "analyse-v1",
                               VARIANT_LAYOUT)
                              ).encode()).hexdigest()[:20]
    path = cache_root() / f"analyse-genotype-{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    bg, _ = _background(genes)
    rare = bg.subset(True)
    z = zipfile.ZipFile(ZIP)
    out = []

    def select(names: list[str]) -> list[str]:
        return [n for n in names if half_of(n.split(":")[-1]) == half]

    for case in iter_cases(ZIP, engine.knowledge.ontology, select, []):
        new, _ = spike_lines(rare, case.spikes, case.seed, merge=False)
        svs = variant_set(parse_vcf(iter(rare.header + new), case.source), genes)
        name = case.source.split(":", 1)[1] if case.source.startswith(str(ZIP)) else case.source
        out.append({"source": name, "truth_ids": list(case.truth),
                    "truth": sorted({c for d in case.truth for c in engine.candidates_for(d)}),
                    "genes": case.genes, "sex": case.patient.sex, "spiked": svs.variants,
                    "spikes": case.spikes, "details": _details(z, name),
                    "lpo": engine.score(case.patient, True).total.astype(np.float64),
                    "asis": engine.score(case.patient, False).total.astype(np.float64)})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


class Evaluator:
    """The benchmark's gene ranks (as ``tune_genotype.fast_eval``), with the details."""

    def __init__(self, engine: Any, genes: Any, prm: GenotypeParams) -> None:
        self.engine, self.genes, self.prm = engine, genes, prm
        self.links = genotype_links(engine, genes, prm)
        bg, key = _background(genes)
        self.p = _prepare(bg, "rare", genes, key)
        self.base: dict[Sex, tuple] = {}

    def gene_of(self, a: Any) -> int | None:
        g = self.genes
        return g.gene(a.gene_id) if a.gene_id else g.gene(a.gene_symbol)

    def evidence(self, c: dict[str, Any]) -> tuple[dict, np.ndarray, dict, set]:
        prm, links, p = self.prm, self.links, self.p
        sex = c["sex"]
        if sex not in self.base:
            ev0 = score_genes(p.vs.variants, 0, self.genes, prm, sex, None)
            self.base[sex] = (ev0, links.matrix(ev0), {
                g: e.log10_lr for g, e in ev0.items() if g not in links.gene_rows})
        ev0, m0, orphans0 = self.base[sex]
        touched = {g for v in c["spiked"] for a in v.annotations
                   if (g := self.gene_of(a)) is not None}
        at = {(v.chrom, v.pos) for v in c["spiked"]}
        vs = [v for g in touched for v in p.by_gene.get(g, []) if (v.chrom, v.pos) not in at]
        vs = list({v.key: v for v in vs}.values()) + c["spiked"]
        ev = score_genes(vs, 0, self.genes, prm, sex, None, only=touched)
        merged = {g: e for g, e in ev0.items() if g not in touched}
        merged.update(ev)
        m = links.matrix(merged, m0, touched)
        orphans = {g: s for g, s in orphans0.items() if g not in touched}
        for g in touched:
            if g not in links.gene_rows and g in ev:
                orphans[g] = ev[g].log10_lr
        return merged, m, orphans, touched

    def gene_table(self, total: np.ndarray, m: np.ndarray, orphans: dict
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        links = self.links
        vals = links.link_values(m)
        gs = links.gene_scores(total, vals, m)
        og = np.array(list(orphans), dtype=np.int64)
        genes_all = np.concatenate([links.row_gene, og])
        lr = np.array(list(orphans.values()), dtype=float).reshape(len(og), len(MOIS))
        scores = np.concatenate([gs, links.unlinked_scores(lr, total)])
        return genes_all, scores, vals

    def best_link(self, g: int, total: np.ndarray, vals: np.ndarray, m: np.ndarray
                  ) -> dict[str, Any]:
        """The gene's best-scoring hypothesis: a linked candidate, or the novel-disease one."""
        links = self.links
        r = links.gene_rows.get(g)
        novel = (float(m[r].max()) if r is not None else None)
        if r is None:
            return {"kind": "orphan"}
        ls = np.nonzero(links.link_row == r)[0]
        known = total[links.link_cand[ls]] + vals[ls]
        b = ls[int(np.argmax(known))]
        out = {"kind": "linked", "cand": self.engine.candidate_ids[int(links.link_cand[b])],
               "pheno": float(total[links.link_cand[b]]), "geno": float(vals[b]),
               "score": float(known.max()),
               "moi": [MOIS[i].name for i in range(len(MOIS)) if links.link_mask[b, i]]}
        if novel is not None and novel + self.prm.novel_disease_log10_prior > out["score"]:
            out["kind"] = "novel-hypothesis"
        return out

    def case(self, c: dict[str, Any], with_details: bool = True) -> dict[str, Any]:
        prm, links, genes = self.prm, self.links, self.genes
        merged, m, orphans, touched = self.evidence(c)
        true_genes = [g for g in (genes.gene(x) for x in c["genes"]) if g is not None]
        row: dict[str, Any] = {"source": c["source"], "genes": [genes.genes[g].symbol
                                                                  for g in true_genes]}
        for pname in ("asis", "lpo"):
            total = c[pname] * prm.phenotype_weight
            genes_all, scores, vals = self.gene_table(total, m, orphans)
            best_r, best_g = best_gene_rank(genes_all, scores, true_genes)
            row[f"{pname}_rank"] = best_r
            if not with_details:
                continue
            order = np.lexsort((genes_all, -scores))
            wi = next(int(i) for i in order if int(genes_all[i]) not in true_genes)
            w2 = int(genes_all[wi])
            win = {"symbol": genes.genes[w2].symbol, "score": float(scores[wi]),
                   "has_variant": w2 in merged, "spiked_gene": w2 in touched,
                   **self.best_link(w2, total, vals, m)}
            win["score"] = float(scores[wi])
            if w2 in merged:
                e = merged[w2]
                win["recipes"] = [r[0] for r in e.recipes]
                win["llr"] = [round(x, 2) for x in e.log10_lr]
                win["vars"] = [(x.zygosity.value, len(x.variant.ref) != len(x.variant.alt),
                                x.variant.chrom, x.annotation.effect.value)
                               for x in e.variants]
                if win["kind"] != "linked":
                    win["geno"] = max(win["llr"])
            row[f"{pname}_winner"] = win
            if best_g is not None:
                t = self.best_link(best_g, total, vals, m)
                hit = np.nonzero(genes_all == best_g)[0]
                t["score"] = float(scores[hit[0]])
                row[f"{pname}_true"] = t
        if with_details:
            g = true_genes[0] if true_genes else None
            row["linked"] = any(x in links.gene_rows for x in true_genes)
            row["any_link"] = any(x in genes.gene_diseases for x in true_genes)
            row["unscored"] = sorted({w for (gg, d), w in links.unscored.items()
                                      if gg in true_genes})
            # does the true gene link to the true disease (or a candidate pooling it)?
            tc = set(c["truth"])
            row["links_true_disease"] = any(
                int(links.link_cand[i]) in tc
                for x in true_genes if x in links.gene_rows
                for i in np.nonzero(links.link_row == links.gene_rows[x])[0])
            kb = self.engine.knowledge
            inh = set()
            for d in c["truth_ids"]:
                co = kb.course.get(d)
                if co is not None:
                    inh |= set(co.inheritance)
                for x in true_genes:
                    inh |= set(genes.pair_inheritance.get((x, d), ()))
            row["inheritance"] = sorted(inh)
            row["sex"] = c["sex"].name if hasattr(c["sex"], "name") else str(c["sex"])
            row["spikes"] = []
            for s, v in zip(c["spikes"], c["spiked"]):
                anns = [(a.gene_symbol, a.effect.value) for a in v.annotations]
                row["spikes"].append({"v": f"{s.chrom}:{s.pos}{s.ref}>{s.alt}",
                                      "zyg": s.zygosity.value, "anns": anns})
            if len(c["spikes"]) != len(c["spiked"]):
                row["spike_mismatch"] = [len(c["spikes"]), len(c["spiked"])]
            row["hgvs"] = [(x["gene"], x["zyg"], x["hgvs"], x["p"])
                           for x in c["details"]["variants"]]
            ev = merged.get(g) if g is not None else None
            if ev is not None:
                row["true_ev"] = {"recipes": [r[0] for r in ev.recipes],
                                  "llr": [round(x, 2) for x in ev.log10_lr],
                                  "vars": [(e.variant.chrom + ":" + str(e.variant.pos)
                                            + e.variant.ref + ">" + e.variant.alt,
                                            e.zygosity.value, e.annotation.effect.value,
                                            round(e.pathogenicity, 3),
                                            (e.variant.chrom, e.variant.pos) in {
                                                (s.chrom, s.pos) for s in c["spikes"]})
                                           for e in ev.variants]}
            row["cause_asis"] = classify(row, "asis")
            row["cause_lpo"] = classify(row, "lpo")
        return row


CAUSES = (
    "true gene has no disease link (gene file)",
    "true gene's links all unscored (susceptibility/contiguous)",
    "spiked variant in no gene model (e.g. chrM tRNA)",
    "spiked variant below min_pathogenicity (deep intronic, non-MANE exon, UTR end, low GQ)",
    "true gene not linked to the true disease (gene file)",
    "recessive disease, one heterozygous allele seen (or a close pair = one event)",
    "genotype weaker; winner: homozygous indel",
    "genotype weaker; winner: homozygous SNV",
    "genotype weaker; winner: two heterozygous variants",
    "genotype weaker; winner: heterozygous on chromosome X",
    "genotype weaker; winner: one heterozygous variant",
    "phenotype decides; winner has a variant",
    "phenotype decides; winner has NO variant",
)


def _winner_kind(w: dict[str, Any]) -> str:
    vs = w.get("vars") or []
    if any(z in ("homozygous", "hemizygous") and indel for z, indel, _, _ in vs):
        return CAUSES[6]
    if any(z in ("homozygous", "hemizygous") for z, _, _, _ in vs):
        return CAUSES[7]
    if sum(1 for z, _, _, _ in vs if z == "heterozygous") >= 2:
        return CAUSES[8]
    if any(c == "chrX" for _, _, c, _ in vs):
        return CAUSES[9]
    return CAUSES[10]


def classify(row: dict[str, Any], p: str) -> str | None:
    """The first cause that applies to a case whose true gene is not ranked first."""
    rank = row[f"{p}_rank"]
    if rank == 1:
        return None
    if not row["any_link"]:
        return CAUSES[0]
    if not row["linked"]:
        return CAUSES[1]
    ev = row.get("true_ev")
    spiked_in = ev is not None and any(x[4] for x in ev["vars"])
    if not spiked_in:
        in_gene = any(a[0] in row["genes"] for s in row["spikes"] for a in s["anns"])
        return CAUSES[3] if in_gene else CAUSES[2]
    t = row.get(f"{p}_true") or {}
    w = row[f"{p}_winner"]
    if not row["links_true_disease"]:
        return CAUSES[4]
    moi = t.get("moi", [])
    if t.get("kind") == "linked" and "AR" in moi and "AD" not in moi \
            and ev["recipes"][1] == "single":
        return CAUSES[5]
    wg = w.get("geno")
    if t.get("geno") is not None and wg is not None and t["geno"] < wg - 1e-9:
        return _winner_kind(w)
    return CAUSES[11] if w.get("has_variant") else CAUSES[12]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--half", choices=("tune", "check"), default="tune")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--genes-dir", type=Path, default=SHARED,
                    help="gene knowledge (default: the shared files, HPO 2025-01-16 links)")
    ap.add_argument("setting", nargs="*")
    a = ap.parse_args()
    engine = build_engine(EngineConfig(a.data_dir), log=lambda m: None)
    genes = load_genes(a.genes_dir, log=lambda m: None)
    prm = setting(GenotypeParams.load(), [s for s in a.setting if s != "--"])
    cases = load_cases(engine, genes, a.half)
    ev = Evaluator(engine, genes, prm)
    rows = [ev.case(c) for c in cases]
    if a.out:
        with open(a.out, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in rows)
    n = len(rows)
    print(f"{n} cases, half {a.half}, genotype model {prm.version}")
    for p in ("asis", "lpo"):
        r = [x[f"{p}_rank"] for x in rows]
        t1 = sum(1 for x in r if x == 1)
        t10 = sum(1 for x in r if x is not None and x <= 10)
        print(f"{p}: gene top-1 {100 * t1 / n:.1f}%  top-10 {100 * t10 / n:.1f}%")
        for miss, k in (("top-1", 1), ("top-10", 10)):
            cnt = Counter(x[f"cause_{p}"] for x in rows
                          if x[f"{p}_rank"] is None or x[f"{p}_rank"] > k)
            print(f"  misses {miss}: {sum(cnt.values())}")
            for cause in CAUSES:
                if cnt.get(cause):
                    print(f"    {cnt[cause]:5d} {100 * cnt[cause] / n:5.1f}%  {cause}")
        # the true gene's spiked variants, among linked top-1 misses whose variant was scored
        kinds = Counter(tuple(sorted({f"{x[2]} {x[1]}" for x in (r.get("true_ev") or {}).get(
            "vars", []) if x[4]})) for r in rows if r[f"cause_{p}"] and r["linked"])
        print("  linked top-1 misses by the true gene's scored spiked variants:",
              ", ".join(f"{' + '.join(k) or 'none'} {v}" for k, v in kinds.most_common(6)))
        wins = Counter(r[f"{p}_winner"]["symbol"] for r in rows
                       if r[f"cause_{p}"] and r["linked"])
        print("  most frequent winners:", ", ".join(f"{k} {v}" for k, v in wins.most_common(12)))


if __name__ == "__main__":
    main()

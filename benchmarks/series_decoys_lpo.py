"""Decoy control for series borrowing under LPO: for each case whose true candidate is left with
no annotation of its own and has a series, also strip K random annotated siblings of all their
rows (they then borrow the same series mean). If the truth's gain came from being the only
'generic' candidate, the decoys would take it.
    nice .venv/bin/python benchmarks/series_decoys_lpo.py tune K [SERIES_WEIGHT]

Analysis code (reads the engine's private scorer and index, and the phenopackets' diagnoses to
score); knowledge in $RAREDX_DATA_DIR (default /tmp/inst). Results: the v8.3 report.
"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
DATA = Path(__import__('os').environ.get('RAREDX_DATA_DIR', '/tmp/inst'))  # the knowledge release
from tune_phenotype import load

from raredx.engine import EngineConfig, build_engine
from raredx.scoring._index import own_empty

half=sys.argv[1]; K=int(sys.argv[2])
import json
import tempfile
from importlib import resources

eng=build_engine(EngineConfig(DATA), log=lambda s: None)
w=float(sys.argv[3]) if len(sys.argv)>3 else 1.0
if w!=1.0:
    m=json.loads(resources.files("raredx").joinpath("data/phenotype_model.json").read_text()); m['parameters']['series_weight']=w
    f=tempfile.NamedTemporaryFile('w',suffix='.json',delete=False); json.dump(m,f); f.close()
    eng0=build_engine(EngineConfig(DATA,Path(f.name)), log=lambda s: None)
else:
    eng0=eng
sc=eng._scorer; idx=eng._index; kb=eng.knowledge; ann=kb.annotations
cases=load(Path('/work/shared/data/phenopacket-store-dev.zip'), eng, half, None)
rng=np.random.default_rng(0)
res=[]
for p,truth in cases:
    tc=sorted({e for t in truth for e in eng.candidates_for(t)})
    if not tc: continue
    lo=eng.left_out_rows(p)
    keep=np.ones(len(ann),bool); keep[lo]=False
    cand=[e for e in tc if idx.series and idx.series[e]]
    if not cand: continue
    e=cand[0]
    rb={d: r[keep[r]] for d,r in sc._rows_for(set(idx.entity_members[e])).items()}
    if not own_empty(kb,[idx.entity_members[e]],rb)[0]: continue
    sibs=[s for s in idx.series[e] if not idx.own_empty[s] and s not in tc]
    if not sibs: continue
    dec=list(rng.choice(sibs,size=min(K,len(sibs)),replace=False))
    drows=np.concatenate([r for s in dec for r in sc._rows_for(set(idx.entity_members[s])).values()]+[np.zeros(0,np.int64)])
    t0=eng0._scorer.score(p,lo).total
    t1=eng0._scorer.score(p,np.union1d(lo,drows).astype(np.int64)).total
    r0=int((t0>t0[tc].max()).sum())+1
    r1=int((t1>t1[tc].max()).sum())+1
    best_dec=max(t1[d] for d in dec)
    res.append((r0,r1,best_dec>t1[tc].max(), len(sibs)))
r=np.array([(a,b) for a,b,_,_ in res]); beat=np.array([x[2] for x in res])
print(half,'K',K,'w',w,'cases',len(res))
print(' LPO top1/top10', (r[:,0]==1).mean().round(3), (r[:,0]<=10).mean().round(3))
print(' +decoys top1/top10', (r[:,1]==1).mean().round(3), (r[:,1]<=10).mean().round(3), 'a decoy outranks truth', beat.mean().round(3))

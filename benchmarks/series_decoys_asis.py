"""Cost of series borrowing: as-is (truth annotated), strip K random annotated series siblings of
the truth of all their rows (as if newly described, not yet annotated); with series borrowing
they take the series' mean profile. How often does such a decoy outrank the annotated truth,
and how much does the truth's top-1 drop? Run with weights w (series_weight).
    nice .venv/bin/python benchmarks/series_decoys_asis.py tune K SERIES_WEIGHT

Analysis code (reads the engine's private scorer and index, and the phenopackets' diagnoses to
score); knowledge in $RAREDX_DATA_DIR (default /tmp/inst). Results: the v8.3 report.
"""
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
DATA = Path(__import__('os').environ.get('RAREDX_DATA_DIR', '/tmp/inst'))  # the knowledge release
from importlib import resources

from tune_phenotype import load

from raredx.engine import EngineConfig, build_engine

half=sys.argv[1]; K=int(sys.argv[2]); w=float(sys.argv[3])
m=json.loads(resources.files("raredx").joinpath("data/phenotype_model.json").read_text())
m['parameters']['series_weight']=w
f=tempfile.NamedTemporaryFile('w',suffix='.json',delete=False); json.dump(m,f); f.close()
eng=build_engine(EngineConfig(DATA,Path(f.name)), log=lambda s: None)
sc=eng._scorer; idx=eng._index; kb=eng.knowledge
from raredx.scoring._index import _series

series=idx.series or _series(kb, idx.entity_members)
empty=idx.own_empty
if empty is None:
    from raredx.scoring._index import own_empty, rows_by_disease
    empty=own_empty(kb, idx.entity_members, rows_by_disease(kb))
cases=load(Path('/work/shared/data/phenopacket-store-dev.zip'), eng, half, None)
rng=np.random.default_rng(0); res=[]
for p,truth in cases:
    tc=sorted({e for t in truth for e in eng.candidates_for(t)})
    if not tc: continue
    e=tc[0]
    if not series[e] or empty[e]: continue
    sibs=[s for s in series[e] if not empty[s] and s not in tc]
    if not sibs: continue
    dec=list(rng.choice(sibs,size=min(K,len(sibs)),replace=False))
    drows=np.concatenate([r for s in dec for r in sc._rows_for(set(idx.entity_members[s])).values()]).astype(np.int64)
    t0=sc.score(p,None).total; t1=sc.score(p,drows).total
    r0=int((t0>t0[tc].max()).sum())+1; r1=int((t1>t1[tc].max()).sum())+1
    res.append((r0,r1,max(t1[d] for d in dec)>t1[tc].max()))
r=np.array([(a,b) for a,b,_ in res]); beat=np.array([x[2] for x in res])
print(half,'K',K,'w',w,'cases',len(res),'as-is top1/top10',(r[:,0]==1).mean().round(3),(r[:,0]<=10).mean().round(3),
      '| with decoys',(r[:,1]==1).mean().round(3),(r[:,1]<=10).mean().round(3),'decoy outranks truth',beat.mean().round(3))

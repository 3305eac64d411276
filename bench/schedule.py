#!/usr/bin/env python
"""The ranking model's ALS schedule on validation only: fit time against validation NDCG@10 (prints figures; not a unit test).

The schedule is how many implicit-ALS rounds each stage of `fit_ranking` runs: the shared search fit (`search_epochs`),
each searched setting warm-started from it (`warm_epochs`), and the final fit on all the data (`final_epochs`). Fewer
rounds fit faster; this bench says what they cost in list quality, measured where the choice may be made: on a
validation split of the top-N bench's *training* part (`bx_rec.topn.validation_split`), never on its test split.

Rows: ML-100K u1.base and the whole real Book-Crossing dump (`bench/topn.py`'s known-reader training part, its implicit
rows included). Each schedule is fitted on the validation split's fit part with `fit_ranking` (its own search inside)
and scored with `bx_rec.topn.evaluate_topn` on the validation readers' held-out ratings (known readers).

Usage: python bench/schedule.py [--threads 2] [--schedules 4/2/4 4/1/2] [--skip-bx]
"""
from __future__ import annotations
import argparse, os, sys, time
from dataclasses import replace
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path: sys.path.insert(0, str(REPO))

def run(name, train, implicit, scale, schedules, seed, out:list):
    "Validation NDCG@10 and fit seconds of each schedule on `train`'s validation split"
    from bx_rec.topn import validation_split, evaluate_topn, fit_ranking_lists
    from bx_rec.ranking import RankingConfig
    fit_part, val = validation_split(train, scale=scale, seed=seed)
    imp = None if implicit is None else implicit.merge(val[['user', 'item']], on=['user', 'item'], how='left', indicator=True).query("_merge == 'left_only'")[['user', 'item']]
    for s in schedules:
        se, we, fe = (int(x) for x in s.split('/'))
        cfg = replace(RankingConfig(), search_epochs=se, warm_epochs=we, final_epochs=fe)
        t = time.time()
        res = evaluate_topn(fit_part, val, {'ranking': partial(fit_ranking_lists, cfg=cfg)}, scale=scale, implicit=imp, seed=seed, progress=False)
        r = res.iloc[0]
        out.append(f"| {name} | {s} | {r['ndcg@10']:.4f} | {r['recall@10']:.4f} | {time.time() - t:.1f} | {int(r['readers']):,} |"); print(out[-1], flush=True)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--schedules', nargs='+', default=['4/2/4', '4/1/2', '3/1/2'], help='search/warm/final ALS rounds')
    ap.add_argument('--skip-bx', action='store_true'); ap.add_argument('--out', default='bench/schedule.md')
    a = ap.parse_args(argv)
    for v in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'): os.environ.setdefault(v, str(a.threads))
    import torch; torch.set_num_threads(a.threads)
    from bx_rec.data import shared_data_dir, read_ml100k
    from bx_rec.topn import split_known
    data = shared_data_dir()
    if data is None: sys.exit("bench/schedule.py: shared data folder not found (../shared/data); nothing to measure")
    out = ['# The ranking model\'s ALS schedule on validation', '', f"`python bench/schedule.py {' '.join(argv if argv is not None else sys.argv[1:])}`: "
           f"{a.threads} thread(s), load average {os.getloadavg()[0]:.2f} at the start, seed {a.seed}. Schedule = search/warm/final rounds.", '',
           '| data | schedule | val NDCG@10 | val recall@10 | fit + scoring s | validation readers |', '|---|---|---|---|---|---|']
    print('\n'.join(out))
    run('ML-100K u1.base', read_ml100k(Path(data)/'ml-100k'/'u1.base'), None, (1, 5), a.schedules, a.seed, out)
    if not a.skip_bx:
        sys.path.insert(0, str(REPO/'bench')); from topn import bx_full
        R, imp, _ = bx_full(Path(data)/'book-crossing'/'full')
        tr, _ = split_known(R, 0.2, seed=a.seed)   # bench/topn.py's known-reader training part; its test part is never read
        run('real BX (whole dump)', tr, imp, (1, 10), a.schedules, a.seed, out)
    Path(a.out).write_text('\n'.join(out) + '\n'); print(f'written to {a.out}')

if __name__ == '__main__': main()

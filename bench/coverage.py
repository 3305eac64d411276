#!/usr/bin/env python
"""Full-coverage lists on the real Book-Crossing dump: time, memory, coverage and latency (prints figures; not a unit test).

Each part runs in its own subprocess, so that peak memory (VmHWM) is its own:

1. `bx-rec train --ratings <dump> --format bx --out <tmp>` with the defaults: raw dump -> saved model directory, wall
   seconds, peak RSS, readers and books the lists cover (the rating model keeps its 5/5 core);
2. the ranking model's iALS beside the `implicit` library's `AlternatingLeastSquares` (when installed:
   `pip install implicit`), same matrix (every explicit rating and implicit row of the dump, confidence weights as
   `bx_rec.ranking.confidence`), same factors, iterations and threads, three fits each, alternating, in this run (medians:
   a shared machine's speed drifts by a fifth from one minute to the next);
3. on the saved model: readers and books covered, `Model.similar` p50/p95 over 200 books with 2+ readers and
   `recommend_many` for 10,000 readers.

Usage: python bench/coverage.py [--data ../shared/data/book-crossing/full] [--threads 2] [--iters 15] [--factors 64]
The machine's load average is printed: on a shared machine compare figures within one run only.
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def vmhwm()->float:
    "Peak resident memory of this process in GB (VmHWM)"
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmHWM'): return int(line.split()[1]) / 1e6
    import resource; return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6

def part_train(data:str, out:str, threads:int):
    "Raw dump -> model directory through the command line, in this process"
    from bx_rec.cli import main
    t = time.perf_counter(); rc = main(['train', '--ratings', data, '--format', 'bx', '--out', out, '--threads', str(threads), '--quiet'])
    return dict(rc=rc, wall_s=round(time.perf_counter() - t, 1), peak_rss_gb=round(vmhwm(), 2))

def _matrix(data:str):
    import numpy as np, pandas as pd, scipy.sparse as sp
    from bx_rec.data import read_raw, preprocess
    from bx_rec.ranking import confidence
    pre = preprocess(read_raw(data), 1, 1)
    u = np.r_[pre.ratings['User-ID'].to_numpy(), pre.implicit['User-ID'].to_numpy()]
    b = np.r_[pre.ratings['Book-ID'].to_numpy(), pre.implicit['Book-ID'].to_numpy()]
    w = np.r_[confidence(pre.ratings['Book-Rating'].to_numpy()), np.full(len(pre.implicit), 0.3)]
    uc, bc = pd.factorize(u)[0], pd.factorize(b)[0]
    return sp.csr_matrix((w, (uc, bc)), shape=(uc.max() + 1, bc.max() + 1)).astype(np.float32)

def part_ials(data:str, threads:int, factors:int, iters:int, repeats:int=3):
    "bx_rec's iALS and implicit's ALS on the same matrix, same factors, iterations and threads: `repeats` fits each, alternating; medians"
    import numpy as np, torch
    torch.set_num_threads(threads)
    from bx_rec.ranking import ials, RankingConfig
    W = _matrix(data); out = dict(shape=list(W.shape), nnz=int(W.nnz), repeats=repeats)
    try: from implicit.cpu.als import AlternatingLeastSquares   # its BLAS on one thread, as it asks (OPENBLAS_NUM_THREADS=1, set before NumPy loads)
    except ImportError: AlternatingLeastSquares = None
    ours, theirs = [], []
    for _ in range(repeats):
        t = time.perf_counter(); ials(W, cfg=RankingConfig(dim=factors, a0=1., cg_steps=3), l2=30., epochs=iters, seed=0); ours.append(time.perf_counter() - t)
        if AlternatingLeastSquares is None: continue
        m = AlternatingLeastSquares(factors=factors, regularization=30., iterations=iters, num_threads=threads, random_state=0, calculate_training_loss=False)
        t = time.perf_counter(); m.fit(W, show_progress=False); theirs.append(time.perf_counter() - t)
    out.update(bx_rec_s=round(float(np.median(ours)), 1), bx_rec_all_s=[round(x, 1) for x in ours],
               implicit_s=round(float(np.median(theirs)), 1) if theirs else None, implicit_all_s=[round(x, 1) for x in theirs])
    return out

def part_queries(out:str, threads:int):
    "Coverage and latency of the saved model"
    import numpy as np, torch
    torch.set_num_threads(threads)
    from bx_rec.api import load
    m = load(out); rk = m.bundle.ranking; rec = m.recommender
    rng = np.random.default_rng(0)
    two = np.flatnonzero(rec.readers >= 2); ts = []
    for e in rng.choice(two, 200, replace=False):
        t = time.perf_counter(); rec.similar(int(e), 10, embedding_id=True); ts.append(time.perf_counter() - t)
    users = rng.choice(np.asarray(rk.user_ids), 10_000, replace=False)
    t = time.perf_counter(); m.recommend_many(users, k=10); batch = time.perf_counter() - t
    return dict(readers=len(m.bundle.user_ids), books=len(m.bundle.item_ids), books_2plus_readers=int(len(two)),
                listable=int(rk.listable.sum()), similar_p50_ms=round(float(np.median(ts)) * 1e3, 2),
                similar_p95_ms=round(float(np.quantile(ts, .95)) * 1e3, 2), top10_10000_readers_s=round(batch, 2))

def run_part(name:str, *args)->dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS='1') if name == 'ials' else None   # `implicit` wants its BLAS single-threaded
    r = subprocess.run([sys.executable, __file__, '--part', name, *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env)
    if r.returncode: sys.exit(f"part {name} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=str(ROOT.parent/'shared'/'data'/'book-crossing'/'full'))
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--iters', type=int, default=15)
    ap.add_argument('--factors', type=int, default=64); ap.add_argument('--part'); ap.add_argument('rest', nargs='*')
    a = ap.parse_args()
    if a.part:
        sys.path.insert(0, str(ROOT))
        fn = dict(train=part_train, ials=part_ials, queries=part_queries)[a.part]
        conv = [int(x) if x.isdigit() else x for x in a.rest]
        print(json.dumps(fn(*conv))); sys.exit(0)
    if not Path(a.data, 'BX-Book-Ratings.csv').is_file(): sys.exit(f"skipped: {a.data} has no BX-Book-Ratings.csv (the real dump)")
    print(f"threads {a.threads}, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as d:
        out = str(Path(d)/'model')
        tr = run_part('train', a.data, out, a.threads); print('train (raw dump -> model directory):', tr)
        q = run_part('queries', out, a.threads); print('coverage and queries:', q)
    al = run_part('ials', a.data, a.threads, a.factors, a.iters); print(f'iALS, {a.factors} factors, {a.iters} iterations:', al)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")

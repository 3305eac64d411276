#!/usr/bin/env python
"""Query-latency benchmark at Book-Crossing scale (prints a markdown table; not a unit test).

Builds a BX-size model WITHOUT training, in a few seconds:

- ratings: the generators of `bx_rec.synth` (`make_works(270_000)`, `make_users(105_000)`, `make_editions`,
  `make_ratings(1_150_000)`, seeded), explicit ratings only: about 439k ratings by 75k readers of 111k works, with the
  synthetic data's long-tailed popularity. The CSV write/read and `bx_rec.data.preprocess` round trip is skipped
  (it adds ~20 s and gives the same ratings); the model tables are then padded to Book-Crossing's size,
  78,000 users and 186,000 books (unrated synthetic works, with their titles, fill the book table);
- factors: random directions from a seeded generator with realistic norms: a book's (user's) norm grows with its
  number of ratings like a regularised fit shrinks rarely rated rows (norm = s * sqrt(n / (n + 5)) + 0.05,
  times a log-normal spread), biases ~ N(0, 0.4).

For each dimension it measures: `BookIndex` build time; `BookIndex.similar(title=...)` latency over
`--queries` random (unambiguous) titles after a warm-up, p50/p95/p99; `recommend_batch` for `--users` readers
(k=10, already-rated books excluded), median of `--repeats` runs, and the peak resident memory of that call
(VmHWM, reset before the call where Linux allows; else the process's ru_maxrss so far).
The machine's load average is printed: on a shared machine, compare figures only within one run.

Usage: python bench/queries.py [--dims 24,35,64] [--users 10000] [--seed 0] [--queries 300] [--repeats 3]
       [--impl path/to/recommend.py]  (another implementation with the same API, e.g. an older version, to compare)
"""
from __future__ import annotations
import argparse, importlib.util, os, resource, sys, time
from pathlib import Path
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BX_USERS, BX_BOOKS = 78_000, 186_000

def make_data(seed:int=0)->dict:
    "Rated pairs (dense ids) and a book table of Book-Crossing size, from bx_rec.synth"
    from bx_rec.synth import make_works, make_users, make_editions, make_ratings
    w = make_works(270_000, seed); us = make_users(105_000, seed); ed = make_editions(w, seed, variants=False)
    r = make_ratings(us, w, ed, 1_150_000, seed); r = r[r.rating > 0]
    uid, u = np.unique(r['User-ID'].to_numpy(), return_inverse=True)
    wid, b = np.unique(r.work_id.to_numpy(), return_inverse=True)
    n_users, n_books = max(BX_USERS, len(uid)), max(BX_BOOKS, len(wid))
    rest = np.setdiff1d(w.work_id.to_numpy(), wid)[:n_books - len(wid)]         # unrated works fill the table
    order = np.concatenate([wid, rest])
    wi = w.set_index('work_id').loc[order]
    books = pd.DataFrame({'Book-Embedding-ID': np.arange(len(order)), 'Book-ID': order,
                          'Book-Title': wi.title.to_numpy(), 'Book-Author': wi.author.to_numpy(),
                          'Year-Of-Publication': pd.array(wi.year.to_numpy(), dtype='Int64')})
    return dict(users=u.astype(np.int64), books=b.astype(np.int64), n_users=n_users, n_books=len(books), book_table=books,
                n_ratings=len(r), rated_users=len(uid), rated_books=len(wid))

def make_factors(data:dict, dim:int, seed:int=0)->dict:
    "Random factors with popularity-dependent norms, and biases (seeded)"
    rng = np.random.default_rng([seed, dim])
    def table(n, counts, scale):
        x = rng.normal(size=(n, dim)).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        norm = scale * np.sqrt(counts / (counts + 5.0)) + 0.05
        return (x * (norm * rng.lognormal(0, 0.25, n))[:, None]).astype(np.float32)
    nu = np.bincount(data['users'], minlength=data['n_users']); nb = np.bincount(data['books'], minlength=data['n_books'])
    return dict(user_factors=table(data['n_users'], nu, 1.5), book_factors=table(data['n_books'], nb, 1.5),
                user_bias=rng.normal(0, 0.4, data['n_users']).astype(np.float32),
                book_bias=rng.normal(0, 0.4, data['n_books']).astype(np.float32))

def reset_peak()->bool:
    "Reset the process's peak RSS (Linux >= 4.0); False where that is not possible"
    try: Path('/proc/self/clear_refs').write_text('5'); return True
    except OSError: return False

def peak_rss_mb()->float:
    "Peak resident memory in MiB: VmHWM (Linux, resettable) else ru_maxrss"
    try:
        for line in Path('/proc/self/status').read_text().splitlines():
            if line.startswith('VmHWM:'): return int(line.split()[1]) / 1024
    except OSError: pass
    m = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return m / 2**20 if sys.platform == 'darwin' else m / 1024

def load_impl(path:str|None):
    if path is None:
        import bx_rec.recommend as m; return m
    spec = importlib.util.spec_from_file_location('recommend_impl', path); m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m); return m

def bench_dim(rec, data, ex, dim, n_users, n_queries, repeats, seed)->dict:
    f = make_factors(data, dim, seed)
    t0 = time.perf_counter(); index = rec.BookIndex(f['book_factors'], data['book_table']); t_build = time.perf_counter() - t0
    rng = np.random.default_rng([seed, 1])
    uniq = [t for t, ids in index.titles._exact.items() if len(ids) == 1]
    titles = [uniq[i] for i in rng.choice(len(uniq), n_queries + 20, replace=False)]
    for t in titles[:20]: index.similar(title=t, k=10)                           # warm-up
    ts = []
    for t in titles[20:]:
        t0 = time.perf_counter(); index.similar(title=t, k=10); ts.append(time.perf_counter() - t0)
    ts = np.array(ts) * 1e3
    rated = np.flatnonzero(np.diff(ex.indptr) > 0)
    qu = rng.choice(rated, min(n_users, len(rated)), replace=False)
    times, peaks = [], []
    for _ in range(repeats):
        base = peak_rss_mb(); can = reset_peak(); base = peak_rss_mb() if can else base
        t0 = time.perf_counter()
        rec.recommend_batch(f['user_factors'], f['book_factors'], f['user_bias'], f['book_bias'], users=qu, k=10, exclude=ex)
        times.append(time.perf_counter() - t0); peaks.append((peak_rss_mb(), peak_rss_mb() - base))
    return dict(dim=dim, build_s=t_build, p50=np.percentile(ts, 50), p95=np.percentile(ts, 95), p99=np.percentile(ts, 99),
                batch_s=float(np.median(times)), batch_runs=times, rss=max(p[0] for p in peaks), rss_extra=max(p[1] for p in peaks),
                n_users=len(qu))

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dims', default='24,35,64', help='comma-separated factor dimensions')
    ap.add_argument('--users', type=int, default=10_000, help='readers per recommend_batch call')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--queries', type=int, default=300, help='similar() queries (>= 200 recommended)')
    ap.add_argument('--repeats', type=int, default=3, help='recommend_batch runs per dimension (median reported)')
    ap.add_argument('--impl', default=None, help='path of another recommend.py to benchmark instead of bx_rec.recommend')
    a = ap.parse_args(argv)
    import torch
    from bx_rec.recommend import rated_matrix
    rec = load_impl(a.impl)
    t0 = time.perf_counter(); data = make_data(a.seed); t_data = time.perf_counter() - t0
    ex = rated_matrix(data['users'], data['books'], data['n_users'], data['n_books'])
    print(f"data: bx_rec.synth ratings, {data['n_ratings']:,} ratings by {data['rated_users']:,} readers of {data['rated_books']:,} books; "
          f"model tables {data['n_users']:,} users x {data['n_books']:,} books; built in {t_data:.1f} s (seed {a.seed})")
    print(f"implementation: {a.impl or 'bx_rec.recommend'}; torch {torch.__version__} on {torch.get_num_threads()} threads, "
          f"{os.cpu_count()} CPUs; load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    rows = []
    for d in [int(x) for x in a.dims.split(',')]:
        rows.append(bench_dim(rec, data, ex, d, a.users, a.queries, a.repeats, a.seed))
        print(f"  dim {d}: done (load {os.getloadavg()[0]:.2f}; recommend_batch runs {', '.join(f'{t:.2f}' for t in rows[-1]['batch_runs'])} s)", file=sys.stderr)
    print(f"| dim | index build (s) | similar() p50 (ms) | p95 (ms) | p99 (ms) | recommend_batch {rows[0]['n_users']:,} users, k=10 (s, median of {a.repeats}) | peak RSS (MiB) | RSS added by the call (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['dim']} | {r['build_s']:.2f} | {r['p50']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} | {r['batch_s']:.2f} | {r['rss']:.0f} | {r['rss_extra']:.0f} |")
    print(f"\nload average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())} ({a.queries} similar() queries of random unambiguous titles, k=10, after 20 warm-up queries)")

if __name__ == '__main__': main()

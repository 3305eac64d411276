#!/usr/bin/env python
"""Title-search latency on the whole real Book-Crossing catalogue (prints a small report; not a unit test).

Reads the real dump (shared/data/book-crossing/full, or --data), builds `bx_rec.data.catalogue` (every work of
BX-Books.csv with its readers) and a `TitleIndex` over it, then times `TitleIndex.find` (what `similar` and
`recommend --likes` call) and `TitleIndex.search(k=10)` over the query table `nbs/fixtures/queries.csv`, each query
`--repeats` times after one warm-up pass, and prints p50/p95/max, the hit rate of the table, the index build time and
the thread count. Timings vary with the machine's load: the load average is printed before and after.

With `--model DIR` (a model directory, e.g. from `bx-rec train`), it also times the whole command a user types,
`bx-rec search --model DIR QUERY`, in a fresh process (start-up, loading the model, the search tables from the keys the
model stores, the search), three times for each of three queries.

Usage: python bench/search.py [--data DIR] [--repeats 5] [--threads 1] [--model DIR]
"""
from __future__ import annotations
import argparse, os, sys, time
from pathlib import Path
import numpy as np, pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', default=None, help='folder of the real dump (default: shared/data/book-crossing/full)')
    ap.add_argument('--repeats', type=int, default=5, help='timed passes over the query table')
    ap.add_argument('--threads', type=int, default=1, help='threads for numpy/pyarrow/torch (OMP_NUM_THREADS etc.)')
    ap.add_argument('--model', default=None, help='a model directory: also time `bx-rec search --model DIR QUERY` end to end')
    a = ap.parse_args(argv)
    for v in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ[v] = str(a.threads)
    import pyarrow as pa; pa.set_cpu_count(a.threads); pa.set_io_thread_count(a.threads)
    from bx_rec.data import shared_data_dir, read_raw, catalogue, author_key
    from bx_rec.recommend import TitleIndex
    data = Path(a.data) if a.data else (shared_data_dir(ROOT) or Path('/nonexistent'))/'book-crossing'/'full'
    if not data.is_dir(): sys.exit(f"the real Book-Crossing dump is not at {data}: pass --data DIR")
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}; {a.threads} thread(s), {os.cpu_count()} CPUs")
    t0 = time.perf_counter(); cat = catalogue(read_raw(data)); t_cat = time.perf_counter() - t0
    t0 = time.perf_counter(); ti = TitleIndex(cat); ti._build_search(); ti.isbn_rows(); t_build = time.perf_counter() - t0
    q = pd.read_csv(ROOT/'nbs'/'fixtures'/'queries.csv', dtype=str)
    isbns = cat['ISBNs'].str.split('|')
    hits = []
    for _, x in q.iterrows():                                                    # warm-up pass, and the hit rate
        e = ti.find(x['query'])[0]
        hits.append(x['isbn'] in isbns.iat[e] and author_key(x['author']).split()[-1] in author_key(cat['Book-Author'].iat[e]))
    times = {'find': [], 'search(k=10)': []}
    for _ in range(a.repeats):
        for s in q['query']:
            t0 = time.perf_counter(); ti.find(s); times['find'].append(time.perf_counter() - t0)
            t0 = time.perf_counter(); ti.search(s, k=10); times['search(k=10)'].append(time.perf_counter() - t0)
    print(f"catalogue: {len(cat):,} works from {data} ({t_cat:.1f} s); TitleIndex search tables built in {t_build:.1f} s")
    print(f"query table: {len(q)} queries, hit rate {np.mean(hits):.3f} ({sum(hits)}/{len(hits)})\n")
    print("| call | p50 (ms) | p95 (ms) | max (ms) | calls |\n|---|---:|---:|---:|---:|")
    for k, v in times.items():
        v = np.array(v) * 1e3
        print(f"| {k} | {np.percentile(v, 50):.1f} | {np.percentile(v, 95):.1f} | {v.max():.1f} | {len(v)} |")
    if a.model: cli_times(a.model)
    print(f"\nload average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

def cli_times(model:str):
    "Wall seconds of `bx-rec search --model MODEL QUERY` in a fresh process, as a user runs it"
    import subprocess
    ts = []
    for q in ('catcher in the rye', 'harry poter', 'the hobbit'):
        for _ in range(3):
            exe = Path(sys.executable).parent/'bx-rec'; cmd = [str(exe)] if exe.is_file() else [sys.executable, '-m', 'bx_rec.cli']
            t0 = time.perf_counter(); r = subprocess.run(cmd + ['search', '--model', model, q], capture_output=True, text=True)
            ts.append(time.perf_counter() - t0)
            if r.returncode: sys.exit(f"bx-rec search failed: {r.stderr[-500:]}")
    print(f"\n`bx-rec search --model {model} QUERY` (a fresh process each time, 9 calls): median {np.median(ts):.2f} s, max {max(ts):.2f} s")

if __name__ == '__main__': main()

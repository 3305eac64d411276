#!/usr/bin/env python
"""Seconds and peak memory of reading and preprocessing the real Book-Crossing dump (prints figures; not a unit test).

Runs what `bx_rec.pipeline.load_interactions(path, 'bx')` runs: `read_raw(path)` (the three BX-*.csv files, parsed and
cleaned) then `preprocess(raw, 5, 5)` (editions merged into works, 5/5 filtering, dense ids), `--repeats` times, each
round in a fresh subprocess so that its peak resident memory (VmHWM on Linux, else ru_maxrss) is its own. It prints
wall-clock and process-CPU seconds of both steps per round, the minimum over rounds, the peak RSS, the thread setting
and the load average (on a shared machine, compare figures only within one run; CPU seconds suffer less from other
processes than wall seconds). `--against FILE` also runs an older copy of bx_rec/data.py, alternating with the current
one, and prints the ratios (old / new) of the minima.

    OMP_NUM_THREADS=1 python bench/bx_read.py                          # the dump in ../shared/data/book-crossing/full
    OMP_NUM_THREADS=1 python bench/bx_read.py PATH --repeats 5
    OMP_NUM_THREADS=1 python bench/bx_read.py --against /tmp/data_orig.py

The data are third-party and read at run time; without the folder the script prints a note and exits with status 0.
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / 'shared' / 'data' / 'book-crossing' / 'full'

CHILD = r'''
import importlib.util, json, resource, sys, time
sys.path.insert(0, sys.argv[1])
if sys.argv[3]:
    spec = importlib.util.spec_from_file_location('bx_data_other', sys.argv[3]); d = importlib.util.module_from_spec(spec)
    sys.modules['bx_data_other'] = d; spec.loader.exec_module(d)
else:
    import bx_rec.data as d
def peak_mb():
    try:
        for l in open('/proc/self/status'):
            if l.startswith('VmHWM:'): return int(l.split()[1]) / 1024
    except OSError: pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
w0, c0 = time.perf_counter(), time.process_time(); raw = d.read_raw(sys.argv[2])
w1, c1 = time.perf_counter(), time.process_time(); pre = d.preprocess(raw, 5, 5)
w2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({'read_wall': w1 - w0, 'pre_wall': w2 - w1, 'read_cpu': c1 - c0, 'pre_cpu': c2 - c1, 'peak_mb': peak_mb(),
                  'rows_out': pre.report.rows_out, 'n_users': pre.report.n_users, 'n_books': pre.report.n_books}))
'''

def run(path:Path, other:str='')->dict:
    out = subprocess.run([sys.executable, '-c', CHILD, str(REPO), str(path), other], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('path', nargs='?', default=str(DEFAULT), help='folder with BX-Book-Ratings.csv, BX-Books.csv, BX-Users.csv')
    ap.add_argument('--repeats', type=int, default=3, help='rounds (each a fresh subprocess)')
    ap.add_argument('--against', default='', help='an older copy of bx_rec/data.py to run alternately with the current one')
    a = ap.parse_args(argv)
    path = Path(a.path)
    if not (path / 'BX-Book-Ratings.csv').is_file():
        print(f"no Book-Crossing dump in {path}: nothing measured"); return 0
    print(f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, cpus={os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    versions = [('current', '')] + ([('against', a.against)] if a.against else [])
    res = {v: [] for v, _ in versions}
    for i in range(a.repeats):
        for v, f in (versions if i % 2 == 0 else versions[::-1]):
            r = run(path, f); res[v].append(r)
            print(f"round {i + 1} {v:8s} read {r['read_wall']:.2f} s (cpu {r['read_cpu']:.2f})  preprocess {r['pre_wall']:.2f} s "
                  f"(cpu {r['pre_cpu']:.2f})  peak RSS {r['peak_mb']:.0f} MB  -> {r['rows_out']:,} ratings, {r['n_users']:,} users, {r['n_books']:,} books", flush=True)
    keys = ('read_wall', 'pre_wall', 'read_cpu', 'pre_cpu', 'peak_mb')
    best = {v: {k: min(r[k] for r in rs) for k in keys} for v, rs in res.items()}
    for v, b in best.items():
        print(f"min {v:8s} read {b['read_wall']:.2f} s (cpu {b['read_cpu']:.2f})  preprocess {b['pre_wall']:.2f} s (cpu {b['pre_cpu']:.2f})  "
              f"total {b['read_wall'] + b['pre_wall']:.2f} s (cpu {b['read_cpu'] + b['pre_cpu']:.2f})  peak RSS {max(r['peak_mb'] for r in res[v]):.0f} MB")
    if a.against:
        o, n = best['against'], best['current']
        print('ratio against/current: ' + ', '.join(f"{k} {o[k] / n[k]:.2f}" for k in ('read_wall', 'pre_wall', 'read_cpu', 'pre_cpu')) +
              f", total wall {(o['read_wall'] + o['pre_wall']) / (n['read_wall'] + n['pre_wall']):.2f}, total cpu {(o['read_cpu'] + o['pre_cpu']) / (n['read_cpu'] + n['pre_cpu']):.2f}")
    return 0

if __name__ == '__main__': sys.exit(main())

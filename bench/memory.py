#!/usr/bin/env python
"""Peak memory of `bx-rec train` at Book-Crossing scale, without count filters (prints figures; not a unit test).

The commands of the newcomer's report, in subprocesses, each one's peak resident memory measured on its own
(ru_maxrss of a fresh child process):

    bx-rec synth --out raw --users 105283 --books 340556 --ratings 1149780 --seed 7
    bx-rec preprocess --raw raw --out pre --min-user-ratings 1 --min-book-ratings 1
    bx-rec train --ratings pre --format preprocessed --out model --solver gd --dim 35 [--threads N]
    bx-rec train --ratings pre --format preprocessed --out model-als [--threads N]      (the default solver)

and, with --real, the default `bx-rec train` on the real dump (../shared/data/book-crossing/full). Target: at most
2 GB for any `train` at Book-Crossing scale.

Usage: python bench/memory.py [--threads 2] [--real] [--keep DIR]
"""
from __future__ import annotations
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def run(args:list, label:str)->dict:
    "Run one command in a child process that reports its own peak RSS (so earlier children do not count)"
    code = ("import resource, runpy, sys; sys.argv = ['bx-rec'] + sys.argv[1:]\n"
            "try: from bx_rec.cli import main; rc = main(sys.argv[1:])\n"
            "finally: print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
            "sys.exit(rc)")
    t = time.perf_counter()
    r = subprocess.run([sys.executable, '-c', code, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    peak = next((int(l.split()[1]) for l in r.stderr.splitlines() if l.startswith('PEAK_KB')), 0)
    out = dict(step=label, rc=r.returncode, seconds=round(time.perf_counter() - t, 1), peak_gb=round(peak / 1e6, 2))
    if r.returncode: out['stderr'] = r.stderr[-600:]
    print(out, flush=True)
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--real', action='store_true'); ap.add_argument('--keep')
    a = ap.parse_args()
    print(f"threads {a.threads}, load average {os.getloadavg()[0]:.2f}")
    d = Path(a.keep) if a.keep else Path(tempfile.mkdtemp())
    th = ['--threads', a.threads]
    if not (d/'raw'/'BX-Book-Ratings.csv').exists():
        run(['synth', '--out', d/'raw', '--users', 105283, '--books', 340556, '--ratings', 1149780, '--seed', 7, '--overwrite'], 'synth')
    if not (d/'pre'/'ratings.parquet').exists():
        run(['preprocess', '--raw', d/'raw', '--out', d/'pre', '--min-user-ratings', 1, '--min-book-ratings', 1], 'preprocess 1/1')
    rows = [run(['train', '--ratings', d/'pre', '--format', 'preprocessed', '--out', d/'model-gd', '--solver', 'gd', '--dim', 35, '--quiet', *th], 'train --solver gd --dim 35'),
            run(['train', '--ratings', d/'pre', '--format', 'preprocessed', '--out', d/'model-als', '--quiet', *th], 'train (defaults)')]
    real = ROOT.parent/'shared'/'data'/'book-crossing'/'full'
    if a.real and (real/'BX-Book-Ratings.csv').is_file():
        rows.append(run(['train', '--ratings', real, '--format', 'bx', '--out', d/'model-real', '--quiet', *th], 'train real dump (defaults)'))
    print(f"largest peak: {max(r['peak_gb'] for r in rows):.2f} GB (target 2 GB); load average at the end {os.getloadavg()[0]:.2f}")

#!/usr/bin/env python
"""Two trainings at once: does each stay close to its solo time? (issue #12, item 2)

    python bench/concurrency.py                 # ML-100K u1.base; modes: --threads 1, the default, and the old behaviour
    python bench/concurrency.py --repeats 5     # more repetitions (medians are reported)
    python bench/concurrency.py --modes threads1 old

For each thread setting ("mode") it runs `bx-rec train --ratings u1.base --format ml100k` alone, then two identical
runs at the same time, each as its own process, with the same setting on both sides, and reports the training time
that each run prints in its JSON summary (`train_seconds`: the validation run, the refit and the implicit step;
process start and reading the file are left out, as they are the same in both cases) and the ratio concurrent / solo,
of the medians and of the best (shortest) runs; and the CPU time the training used, all threads together (a thread
that spins while it waits burns CPU time without doing work: the signature of oversubscription). On a machine that
other programs also use, the wall-time ratios carry their noise; the CPU times much less.
Modes:

* `threads1`: `--threads 1`, what a user running several jobs (or a test runner) should use;
* `default`: no option and no OMP_NUM_THREADS: `bx_rec.threads.choose_threads` picks every core the process may use,
  and idle OpenMP threads sleep (`OMP_WAIT_POLICY=PASSIVE`, set by `bx-rec` before PyTorch starts);
* `old`: the behaviour before issue #12, threads never set (PyTorch's own default) and OpenMP's default wait policy
  (spin, then sleep), for contrast. It runs the same command line with `bx_rec.threads.set_threads` and
  `bx_rec.threads.passive_wait` replaced by no-ops.

OMP_NUM_THREADS, OMP_WAIT_POLICY and IN_TEST are removed from the environment of every run, so that only the mode decides. The data
are third-party (GroupLens) and read at run time from `../shared/data/ml-100k` (or --data); nothing is written to the
repository. Timings depend on what else runs on the machine: compare the ratios of one run, not across runs.
"""
from __future__ import annotations
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# CPU time of the training itself: `bx_rec.pipeline.fit` wrapped to add `cpu_seconds` (all threads) to its summary
CPU = ("import sys, time, bx_rec.pipeline as P; _fit = P.fit\n"
       "def fit(*a, **k):\n c0 = time.process_time(); r = _fit(*a, **k); r.summary['cpu_seconds'] = time.process_time() - c0; return r\n"
       "P.fit = fit\n")
OLD = CPU + ("import torch, bx_rec.threads as t; t.set_threads = lambda n=None: torch.get_num_threads(); t.passive_wait = lambda: False\n"
             "from bx_rec.cli import main; sys.exit(main(sys.argv[1:]))")
# `main` sets OMP_WAIT_POLICY before torch starts; the CPU wrapper above imports torch first, so do it before that, as main would
NEW = "from bx_rec.threads import passive_wait; passive_wait()\n" + CPU + "from bx_rec.cli import main; sys.exit(main(sys.argv[1:]))"
MODES = {'threads1': (NEW, ['--threads', '1']), 'default': (NEW, []), 'old': (OLD, [])}


def _cmd(mode:str, base:Path, out:Path, seed:int)->list:
    code, extra = MODES[mode]
    return [sys.executable, '-c', code, 'train', '--ratings', str(base), '--format', 'ml100k', '--out', str(out),
            '--quiet', '--seed', str(seed), *extra]


def _env()->dict:
    env = {k: v for k, v in os.environ.items() if k not in ('OMP_NUM_THREADS', 'OMP_WAIT_POLICY', 'IN_TEST', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS')}
    env['PYTHONPATH'] = str(REPO) + os.pathsep + env.get('PYTHONPATH', '')
    return env


def _result(p:subprocess.Popen, what:str)->dict:
    out, err = p.communicate(timeout=1800)
    if p.returncode != 0: raise SystemExit(f"{what} failed (exit {p.returncode}): {err.strip().splitlines()[-1:]}")
    s = json.loads(out.strip().splitlines()[-1])
    return dict(train_seconds=s['train_seconds'], cpu_seconds=s['cpu_seconds'], threads=s.get('threads'))


def run_mode(mode:str, base:Path, repeats:int, tmp:Path)->dict:
    "Median solo and concurrent training times of one mode"
    solo, both, threads = [], [], None
    for r in range(repeats):
        res = _result(subprocess.Popen(_cmd(mode, base, tmp/f'{mode}-solo-{r}', 0), stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, env=_env()), f'{mode} solo')
        solo.append(res); threads = res['threads']
        ps = [subprocess.Popen(_cmd(mode, base, tmp/f'{mode}-pair-{r}-{j}', 0), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=_env()) for j in range(2)]
        both += [_result(p, f'{mode} concurrent') for p in ps]
    med = lambda rs, k: statistics.median(x[k] for x in rs)
    s, c = med(solo, 'train_seconds'), med(both, 'train_seconds')
    return dict(mode=mode, threads=threads, solo_s=s, concurrent_s=c, slowest_concurrent_s=max(x['train_seconds'] for x in both),
                ratio=c / s, best_ratio=min(x['train_seconds'] for x in both) / min(x['train_seconds'] for x in solo),
                solo_cpu=med(solo, 'cpu_seconds'), concurrent_cpu=med(both, 'cpu_seconds'),
                solo_runs=[x['train_seconds'] for x in solo], concurrent_runs=[x['train_seconds'] for x in both])


def main(argv=None)->int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', type=Path, default=REPO.parent/'shared'/'data'/'ml-100k', help='folder with u1.base')
    ap.add_argument('--repeats', type=int, default=3, help='solo runs and concurrent pairs per mode (medians reported)')
    ap.add_argument('--modes', nargs='+', default=list(MODES), choices=list(MODES))
    a = ap.parse_args(argv)
    base = a.data/'u1.base'
    if not base.is_file():
        print(f"note: {base} not found; this benchmark needs MovieLens-100K (--data DIR)", file=sys.stderr); return 2
    print(f"cores available: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}, "
          f"load average before: {os.getloadavg()[0]:.2f}, repeats: {a.repeats}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for m in a.modes:
            t0 = time.perf_counter(); r = run_mode(m, base, a.repeats, Path(d)); rows.append(r)
            print(f"{m:>9}: {r['threads']} thread(s); solo {r['solo_s']:.2f} s, two at once {r['concurrent_s']:.2f} s each "
                  f"(slowest {r['slowest_concurrent_s']:.2f} s): {r['ratio']:.2f}x (best of each: {r['best_ratio']:.2f}x); "
                  f"CPU {r['solo_cpu']:.2f} s -> {r['concurrent_cpu']:.2f} s   [{time.perf_counter()-t0:.0f} s; "
                  f"solo {r['solo_runs']}, concurrent {r['concurrent_runs']}]", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("\n| thread setting | threads | solo train (s) | two at once, each (s) | ratio (medians) | ratio (best of each) "
          "| CPU solo (s) | CPU each, two at once (s) |\n|---|---|---|---|---|---|---|---|")
    for r in rows: print(f"| {r['mode']} | {r['threads']} | {r['solo_s']:.2f} | {r['concurrent_s']:.2f} | {r['ratio']:.2f}x "
                         f"| {r['best_ratio']:.2f}x | {r['solo_cpu']:.2f} | {r['concurrent_cpu']:.2f} |")
    return 0


if __name__ == '__main__': sys.exit(main())

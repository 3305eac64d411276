#!/usr/bin/env python
"""The gradient-descent speed, refereed: the original recipe's loop against bx_rec's gradient-descent epoch, in one
process, on the same data, with the same thread count.

    python bench/gd_speed.py                 # Book-Crossing scale, 2 threads (the figure quoted in the README)
    python bench/gd_speed.py --threads 1     # another thread count (set with torch.set_num_threads for both sides)
    python bench/gd_speed.py --small         # a smoke test: small data, few epochs (seconds)

The data: a synthetic Book-Crossing dump of the real dump's size (`bx-rec synth --users 105283 --books 340556
--ratings 1149780 --seed 7`) read by `bx-rec preprocess --min-user-ratings 1 --min-book-ratings 1` (no count filters),
all of its explicit ratings used for training (about 436k ratings, 74,770 readers x 113k books); `--val-fraction`
holds a seeded share out and both loops then also score it every epoch. `--data DIR` keeps the generated files in
DIR and reuses them on the next run.

The two sides, both the original recipe (the plain dot product, d = 35, initial std 0.5, gravity 1, L2 0.1, AdamW
at lr 1e-3, weight decay 0):

- original: `bx_rec.training.train_original`, the course's loop (sparse COO tensor coalesced every epoch, autograd
  through the embedding gathers, AdamW's default implementation, deepcopy of the best weights);
- bx_rec: `bx_rec.training.train(..., preset='original', solver='gd', device='cpu')`, bx_rec's full-batch
  gradient-descent epoch (hand-written gradients into preallocated buffers, fused AdamW).

Both run in the environment `bx-rec` gives them: `torch.set_num_threads(--threads)`, and idle OpenMP threads sleeping
(`bx_rec.threads.passive_wait`, OMP_WAIT_POLICY=PASSIVE, unless `--omp-wait default` or the variable is already set).

After one untimed warm-up call per side, `--trials` calls of `--epochs` epochs each are timed, alternating which side
goes first; a call's seconds per epoch are its own training-loop seconds (`TrainResult.train_seconds`, the loop
without the set-up of data and model) over its epochs. The medians over the trials and their ratio are printed, with
the thread count, the data size and how busy the CPUs were just before each timed call (on a shared machine other
work distorts both sides: `--settle S` waits up to S seconds before each call for the CPUs to be idle).
"""
from __future__ import annotations
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BX = dict(users=105_283, books=340_556, ratings=1_149_780)        # the real dump's rows: BX-Users, BX-Books, BX-Book-Ratings
SMALL = dict(users=3_000, books=8_000, ratings=40_000)


def cpu_busy(span:float=0.5)->float|None:
    "Share of all CPUs busy over `span` seconds, from /proc/stat (Linux; None elsewhere): other work that would compete"
    def read():
        with open('/proc/stat') as f: v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]                                                 # total, idle + iowait
    try:
        t0, i0 = read(); time.sleep(span); t1, i1 = read()
    except OSError: return None
    return 1 - (i1 - i0) / max(t1 - t0, 1)


def _cli(*args):
    "Run `bx-rec ARGS` (this interpreter's bx_rec); stop with its stderr if it fails"
    p = subprocess.run([sys.executable, '-m', 'bx_rec.cli', *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if p.returncode: sys.exit(f"bx-rec {args[0]} failed ({p.returncode}):\n{p.stderr[-3000:]}")


def make_data(folder:Path, size:dict, seed:int)->Path:
    "`bx-rec synth` + `bx-rec preprocess` without count filters into `folder` (reused when already there)"
    raw, pre = folder / 'raw', folder / 'pre'
    stamp = folder / 'made.json'
    want = dict(size, seed=seed)
    if stamp.exists() and json.loads(stamp.read_text()) == want and (pre / 'ratings.parquet').exists(): return pre
    for p in (raw, pre):
        if p.exists(): import shutil; shutil.rmtree(p)
    folder.mkdir(parents=True, exist_ok=True)
    _cli('synth', '--out', raw, '--users', size['users'], '--books', size['books'], '--ratings', size['ratings'], '--seed', seed)
    _cli('preprocess', '--raw', raw, '--out', pre, '--min-user-ratings', 1, '--min-book-ratings', 1, '--quiet')
    stamp.write_text(json.dumps(want))
    return pre


def load(pre:Path, val_fraction:float, seed:int=0):
    "Integer-indexed ratings of `preprocess`'s output; a seeded share held out when val_fraction > 0"
    import numpy as np, pandas as pd
    df = pd.read_parquet(pre / 'ratings.parquet', columns=['User-Embedding-ID', 'Book-Embedding-ID', 'Book-Rating'])
    u, b = df['User-Embedding-ID'].to_numpy(np.int64), df['Book-Embedding-ID'].to_numpy(np.int64)
    r = df['Book-Rating'].to_numpy(np.float32)
    n_users, n_books = int(u.max()) + 1, int(b.max()) + 1
    held = np.zeros(len(r), bool)
    if val_fraction > 0: held[np.random.default_rng(seed).permutation(len(r))[:int(round(val_fraction * len(r)))]] = True
    val = (u[held], b[held], r[held]) if held.any() else None
    return (u[~held], b[~held], r[~held], n_users, n_books), val


def main(argv=None)->int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--threads', type=int, default=2, help='torch threads for both sides, set with torch.set_num_threads (default 2)')
    ap.add_argument('--epochs', type=int, default=10, help='epochs per timed call (default 10)')
    ap.add_argument('--trials', type=int, default=7, help='timed calls per side, interleaved (default 7)')
    ap.add_argument('--warmup', type=int, default=2, help='epochs of the untimed warm-up call per side (default 2)')
    ap.add_argument('--val-fraction', type=float, default=0.0, help='share held out and scored every epoch by both loops (default 0: all ratings train)')
    ap.add_argument('--seed', type=int, default=7, help='seed of the synthetic dump (default 7)')
    ap.add_argument('--data', type=Path, help='folder to keep the generated data in and reuse (default: a temporary folder)')
    ap.add_argument('--small', action='store_true', help='smoke test: small data, 3 epochs, 2 trials')
    ap.add_argument('--omp-wait', choices=('passive', 'default'), default='passive',
                    help="passive: idle OpenMP threads sleep (OMP_WAIT_POLICY=PASSIVE unless set), as the bx-rec command runs; default: the OpenMP runtime's own")
    ap.add_argument('--settle', type=float, default=0, help='before each timed call wait up to this many seconds for the CPUs to be idle '
                    '(under 10 %% busy over half a second: nothing else competing); 0: do not wait (default)')
    ap.add_argument('--json', action='store_true', help='also print the figures as one JSON line at the end')
    a = ap.parse_args(argv)
    if a.threads < 1: ap.error('--threads must be at least 1')
    size = SMALL if a.small else BX
    if a.small: a.epochs, a.trials, a.warmup = min(a.epochs, 3), min(a.trials, 2), 1

    if a.omp_wait == 'passive':                       # as `bx-rec` does, before torch starts OpenMP (unless OMP_WAIT_POLICY is set)
        from bx_rec.threads import passive_wait
        passive_wait()
    import torch
    torch.set_num_threads(a.threads)
    from bx_rec.training import PRESET_CONFIGS, train, train_original

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        pre = make_data(a.data or Path(tmp) / 'data', size, a.seed)
        (tu, tb, tr, n_users, n_books), val = load(pre, a.val_fraction)
        made = time.perf_counter() - t0

    p = PRESET_CONFIGS['original']                                                 # the course's recipe, one `TrainConfig`
    rec = dict(model=p.mf.model, dim=p.mf.dim, init_std=p.mf.init_std, lr=p.gd.lr, gravity=p.mf.gravity, l2=p.mf.l2, weight_decay=p.gd.weight_decay)
    kw = dict(seed=0, progress=False, val=val)
    sides = {
        'original': lambda e: train_original(tu, tb, tr, n_users, n_books, epochs=e, dim=rec['dim'], init_std=rec['init_std'], lr=rec['lr'],
                                             gravity=rec['gravity'], l2=rec['l2'], weight_decay=rec['weight_decay'], **kw),
        'bx_rec': lambda e: train(tu, tb, tr, n_users, n_books, cfg=p.override(solver='gd', epochs=e), device='cpu', **kw),
    }
    print(f"data: synthetic BX dump (bx-rec synth --users {size['users']} --books {size['books']} --ratings {size['ratings']} "
          f"--seed {a.seed}; bx-rec preprocess --min-user-ratings 1 --min-book-ratings 1), ready in {made:.1f} s", flush=True)
    print(f"      {len(tr):,} training ratings, {n_users:,} readers x {n_books:,} books"
          + (f", {len(val[2]):,} validation ratings scored every epoch" if val is not None else ", no validation") , flush=True)
    print(f"recipe: d={rec['dim']}, init std {rec['init_std']}, gravity {rec['gravity']}, L2 {rec['l2']}, AdamW lr {rec['lr']}, "
          f"weight decay {rec['weight_decay']}; device cpu", flush=True)
    print(f"threads: torch.set_num_threads({a.threads}) for both sides -> torch.get_num_threads() = {torch.get_num_threads()} "
          f"({os.cpu_count()} CPUs here; torch {torch.__version__}, {platform.machine()}); OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}", flush=True)

    def settle():
        "Busy share of the CPUs just before a timed call, after waiting up to --settle seconds for it to fall under 10 %"
        t_end = time.perf_counter() + a.settle
        while True:
            b = cpu_busy()
            if b is None or b < 0.1 or time.perf_counter() >= t_end: return b
            time.sleep(1)
    def timed(name, epochs):
        if torch.get_num_threads() != a.threads: sys.exit(f"the thread count changed to {torch.get_num_threads()} before {name}")
        t = time.perf_counter(); res = sides[name](epochs); wall = time.perf_counter() - t
        if res.epochs_run != epochs: sys.exit(f"{name} ran {res.epochs_run} of {epochs} epochs ({res.stopped_reason})")
        return res.train_seconds / res.epochs_run, wall, float(res.history['train_loss'].iloc[-1])

    for name in sides: timed(name, a.warmup)                                       # warm-up: allocator, kernels, caches
    per, walls, losses, busies = {n: [] for n in sides}, {n: [] for n in sides}, {}, []
    for k in range(a.trials):
        for name in (list(sides) if k % 2 == 0 else list(sides)[::-1]):          # interleaved, alternating who goes first
            busy = settle()
            s, w, loss = timed(name, a.epochs)
            per[name].append(s); walls[name].append(w); losses[name] = loss; busies.append(busy)
            print(f"  trial {k + 1} {name:8s} {s:.4f} s/epoch ({a.epochs} epochs; call {w:.2f} s with set-up)  "
                  f"CPUs busy just before: {'?' if busy is None else f'{busy:.0%}'}", flush=True)
    med = {n: statistics.median(v) for n, v in per.items()}
    ratio = med['original'] / med['bx_rec']
    print(f"\nmedian seconds per epoch over {a.trials} interleaved trials of {a.epochs} epochs, {a.threads} torch threads on both sides,"
          f" {len(tr):,} ratings, {n_users:,} x {n_books:,}, d={rec['dim']}:")
    print(f"  original loop (train_original): {med['original']:.4f} s  (range {min(per['original']):.4f}-{max(per['original']):.4f})")
    print(f"  bx_rec GD epoch (train, gd)   : {med['bx_rec']:.4f} s  (range {min(per['bx_rec']):.4f}-{max(per['bx_rec']):.4f})")
    print(f"  ratio: {ratio:.1f}x  (per-trial ratios {', '.join(f'{o / f:.1f}' for o, f in zip(per['original'], per['bx_rec']))};"
          f" fastest trials {min(per['original']) / min(per['bx_rec']):.1f}x)")
    print(f"  same objective: training loss after {a.epochs} epochs {losses['original']:.6g} (original) vs {losses['bx_rec']:.6g} (bx_rec)")
    b = [x for x in busies if x is not None]
    if b: print(f"  other work on the CPUs just before the timed calls: median {statistics.median(b):.0%}, most {max(b):.0%}"
                + ("  (NOISY: other processes competed for the cores; rerun on an idle machine, or with --settle 120)" if max(b) >= 0.1 else ''))
    if a.json:
        print(json.dumps(dict(threads=a.threads, busy_before=busies, n_ratings=len(tr), n_users=n_users, n_books=n_books, dim=rec['dim'],
                              epochs=a.epochs, trials=a.trials, s_per_epoch=med, ratio=ratio, per_trial=per)))
    return 0


if __name__ == '__main__': sys.exit(main())

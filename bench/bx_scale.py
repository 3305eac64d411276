#!/usr/bin/env python
"""Book-Crossing-scale performance benchmark (prints figures; not a unit test).

On one synthetic data set of Book-Crossing size (about 433k explicit ratings, 78k users, 186k books) it measures,
each part in its own subprocess so that peak memory (ru_maxrss) is measured separately:

- seconds per full-batch gradient-descent epoch (wall clock; and process CPU seconds) of the original slow loop (`bx_rec.training.train_original`)
  and of the fast loop (`bx_rec.training.train`, preset 'original': d=35, gravity 1, L2 0.1), after warm-up;
- the speed-up, and each part's peak resident memory (VmHWM on Linux, else ru_maxrss);
- optional (--quality): time to quality: the default solver vs the original recipe's 1000 epochs, by validation RMSE;
- optional (--cli): the real command line at that scale: `bx-rec synth` (a BX-size raw dump), `bx-rec preprocess`,
  `bx-rec train --format preprocessed` (its training seconds, validation RMSE and peak RSS). Query latency of the lists
  is measured by `bench/coverage.py` on the real dump.

Usage: python bench/bx_scale.py [--epochs 20] [--warmup 3] [--repeats 1] [--quality] [--cli] [--random]
       python bench/bx_scale.py --all        # everything: the figures quoted in the docs
The data come from bx_rec.synth (its ground-truth explicit ratings); --random (or a missing bx_rec.synth) uses
random data of the same shape instead. The machine's load average is printed: on a shared machine, compare
figures only within one run.
"""
from __future__ import annotations
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BX_USERS, BX_BOOKS, BX_RATINGS = 78_000, 186_000, 433_000
# BX explicit-rating histogram shape (1..10): mostly high
BX_HIST = np.array([1770, 2759, 5996, 8904, 50974, 36924, 76457, 103736, 67541, 78610], float)

def make_data(out:Path, seed:int=0, random:bool=False, val_frac:float=0.1)->dict:
    "Write train/val arrays (.npy) of BX size into `out`; return a description"
    rng = np.random.default_rng(seed)
    source = 'random'
    if not random:
        try:
            from bx_rec.synth import make_works, make_users, make_editions, make_ratings
            w = make_works(1_300_000, seed); us = make_users(110_000, seed); ed = make_editions(w, seed, variants=False)
            r = make_ratings(us, w, ed, 1_150_000, seed)
            r = r[r.rating > 0]
            _, u = np.unique(r['User-ID'].to_numpy(), return_inverse=True)
            _, b = np.unique(r.work_id.to_numpy(), return_inverse=True)
            y = r.rating.to_numpy().astype(np.float32)
            source = 'bx_rec.synth'
        except ImportError: random = True
    if random:
        n = BX_RATINGS
        n = int(n * 1.05)                                                               # room for duplicates
        u = rng.permutation(BX_USERS)[(BX_USERS * rng.random(n) ** 2).astype(np.int64)]   # some users rate a lot
        b = rng.permutation(BX_BOOKS)[(BX_BOOKS * rng.random(n) ** 3).astype(np.int64)]   # popular books
        y = rng.choice(np.arange(1, 11), size=n, p=BX_HIST / BX_HIST.sum()).astype(np.float32)
        k = np.sort(np.unique(u * BX_BOOKS + b, return_index=True)[1])[:BX_RATINGS]; u, b, y = u[k], b[k], y[k]
    n_users, n_books = max(BX_USERS, int(u.max()) + 1), max(BX_BOOKS, int(b.max()) + 1)   # tables of BX size
    test = rng.random(len(y)) < val_frac
    arrays = dict(tu=u[~test], tb=b[~test], tr=y[~test], vu=u[test], vb=b[test], vr=y[test])
    for k, v in arrays.items(): np.save(out / f'{k}.npy', v)
    info = dict(source=source, n_ratings=int(len(y)), n_train=int((~test).sum()), n_val=int(test.sum()),
                rated_users=int(len(np.unique(u))), rated_books=int(len(np.unique(b))), n_users=n_users, n_books=n_books,
                mean_rating=float(y.mean()))
    (out / 'info.json').write_text(json.dumps(info))
    return info

def _load(d:Path):
    a = {k: np.load(d / f'{k}.npy', allow_pickle=False) for k in ('tu', 'tb', 'tr', 'vu', 'vb', 'vr')}
    return a, json.loads((d / 'info.json').read_text())

def _rss_mb()->float:
    """Peak resident memory of this process in MB: on Linux VmHWM, because ru_maxrss survives exec (a part started by
    a big parent would report at least the parent's size at fork time); elsewhere resource.getrusage's ru_maxrss."""
    try:
        for line in open('/proc/self/status'):
            if line.startswith('VmHWM:'): return int(line.split()[1]) / 1024
    except OSError: pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == 'darwin' else 1024)

def part(name:str, d:Path, epochs:int, warmup:int, threads:int=0)->dict:
    "One measurement, run in a fresh process"
    import torch
    if threads: torch.set_num_threads(threads)
    from bx_rec.training import train_original
    from bx_rec.als import train
    a, info = _load(d)
    data = (a['tu'], a['tb'], a['tr'], info['n_users'], info['n_books'])
    val = (a['vu'], a['vb'], a['vr'])
    out = dict(part=name, threads=torch.get_num_threads(), rss_before_mb=_rss_mb())
    if name in ('original', 'fast'):
        run = (lambda e: train_original(*data, val=val, epochs=e, progress=False)) if name == 'original' else \
              (lambda e: train(*data, val=val, preset='original', epochs=e, device='cpu', progress=False))
        run(warmup)
        c0 = time.process_time(); t0 = time.perf_counter()
        res = run(epochs)
        out.update(total_s=time.perf_counter() - t0, cpu_s=time.process_time() - c0, train_seconds=res.train_seconds,
                   s_per_epoch=res.train_seconds / res.epochs_run, epochs=res.epochs_run,
                   last_train_loss=float(res.history.train_loss.iloc[-1]), last_val_rmse=float(res.history.val_rmse.iloc[-1]))
    elif name == 'quality_default':
        t0 = time.perf_counter(); res = train(*data, val=val, preset='default', device='auto', progress=False)
        out.update(total_s=time.perf_counter() - t0, train_seconds=res.train_seconds, epochs=res.epochs_run,
                   best_val_rmse=res.best_val_rmse, best_epoch=res.best_epoch, config={k: v for k, v in res.config.items() if k != 'als'},
                   val_rmse_by_epoch=[float(x) for x in res.history['val_rmse']])
    elif name == 'quality_original':
        t0 = time.perf_counter(); res = train(*data, val=val, preset='original', device='auto', progress=False)
        out.update(total_s=time.perf_counter() - t0, train_seconds=res.train_seconds, epochs=res.epochs_run,
                   best_val_rmse=res.best_val_rmse, best_epoch=res.best_epoch)
    elif name == 'recommend':
        out.update(bench_recommend(a, info))
    else: raise ValueError(f"unknown part {name!r}")
    out['peak_rss_mb'] = _rss_mb()
    return out

def bench_recommend(a:dict, info:dict)->dict:
    "Kept for the --recommend flag: see `cli_stage`, which measures queries on a model trained by `bx-rec train`"
    return dict(note='use --cli: queries are measured on the model written by bx-rec train')

def _timed_cli(args:list, timeout:int=3600)->dict:
    "Run `bx-rec ARGS` as the only child of a small wrapper process: wall seconds, peak RSS of the child, stdout"
    code = ("import json, resource, subprocess, sys, time; t = time.perf_counter(); "
            "p = subprocess.run([sys.executable, '-m', 'bx_rec.cli'] + sys.argv[1:], capture_output=True, text=True); "
            "print(json.dumps(dict(rc=p.returncode, wall=time.perf_counter() - t, out=p.stdout[-20000:], err=p.stderr[-3000:], "
            "rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)))")
    p = subprocess.run([sys.executable, '-c', code] + [str(x) for x in args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    r = json.loads(p.stdout.strip().splitlines()[-1])
    if r['rc'] != 0: raise RuntimeError(f"bx-rec {args[0]} failed ({r['rc']}):\n{r['err']}")
    return r

def cli_stage(tmp:Path, seed:int=0, threads:int=0)->dict:
    "bx-rec synth + preprocess + train at BX size, then queries on the trained model"
    raw, pre, model = tmp/'raw', tmp/'pre', tmp/'model'
    out = {}
    r = _timed_cli(['synth', '--out', raw, '--users', 105_000, '--books', 270_000, '--ratings', 1_150_000, '--seed', seed])
    out['synth_s'] = r['wall']; print(f"  bx-rec synth: {r['wall']:.1f} s, peak RSS {r['rss_mb']:.0f} MB", flush=True)
    r = _timed_cli(['preprocess', '--raw', raw, '--out', pre, '--min-user-ratings', 1, '--min-book-ratings', 1])
    out['preprocess_s'], out['preprocess_rss_mb'] = r['wall'], r['rss_mb']
    rep = json.loads((pre/'report.json').read_text())
    out['preprocess_report'] = rep
    print(f"  bx-rec preprocess: {r['wall']:.1f} s, peak RSS {r['rss_mb']:.0f} MB; {rep['rows_out']:,} ratings, "
          f"{rep['n_users']:,} users, {rep['n_books']:,} books", flush=True)
    r = _timed_cli(['train', '--ratings', pre, '--format', 'preprocessed', '--out', model, '--quiet', '--seed', seed]
                   + (['--threads', threads] if threads else []))
    s = json.loads(r['out'].strip().splitlines()[-1])
    out.update(train_wall_s=r['wall'], train_rss_mb=r['rss_mb'], train_summary=s)
    print(f"  bx-rec train: {r['wall']:.1f} s wall ({s['train_seconds']:.1f} s training), val RMSE {s['val_rmse']:.4f}, "
          f"peak RSS {r['rss_mb']:.0f} MB", flush=True)
    return out

def run_part(name:str, d:Path, epochs:int, warmup:int, threads:int=0, timeout:int=3600)->dict:
    cmd = [sys.executable, __file__, '--part', name, '--data', str(d), '--epochs', str(epochs), '--warmup', str(warmup), '--threads', str(threads)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if p.returncode != 0: raise RuntimeError(f"part {name} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--epochs', type=int, default=20, help='timed epochs per loop')
    ap.add_argument('--warmup', type=int, default=3, help='untimed warm-up epochs per loop')
    ap.add_argument('--repeats', type=int, default=1, help='alternate original/fast this many times; report the fastest')
    ap.add_argument('--quality', action='store_true', help='also time to quality (default solver vs 1000 original epochs)')
    ap.add_argument('--recommend', action='store_true', help='also run the recommendation hook')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: torch default, all cores)')
    ap.add_argument('--random', action='store_true', help='random data of BX shape instead of bx_rec.synth')
    ap.add_argument('--cli', action='store_true', help='also bx-rec synth/preprocess/train at BX size, and memory')
    ap.add_argument('--all', action='store_true', help='--quality --cli --repeats 2')
    ap.add_argument('--part', help=argparse.SUPPRESS); ap.add_argument('--data', help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.all: args.quality = args.cli = True; args.repeats = max(args.repeats, 2)
    if args.part:
        print(json.dumps(part(args.part, Path(args.data), args.epochs, args.warmup, args.threads))); return
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        t0 = time.perf_counter(); info = make_data(d, random=args.random)
        print(f"data ({info['source']}, {time.perf_counter() - t0:.1f} s): {info}", flush=True)
        runs = {'original': [], 'fast': []}
        for rep in range(args.repeats):
            for name in ('original', 'fast'):
                r = run_part(name, d, args.epochs, args.warmup, args.threads); runs[name].append(r)
                print(f"  {name:9s} {r['s_per_epoch']*1000:8.1f} ms/epoch  peak RSS {r['peak_rss_mb']:.0f} MB  load {os.getloadavg()[0]:.1f}", flush=True)
        o = min(runs['original'], key=lambda r: r['s_per_epoch']); f = min(runs['fast'], key=lambda r: r['s_per_epoch'])
        extra = [run_part(p, d, args.epochs, args.warmup, args.threads) for p in (['quality_default', 'quality_original'] if args.quality else [])]
        rec = run_part('recommend', d, args.epochs, args.warmup, args.threads) if args.recommend else None
        cli = cli_stage(d, threads=args.threads) if args.cli else None
    print(f"\n## bx_rec at Book-Crossing scale ({info['n_train']:,} training ratings, {info['n_users']:,} users x "
          f"{info['n_books']:,} books, d=35, gravity 1, L2 0.1; {o['threads']} torch threads, {args.epochs} timed epochs, "
          f"{args.warmup} warm-up)\n")
    print("| measure | original loop | fast loop |\n|---|---|---|")
    print(f"| seconds per full-batch epoch | {o['s_per_epoch']:.4f} | {f['s_per_epoch']:.4f} |")
    print(f"| CPU seconds per epoch (process, incl. setup) | {o['cpu_s']/o['epochs']:.4f} | {f['cpu_s']/f['epochs']:.4f} |")
    print(f"| speed-up | 1x | {o['s_per_epoch']/f['s_per_epoch']:.1f}x |")
    print(f"| RSS after imports and data (MB) | {o['rss_before_mb']:.0f} | {f['rss_before_mb']:.0f} |")
    print(f"| peak RSS (MB, whole process, imports included) | {o['peak_rss_mb']:.0f} | {f['peak_rss_mb']:.0f} |")
    print(f"| same result: train loss after {o['epochs']} epochs | {o['last_train_loss']:.6g} | {f['last_train_loss']:.6g} |")
    if extra:
        qd, qo = extra
        print("\n### Time to quality (validation RMSE)\n\n| recipe | epochs | train seconds | best val RMSE |\n|---|---|---|---|")
        print(f"| default ({qd['config'].get('solver')}, {qd['config'].get('model')}, d={qd['config'].get('dim')}) | {qd['epochs']} | {qd['train_seconds']:.1f} | {qd['best_val_rmse']:.4f} |")
        print(f"| original recipe (fast loop) | {qo['epochs']} | {qo['train_seconds']:.1f} | {qo['best_val_rmse']:.4f} |")
        orig_1000 = o['s_per_epoch'] * 1000
        print(f"\nThe original loop's 1000 epochs take {orig_1000:.0f} s at {o['s_per_epoch']:.3f} s/epoch (extrapolated from the "
              f"timed epochs above); 1/20 of that is {orig_1000/20:.1f} s. The default reaches validation RMSE "
              f"{qd['best_val_rmse']:.4f} in {qd['train_seconds']:.1f} s ({qd['train_seconds']/orig_1000:.3f} of the original's time) "
              f"against the original recipe's {qo['best_val_rmse']:.4f} after 1000 epochs.")
        first = next((e for e, v in enumerate(qd['val_rmse_by_epoch'], 1) if v < qo['best_val_rmse']), None)
        if first is not None:
            print(f"The default's validation RMSE is already below the original's after its epoch {first} "
                  f"({qd['val_rmse_by_epoch'][first-1]:.4f}), at about {qd['train_seconds'] * first / qd['epochs']:.1f} s "
                  f"(its {qd['train_seconds']:.1f} s spread evenly over its {qd['epochs']} epochs).")
        ok = qd['best_val_rmse'] < qo['best_val_rmse'] and qd['train_seconds'] <= orig_1000 / 20
        print(f"target (lower validation RMSE in at most 1/20 of the original's time): {'MET' if ok else 'NOT MET'}")
    if rec is not None: print(f"\n### Recommendation\n\n{rec}")
    if cli is not None:
        s, rep = cli['train_summary'], cli['preprocess_report']
        print(f"\n### The command line at Book-Crossing scale\n\n`bx-rec preprocess` kept {rep['rows_out']:,} explicit ratings of "
              f"{rep['n_users']:,} users and {rep['n_books']:,} books (synthetic BX-size dump: {rep['rows_in']:,} rating rows).\n")
        print("| measure | figure | target |\n|---|---|---|")
        print(f"| `bx-rec synth` (BX-size raw dump) | {cli['synth_s']:.1f} s | under a minute |")
        print(f"| `bx-rec preprocess` | {cli['preprocess_s']:.1f} s, peak RSS {cli['preprocess_rss_mb']:.0f} MB | |")
        print(f"| `bx-rec train` (default: ALS, d={s.get('dim')}; validation run, refit, implicit term) | {s['train_seconds']:.1f} s training, "
              f"{cli['train_wall_s']:.1f} s wall; val RMSE {s['val_rmse']:.4f} | |")
        print(f"| peak RSS of `bx-rec train` | {cli['train_rss_mb']:.0f} MB | at most 2048 MB |")
    print(f"\nload average at the end: {os.getloadavg()}")

if __name__ == '__main__': main()

#!/usr/bin/env python
"""Gradient descent on the real Book-Crossing dump: the preset's settings against `bx_rec.als.tune_gd`, and the
biases alone, on the validation split `bx_rec.pipeline.fit` uses (10 %, seed 0) of the ratings `bx-rec train` reads
(`--format bx`, 5/5 filters).

    python bench/gd_real.py                       # the dump in ../shared/data/book-crossing/full
    python bench/gd_real.py PATH --format ml100k  # another source

Single-threaded. Without the data the script prints a note and exits 0.
"""
from __future__ import annotations
import argparse, sys, time, warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / 'shared' / 'data' / 'book-crossing' / 'full'


def main(argv=None)->int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('ratings', type=Path, nargs='?', default=DEFAULT)
    p.add_argument('--format', default='bx')
    a = p.parse_args(argv)
    if not a.ratings.exists(): print(f"note: {a.ratings} not found; nothing to do"); return 0
    import numpy as np, pandas as pd, torch
    torch.set_num_threads(1)
    from bx_rec.pipeline import load_interactions
    from bx_rec.training import train, PRESET_CONFIGS
    from bx_rec.als import tune_gd
    kw = dict(min_user_ratings=5, min_book_ratings=5) if a.format in ('bx', 'kaggle') else {}
    inter = load_interactions(a.ratings, a.format, **kw)
    df = inter.ratings
    (u, uid), (i, iid) = (pd.factorize(df[c].astype(str), sort=True) for c in ('user', 'item'))
    r = df['rating'].to_numpy(np.float32)
    va = np.zeros(len(r), bool); va[np.random.default_rng(0).permutation(len(r))[:int(round(0.1 * len(r)))]] = True
    trn, val = (u[~va], i[~va], r[~va]), (u[va], i[va], r[va])
    t = time.perf_counter()
    d = train(*trn, len(uid), len(iid), val=val, cfg=PRESET_CONFIGS['default'].override(solver='gd'), progress=False)
    td = time.perf_counter() - t
    t = time.perf_counter()
    with warnings.catch_warnings(): warnings.simplefilter('ignore'); best, info = tune_gd(*trn, len(uid), len(iid), val=val, scale=inter.rating_scale)
    tt = time.perf_counter() - t
    print(f"{len(r):,} ratings, {len(uid):,} readers, {len(iid):,} books; validation {va.sum():,}")
    print(f"gd, preset (lr {d.config['lr']:g}, {d.epochs_run} epochs, l2 {d.config['l2']:g}): val RMSE {d.best_val_rmse:.4f} ({td:.1f} s)")
    print(f"gd, tune_gd (lr {info['lr']:g}, l2 {info['l2']:g}, best epoch {info['best_epoch']}, {len(info['tried'])} fits): "
          f"val RMSE {info['val_rmse']:.4f} ({tt:.1f} s)")
    print(f"biases alone: val RMSE {info['bias_val_rmse']:.4f}")
    print(f"warning: {info['warning']}")
    return 0


if __name__ == '__main__': sys.exit(main())

#!/usr/bin/env python
"""Real Book-Crossing benchmark: `bx-rec train` + `bx-rec evaluate` with default settings against Surprise's SVD and
BaselineOnly with theirs, on the same seeded 80/20 split of the explicit ratings of the real dump, in one run.

    python bench/bx_real.py                                  # the dump in ../shared/data/book-crossing/full
    python bench/bx_real.py PATH/TO/DUMP --seed 1            # another folder, another split
    python bench/bx_real.py --rows all                       # only the first row of the table

Two rows, both from `BX-Book-Ratings.csv` alone, with the raw `User-ID` and `ISBN` as ids (no cleaning, no merging
of editions: what a new user would feed to `bx-rec train --format csv`):

- `all`: every explicit rating (1-10; the implicit 0s are left out).
- `>=5`: the explicit ratings of users and ISBNs with at least 5 of them, filtered *iteratively* (until every
  remaining user and ISBN has 5 or more: the 5-core) and *before* the split.

Each row is split once, 80 % train / 20 % test, by a permutation seeded with `--seed`. bx_rec runs through the real
command line in a subprocess (`python -m bx_rec.cli train --format csv ...` on the train part with default settings,
then `evaluate` on the test part), from CSV files in a temporary folder that is deleted afterwards. Its fit time is the
`train_seconds` that `bx-rec train` reports: everything `fit` does (choosing the ridges on its validation split, the
refit and any extra term), not reading the file. Surprise fits the same train rows with its defaults
(`SVD(random_state=seed)`, `BaselineOnly()`); its fit time is `fit()` alone. Both sides run single-threaded:
OMP_NUM_THREADS=1 (and MKL_NUM_THREADS=1) for this process and the subprocess, `torch.set_num_threads(1)` by default
(`--threads`); Surprise is single-threaded. Predictions of both are clipped to the 1-10 scale. The test part plays no
part in any choice: bx_rec's hyper-parameters are chosen inside `fit` on a validation split of the train part.

The data are third-party and read at run time; without the folder the script prints a note and exits with status 0.
"""
from __future__ import annotations
import argparse, json, os, shlex, subprocess, sys, tempfile, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / 'shared' / 'data' / 'book-crossing' / 'full'
N_EXPLICIT = 433_671   # explicit ratings (1-10) of the original BX-Book-Ratings.csv


def read_explicit(folder:Path):
    "The explicit ratings of BX-Book-Ratings.csv: user, item (raw User-ID, ISBN as str), rating (float)"
    import pandas as pd
    df = pd.read_csv(folder / 'BX-Book-Ratings.csv', sep=';', dtype=str, encoding='latin-1', keep_default_na=False)
    r = pd.to_numeric(df['Book-Rating'], errors='coerce')
    keep = r.between(1, 10).to_numpy()
    return pd.DataFrame({'user': df['User-ID'].to_numpy()[keep], 'item': df['ISBN'].to_numpy()[keep],
                         'rating': r.to_numpy()[keep].astype(float)})


def k_core(df, k:int):
    "Keep the ratings of users and items with at least `k` ratings, repeating until every one left has `k`"
    while True:
        cu = df.groupby('user')['rating'].transform('size'); ci = df.groupby('item')['rating'].transform('size')
        keep = ((cu >= k) & (ci >= k)).to_numpy()
        if keep.all(): return df.reset_index(drop=True)
        df = df[keep]


def split(df, seed:int, test_fraction:float):
    "(train, test): a seeded random permutation, the first `test_fraction` of it for the test"
    import numpy as np
    perm = np.random.default_rng(seed).permutation(len(df))
    n_test = int(round(test_fraction * len(df)))
    return df.iloc[perm[n_test:]].reset_index(drop=True), df.iloc[perm[:n_test]].reset_index(drop=True)


def run_cli(train, test, seed:int, env:dict, threads:int)->dict:
    "`bx-rec train` (defaults) on the train rows and `bx-rec evaluate` on the test rows, in a subprocess"
    cols = ['--format', 'csv', '--user-col', 'user', '--item-col', 'item', '--rating-col', 'rating']
    usage = subprocess.run([sys.executable, '-m', 'bx_rec.cli', 'train', '--help'], capture_output=True, text=True, env=env, cwd=REPO).stdout
    if '--threads' in usage: cols += ['--threads', threads]   # the thread count, also where the CLI would choose its own
    rank = ['--no-ranking'] if '--no-ranking' in usage else []  # this table is about predicted ratings: leave out the lists' ranking model
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        train.to_csv(d / 'train.csv', index=False); test.to_csv(d / 'test.csv', index=False)
        def call(*args):
            p = subprocess.run([sys.executable, '-m', 'bx_rec.cli', *map(str, args)], capture_output=True, text=True, env=env, cwd=REPO)
            if p.returncode: raise RuntimeError(f"bx-rec {args[0]} failed ({p.returncode}): {p.stderr.strip()[-2000:]}")
            return json.loads(p.stdout.strip().splitlines()[-1])
        t0 = time.perf_counter()
        tr = call('train', '--ratings', d / 'train.csv', *cols, *rank, '--out', d / 'model', '--quiet', '--seed', seed)
        wall = time.perf_counter() - t0
        ev = call('evaluate', '--model', d / 'model', '--ratings', d / 'test.csv', *cols)
    return dict(rmse=ev['rmse'], fit_s=tr['train_seconds'], wall_s=wall, threads=tr.get('threads'), tuned=tr.get('tuned'),
                val_rmse=tr.get('val_rmse'), implicit=tr.get('implicit'), n_unknown_users=ev.get('n_unknown_users'),
                n_unknown_items=ev.get('n_unknown_items'))


def run_surprise(name:str, train, test, seed:int)->dict:
    "A Surprise algorithm with its default parameters: test RMSE and the seconds of `fit()`"
    import numpy as np
    from surprise import Dataset, Reader, SVD, BaselineOnly
    ts = Dataset.load_from_df(train[['user', 'item', 'rating']], Reader(rating_scale=(1, 10))).build_full_trainset()
    algo = SVD(random_state=seed) if name == 'SVD' else BaselineOnly(verbose=False)
    t0 = time.perf_counter(); algo.fit(ts); secs = time.perf_counter() - t0
    pred = np.array([algo.predict(u, i).est for u, i in zip(test['user'], test['item'])])
    return dict(rmse=float(np.sqrt(np.mean((pred - test['rating'].to_numpy()) ** 2))), fit_s=secs)


def _hp(t:dict|None)->str:
    if not t: return '-'
    out = f"bias ridges {t['bias_reg']:.3g}/{t['bias_reg_books']:.3g} (users/books), l2 {t['l2']:.3g}"
    if t.get('factor_gain') is not None: out += f", factors' validation gain {100 * t['factor_gain']:.2f} %"
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('data', nargs='?', default=str(DEFAULT), help='folder with the real BX-Book-Ratings.csv (default: %(default)s)')
    ap.add_argument('--seed', type=int, default=0, help='seed of the 80/20 split, of bx_rec and of SVD (default 0)')
    ap.add_argument('--test-fraction', type=float, default=0.2)
    ap.add_argument('--min-ratings', type=int, default=5, help='k of the second row (default 5)')
    ap.add_argument('--rows', choices=['all', 'kcore', 'both'], default='both')
    ap.add_argument('--threads', type=int, default=1, help='threads of torch and BLAS, for both libraries (default 1)')
    args = ap.parse_args(argv)
    folder = Path(args.data)
    if not (folder / 'BX-Book-Ratings.csv').is_file():
        print(f"skipped: no BX-Book-Ratings.csv in {folder} (the real Book-Crossing dump is not on this machine; "
              "pass its folder as the first argument)")
        return 0
    for v in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'): os.environ[v] = str(args.threads)
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(REPO)] + [p for p in [os.environ.get('PYTHONPATH')] if p])}
    import torch
    torch.set_num_threads(args.threads)
    df = read_explicit(folder)
    if len(df) != N_EXPLICIT: print(f"note: {len(df):,} explicit ratings, the original dump has {N_EXPLICIT:,}")
    rows = []
    for name in (['all'] if args.rows == 'all' else ['kcore'] if args.rows == 'kcore' else ['all', 'kcore']):
        part = df if name == 'all' else k_core(df, args.min_ratings)
        label = 'all explicit ratings' if name == 'all' else f'users and ISBNs with >= {args.min_ratings} ratings (iterated)'
        train, test = split(part, args.seed, args.test_fraction)
        res = dict(row=label, n=len(part), n_train=len(train), n_test=len(test), n_users=part['user'].nunique(),
                   n_items=part['item'].nunique(), bx=run_cli(train, test, args.seed, env, args.threads),
                   SVD=run_surprise('SVD', train, test, args.seed), BaselineOnly=run_surprise('BaselineOnly', train, test, args.seed))
        rows.append(res)
        b = res['bx']
        print(f"{label}: {len(train):,} train / {len(test):,} test ratings | bx_rec RMSE {b['rmse']:.4f} fit {b['fit_s']:.2f} s "
              f"({_hp(b['tuned'])}) | SVD RMSE {res['SVD']['rmse']:.4f} fit {res['SVD']['fit_s']:.2f} s | "
              f"BaselineOnly RMSE {res['BaselineOnly']['rmse']:.4f} fit {res['BaselineOnly']['fit_s']:.2f} s", flush=True)
    print()
    print(f"Real Book-Crossing dump ({folder}), seeded {1 - args.test_fraction:.0%}/{args.test_fraction:.0%} split (seed {args.seed}); "
          f"test RMSE / fit seconds. {args.threads} thread(s) for both libraries (OMP_NUM_THREADS={args.threads}, "
          f"torch {torch.__version__} with {rows[0]['bx']['threads']} thread(s) in `bx-rec train`); Surprise with default parameters.")
    print()
    print('| rows | train / test ratings | bx_rec defaults (`bx-rec train`) | Surprise SVD | Surprise BaselineOnly | bx_rec fit / SVD fit |')
    print('|---|---|---|---|---|---|')
    for r in rows:
        b, s, o = r['bx'], r['SVD'], r['BaselineOnly']
        print(f"| {r['row']} | {r['n_train']:,} / {r['n_test']:,} | {b['rmse']:.4f} / {b['fit_s']:.2f} s | {s['rmse']:.4f} / {s['fit_s']:.2f} s | "
              f"{o['rmse']:.4f} / {o['fit_s']:.2f} s | {b['fit_s'] / s['fit_s']:.2f}x |")
    print()
    print("bx_rec's hyper-parameters, chosen by `fit` on a 10 % validation split of the train part:")
    for r in rows:
        t = r['bx']['tuned'] or {}
        print(f"- {r['row']}: {_hp(t)}; validation RMSE {r['bx']['val_rmse']:.4f} (biases alone {t.get('bias_val_rmse') or float('nan'):.4f}); "
              f"implicit term {'added' if r['bx']['implicit'] else 'left out'}; `bx-rec train` wall time {r['bx']['wall_s']:.1f} s")
    print()
    print('command: python ' + ' '.join(shlex.quote(a) for a in [str(Path(sys.argv[0]))] + (sys.argv[1:] if argv is None else list(argv))))
    return rows


if __name__ == '__main__':
    sys.exit(0 if main() is not None else 1)

#!/usr/bin/env python
"""MovieLens-100K benchmark: bx_rec's default model against Surprise's SVD (and optionally SVD++) on the
official u1..u5 splits, from one run: test RMSE, MAE and fit time per split and on average.

    python bench/ml100k.py                      # all five splits
    python bench/ml100k.py --splits 1           # quick run on u1 only
    python bench/ml100k.py --with-svdpp         # also Surprise's SVD++ (slow: about a minute per split)
    python bench/ml100k.py --select-epochs      # choose the epoch count on a validation part of each base file
    python bench/ml100k.py --via-cli            # also run `bx-rec train` + `bx-rec evaluate` with default settings
    python bench/ml100k.py --compare-gd         # also the biased model fitted by full-batch AdamW (`--solver gd`)

The data are third-party (GroupLens; no redistribution) and are read at run time from a local folder, by default
`../shared/data/ml-100k` relative to the repository root. If the u1..u5 split files are missing, they are rebuilt
in memory from `u.data` exactly as GroupLens's `mku.sh` does (u{i}.test = lines (i-1)*20000+1 .. i*20000 of u.data,
u{i}.base = the other lines, both sorted by user then item), and checked byte for byte against the published
SHA-256 checksums; nothing is written to disk.

Two bx_rec columns: "ALS alone" fits `bx_rec.als.als_fit` with its defaults on the whole base file (no validation
split, no search, no implicit term); "bx-rec CLI" (--via-cli) runs `bx-rec train` and `bx-rec evaluate` with default
settings exactly as a user would: on a 10 % validation split it chooses the bias ridges (biases-only model) and the
factor ridge (a walk from l2 = 0.16 by factors of 2) and the best epoch, a warm ALS refit on the whole base file
follows, then the implicit-feedback term of `bx_rec.implicit` when the factors earned it on validation; its fit time
covers all of that. All hyper-parameters
were chosen on validation parts carved from the base files only; the test files play no part in any choice. With
`--select-epochs` the "ALS alone" column picks its epoch count on 10 % of the base file, then refits. Both libraries
run single-threaded (`torch.set_num_threads(1)`; Surprise is single-threaded), and bx_rec's predictions are clipped
to the 1-5 scale as Surprise's are.
"""
from __future__ import annotations
import argparse, hashlib, io, shlex, sys, time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path: sys.path.insert(0, str(REPO))

# SHA-256 of the official split files (GroupLens ml-100k; listed in shared/data/README.md)
SPLIT_SHA256 = {
    'u1.base': 'ce253ec86c448b44fb3ba9a30d12dcfc2e9210cbde71efada3730c22e9ac212a',
    'u1.test': '18c6014a4b2c7324f250a63f8904a7b16b2b19f911129e346141507b0cbac950',
    'u2.base': '6c06f0b5df4b256da1a994f3ac66edc8da4d3f09bc9282df6b14d893366d703e',
    'u2.test': '4de658d1e04ed9104629509a2e2528fce833ac8e048280183f1df167632038c3',
    'u3.base': 'afdc155c291c6edc41c0407e39d7462eb98d341e064f0b0a12175b80b3c4af5d',
    'u3.test': '0f548b51c78327de4c156461d3e430b7e5579fe2b5681586a59416e48fd35f6d',
    'u4.base': '219f0f4d40dfe9c5141d425f53fa91ee23ed275f14e280bbf1b50117afb064ca',
    'u4.test': '7c02ad0a1e7ab1083c8b9d4b627203a051dd7b5eab46d99fa44de33470de8db9',
    'u5.base': 'a9574e59ce961eec2121627760b6e9b0974ce1637b3fe69ac32cb14a4bfab485',
    'u5.test': '351cc52e0d15b6c721466276fc24671d40936899e3d01fadeaf312915b8c5634',
}
U_DATA_SHA256 = '06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490'
N_USERS, N_ITEMS = 943, 1682


def _sha(b:bytes)->str: return hashlib.sha256(b).hexdigest()


def _sorted_lines(lines:list)->bytes:
    "Lines sorted by user then item, numerically, as `sort -t<TAB> -k 1,1n -k 2,2n` does"
    key = lambda l: (int(l.split(b'\t')[0]), int(l.split(b'\t')[1]))
    return b''.join(l + b'\n' for l in sorted(lines, key=key))


def mku_split(udata:bytes, i:int)->tuple:
    "(base bytes, test bytes) of split u{i}, rebuilt from the bytes of u.data as GroupLens's mku.sh does"
    lines = udata.rstrip(b'\n').split(b'\n')
    if len(lines) != 100_000: raise ValueError(f"u.data should have 100000 lines, found {len(lines)}")
    lo, hi = (i - 1) * 20_000, i * 20_000
    return _sorted_lines(lines[:lo] + lines[hi:]), _sorted_lines(lines[lo:hi])


def load_split(data_dir:Path, i:int)->tuple:
    "Bytes of u{i}.base and u{i}.test, from the files or rebuilt from u.data; verified against SPLIT_SHA256"
    names = (f'u{i}.base', f'u{i}.test')
    if all((data_dir / n).exists() for n in names):
        out, how = tuple((data_dir / n).read_bytes() for n in names), 'files'
    else:
        ud = data_dir / 'u.data'
        if not ud.exists():
            raise FileNotFoundError(f"neither {names[0]}/{names[1]} nor u.data found in {data_dir}; "
                                    "pass the MovieLens-100K folder as the first argument")
        udata = ud.read_bytes()
        if _sha(udata) != U_DATA_SHA256:
            raise ValueError(f"{ud} has SHA-256 {_sha(udata)}, expected {U_DATA_SHA256}: not the original u.data")
        out, how = mku_split(udata, i), 'rebuilt from u.data'
    for n, b in zip(names, out):
        if _sha(b) != SPLIT_SHA256[n]:
            raise ValueError(f"{n} ({how}) has SHA-256 {_sha(b)}, expected {SPLIT_SHA256[n]}: refusing to benchmark on altered data")
    return out + (how,)


def parse(b:bytes)->np.ndarray:
    "(n, 3) int array user, item, rating of a tab-separated split file"
    return np.loadtxt(io.BytesIO(b), dtype=np.int64, delimiter='\t', usecols=(0, 1, 2))


def rmse(p, r): return float(np.sqrt(np.mean((np.asarray(p, float) - r) ** 2)))
def mae(p, r): return float(np.mean(np.abs(np.asarray(p, float) - r)))


def fit_bx_rec(base:np.ndarray, select_epochs:bool, seed:int)->tuple:
    "bx_rec's default ALS model on a base file: (arrays, seconds, epochs used)"
    from bx_rec.als import als_fit
    from bx_rec.training import PRESET_CONFIGS
    u, b, r = base[:, 0] - 1, base[:, 1] - 1, base[:, 2].astype(np.float32)
    t0 = time.perf_counter()
    epochs = PRESET_CONFIGS['default'].epochs
    if select_epochs:
        hold = np.random.default_rng(seed).random(len(r)) < 0.1
        res = als_fit(u[~hold], b[~hold], r[~hold], N_USERS, N_ITEMS, seed=seed, val=(u[hold], b[hold], r[hold]),
                      epochs=3 * epochs, patience=3, progress=False)
        epochs = res.best_epoch
    res = als_fit(u, b, r, N_USERS, N_ITEMS, seed=seed, epochs=epochs, progress=False)
    return res.arrays, time.perf_counter() - t0, epochs


def run_cli(base_bytes:bytes, test_bytes:bytes, seed:int, extra:list=())->dict:
    "`bx-rec train` (default settings: its own validation split, then a refit) and `bx-rec evaluate` on one split"
    import contextlib, io as _io, json, tempfile
    from bx_rec.cli import main as cli
    with tempfile.TemporaryDirectory() as d:   # the split files live only in this temporary folder
        d = Path(d); (d/'u.base').write_bytes(base_bytes); (d/'u.test').write_bytes(test_bytes)
        def call(*args):
            out = _io.StringIO()
            with contextlib.redirect_stdout(out): rc = cli([str(a) for a in args])
            if rc: raise RuntimeError(f"bx-rec {args[0]} failed with exit status {rc}")
            return json.loads(out.getvalue().strip().splitlines()[-1])
        tr = call('train', '--ratings', d/'u.base', '--format', 'ml100k', '--out', d/'model', '--quiet', '--seed', seed, '--no-ranking', *extra)   # ratings only: the lists' ranking model is bench/topn.py's
        ev = call('evaluate', '--model', d/'model', '--ratings', d/'u.test', '--format', 'ml100k')
    return dict(cli_rmse=ev['rmse'], cli_mae=ev['mae'], cli_fit_s=tr['train_seconds'], cli_val_rmse=tr['val_rmse'],
                cli_best_epoch=tr['best_epoch'], cli_ndcg=ev.get('ndcg@10'), cli_tuned=tr.get('tuned'), cli_implicit=tr.get('implicit'),
                **{f"base_{k}": v['rmse'] for k, v in (ev.get('baselines') or {}).items()})


def run_cli_gd(base_bytes:bytes, test_bytes:bytes, seed:int)->dict:
    "`bx-rec train --solver gd ...` + `bx-rec evaluate`: the biased model fitted by full-batch AdamW"
    return {k.replace('cli_', 'gd_'): v for k, v in run_cli(base_bytes, test_bytes, seed, GD_ARGS).items()}


# The gradient-descent solver on the same biased model: the best of a small grid (lr 0.01/0.03, l2 0.05-1.0,
# dim 24/64) on a 10 % validation part of u1.base only (best validation RMSE 0.9181 vs 0.9162 for the ALS defaults).
GD_ARGS = ['--solver', 'gd', '--dim', 64, '--lr', 0.03, '--l2', 0.2, '--epochs', 1000, '--patience', 30]


def _tuned(row:dict)->str:
    "The ridges `bx-rec train` chose on its validation split, in words"
    t = row.get('cli_tuned')
    if not t: return ''
    return (f", chose bias ridges {t['bias_reg']:.3g}/{t['bias_reg_books']:.3g} (users/books), l2 {t['l2']:.3g}, "
            f"factors' validation gain {100 * (t.get('factor_gain') or 0):.1f} %, implicit term {'added' if row.get('cli_implicit') else 'left out'}")


def fit_surprise(algo_cls, base:np.ndarray, seed:int)->tuple:
    "A Surprise algorithm with default parameters: (algo, seconds)"
    import pandas as pd
    from surprise import Dataset, Reader
    df = pd.DataFrame(dict(user=base[:, 0].astype(str), item=base[:, 1].astype(str), rating=base[:, 2].astype(float)))
    trainset = Dataset.load_from_df(df, Reader(rating_scale=(1, 5))).build_full_trainset()
    algo = algo_cls(random_state=seed)
    t0 = time.perf_counter()
    algo.fit(trainset)
    return algo, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('data', nargs='?', default=str(REPO.parent / 'shared' / 'data' / 'ml-100k'), help='MovieLens-100K folder')
    ap.add_argument('--splits', type=int, default=5, choices=range(1, 6), help='use u1..u<SPLITS> (default 5)')
    ap.add_argument('--with-svdpp', action='store_true', help="also run Surprise's SVD++ (slow)")
    ap.add_argument('--select-epochs', action='store_true', help='pick the epoch count on 10%% of each base file, then refit')
    ap.add_argument('--via-cli', action='store_true', help='also run `bx-rec train` + `bx-rec evaluate` with default settings')
    ap.add_argument('--compare-gd', action='store_true', help='also `bx-rec train --solver gd` (the biased model by AdamW)')
    ap.add_argument('--threads', type=int, default=1, help='torch threads (default 1, like Surprise)')
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args(argv)
    import torch
    from surprise import SVD, SVDpp
    from bx_rec.model import predict_arrays
    from bx_rec.als import ALSConfig
    from bx_rec.training import MFConfig
    torch.set_num_threads(args.threads)
    data_dir = Path(args.data)
    algos = {'SVD': SVD, **({'SVD++': SVDpp} if args.with_svdpp else {})}
    rows = []
    for i in range(1, args.splits + 1):
        bb, tb, how = load_split(data_dir, i)
        base, test = parse(bb), parse(tb)
        tr = test[:, 2].astype(float)
        arrays, secs, ep = fit_bx_rec(base, args.select_epochs, args.seed)
        p = predict_arrays(arrays, test[:, 0] - 1, test[:, 1] - 1, clip=(1, 5))[0]
        row = dict(split=f'u{i}', source=how, epochs=ep, bx_rmse=rmse(p, tr), bx_mae=mae(p, tr), bx_fit_s=secs)
        if args.via_cli: row.update(run_cli(bb, tb, args.seed))
        if args.compare_gd: row.update(run_cli_gd(bb, tb, args.seed))
        for name, cls in algos.items():
            algo, s = fit_surprise(cls, base, args.seed)
            pr = np.array([algo.predict(str(u), str(it)).est for u, it in test[:, :2]])
            row.update({f'{name}_rmse': rmse(pr, tr), f'{name}_mae': mae(pr, tr), f'{name}_fit_s': s})
        rows.append(row)
        print(f"u{i} ({how}): bx_rec RMSE {row['bx_rmse']:.4f} MAE {row['bx_mae']:.4f} fit {secs:.2f} s ({ep} epochs) | "
              + (f"bx-rec CLI RMSE {row['cli_rmse']:.4f} fit {row['cli_fit_s']:.2f} s (val RMSE {row['cli_val_rmse']:.4f}, "
                 f"best epoch {row['cli_best_epoch']}{_tuned(row)}) | " if args.via_cli else '')
              + (f"gd RMSE {row['gd_rmse']:.4f} fit {row['gd_fit_s']:.2f} s (best epoch {row['gd_best_epoch']}) | " if args.compare_gd else '')
              + ' | '.join(f"{n} RMSE {row[n+'_rmse']:.4f} MAE {row[n+'_mae']:.4f} fit {row[n+'_fit_s']:.2f} s" for n in algos),
              flush=True)
    mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0] if k not in ('split', 'source', 'epochs', 'cli_best_epoch', 'cli_ndcg', 'gd_best_epoch', 'gd_ndcg',
                                                                              'cli_tuned', 'cli_implicit', 'gd_tuned', 'gd_implicit')
            and not k.startswith('gd_base_')}
    cols = ([('ALS alone', 'bx')] + ([('bx-rec CLI', 'cli')] if args.via_cli else [])
            + ([('bx-rec CLI --solver gd', 'gd')] if args.compare_gd else []) + [(n, n) for n in algos])
    ratios = [('ALS alone', 'bx')] + ([('bx-rec CLI', 'cli')] if args.via_cli else [])
    head = ('| split | ' + ' | '.join(f'{n} RMSE | {n} MAE | {n} fit (s)' for n, _ in cols)
            + ''.join(f' | fit time {n} / SVD' for n, _ in ratios) + ' |')
    lines = [head, '|' + '---|' * (1 + 3 * len(cols) + len(ratios))]
    for r in rows + [dict(split='**mean**', **mean)]:
        cells = [f"{r[p+'_rmse']:.4f} | {r[p+'_mae']:.4f} | {r[p+'_fit_s']:.2f}" for _, p in cols]
        lines.append(f"| {r['split']} | " + ' | '.join(cells) + ''.join(f" | {r[p+'_fit_s'] / r['SVD_fit_s']:.2f}x" for _, p in ratios) + ' |')
    print()
    print(f"bx_rec defaults: {MFConfig()}, {ALSConfig()}" + (' (epochs selected on validation)' if args.select_epochs else ''))
    print(f"torch {torch.__version__}, {args.threads} thread(s); Surprise SVD/SVD++ with default parameters, random_state={args.seed}")
    print()
    print('\n'.join(lines))
    bases = [k for k in rows[0] if k.startswith('base_')]
    if bases:
        print()
        print('Baselines next to the model (test RMSE from `bx-rec evaluate`, fitted on each base file):')
        print()
        print('| split | ' + ' | '.join(k[5:].replace('_', ' ') for k in bases) + ' | bx-rec CLI |')
        print('|' + '---|' * (len(bases) + 2))
        for r in rows + [dict(split='**mean**', **mean)]:
            print(f"| {r['split']} | " + ' | '.join(f'{r[k]:.4f}' for k in bases) + f" | {r['cli_rmse']:.4f} |")
    print()
    print('command: python ' + ' '.join(shlex.quote(a) for a in [str(Path(sys.argv[0]))] + (sys.argv[1:] if argv is None else list(argv))))
    return rows


if __name__ == '__main__':
    main()

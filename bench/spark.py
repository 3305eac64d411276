#!/usr/bin/env python
"""Spark against in-process training, in one run: test RMSE, NDCG@10 of the lists, fit time, and where Spark's time goes.

    python bench/spark.py                       # MovieLens-100K u1 (+ new readers) and the real Book-Crossing dump (known + new readers)
    python bench/spark.py --only ml100k         # MovieLens-100K only
    python bench/spark.py --only bx-new --seed 1 # another draw of the held-out readers
    python bench/spark.py --lists --only none   # Spark on the whole real dump (--format bx): the Harry Potter and Fellowship lists
    python bench/spark.py --scaling             # synthetic data at 1x, 4x, 16x Book-Crossing size: time and peak memory
    python bench/spark.py --scaling --sizes 1 4 # the sizes that fit in time here

Rows of the quality table, each fitted on the same training part and scored on the same held-out part:

- `in-process`: `bx_rec.pipeline.fit` with the default preset, exactly what `bx-rec train` runs (ridges chosen on a
  10 % validation split, warm ALS refit, the implicit-feedback term when the factors earned it, then the ranking
  model of the lists, its settings chosen by NDCG@10 on a validation split);
- `in-process, no implicit`: the rating model without the implicit-feedback term (and no lists);
- `in-process, rating model on every rating (as Spark)` (`bx` only): the default's rating model learns from the 5/5
  core of Book-Crossing (`--min-user-ratings`/`--min-book-ratings` 5 for bx), Spark's from every rating: this row fits the
  in-process rating model on every rating too, the like-for-like RMSE comparison;
- `spark local[N]`: `bx_rec.spark.train_spark` (damped biases by Spark aggregations, Spark MLlib ALS on the
  residuals, the implicit-feedback term from Spark aggregations with its book-side solve on the driver, and the
  ranking model: MLlib implicit ALS plus item kNN by a join on readers, chosen on a validation split), written as a
  model directory and read back.

Metrics: test RMSE (`evaluate_bundle`), and NDCG@10 of the lists (`evaluate_topn_bundle`, the ranking model over the
whole catalogue, held-out ratings >= the top fifth of the scale relevant) for known readers; for new readers on
`ml100k-new` (10 % of MovieLens-100K's readers held out whole, each folded in from 5 of their ratings, the rest the
test), the same NDCG with `given=5`.

Data: MovieLens-100K's official u1.base / u1.test; `ml100k-new`: u.data split by readers (seeded); `bx` and `bx-new`: the
whole real Book-Crossing dump at full coverage, as `bench/topn.py` reads and splits it (editions merged, no 5/5
filter, every explicit rating and implicit rating-0 row of a known work): `bx` holds 20 % of each reader's explicit
ratings out, `bx-new` holds 1,000 readers out whole and folds each in from 5 of their ratings. Spark reads the training
part as a `bx-rec preprocess` folder (ratings, books and implicit rows in Parquet). `--lists` trains on Spark from the
raw dump itself (`--format bx`, as `bx-rec train --engine spark` does) and prints the lists of the API chapter's
examples with whether they hold. The in-process rows use `--threads` torch threads (default 2), Spark uses
`local[--threads]`: the same cores. The machine's load is printed: compare figures within one run only. The data are
third-party, read at run time from ../shared/data; a missing folder is skipped with a note.

`--scaling` writes synthetic preprocessed folders (a low-rank model with user and book effects on the 1-10 scale;
433k ratings, 78k users, 186k books at 1x, users, books and ratings all times the size factor), and fits each with
each engine in a subprocess of its own, sampling the resident memory of that process and all its children (the Spark
JVM included) every 0.2 s: in-process the rating model alone and the default `bx-rec train` fit (rating model and the
lists' ranking model), Spark the rating model (its lists' search on a cluster is timed by the quality rows above).
"""
from __future__ import annotations
import argparse, dataclasses, functools, json, os, subprocess, sys, tempfile, threading, time
from pathlib import Path

import numpy as np, pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path: sys.path.insert(0, str(REPO))
BX_USERS, BX_BOOKS, BX_RATINGS = 78_000, 186_000, 433_000
LIST_KEYS = ('spark_reg_param', 'reg', 'implicit_weight', 'knn_k', 'knn_shrink', 'beta', 'beta_new', 'reg_new', 'thin_max')   # the lists' settings printed for both engines


def _scores(bundle, test, given:int=0, train=None)->dict:
    """Test RMSE (known readers only) and NDCG@10 of the model's lists and of EASE (the strongest anchor) on `test`.
    With `train` (Interactions: the ratings and implicit rows both engines trained on) the lists are scored on that
    whole catalogue, every anchor trained on the same ratings and implicit rows, as bench/topn.py does: the real dump at
    full coverage. Without it, as `bx-rec evaluate --protocol topn` scores a model directory (its rating model's ratings)."""
    from bx_rec.pipeline import evaluate_bundle, evaluate_topn_bundle, split_given
    from bx_rec.topn import evaluate_topn, EASE, ListsScorer
    out = dict(rmse=float(evaluate_bundle(bundle, test, baselines=False)['rmse']) if not given else float('nan'))
    if bundle.ranking is None: return out
    if train is None: t = evaluate_topn_bundle(bundle, test, given=given)
    else:
        tr, te = train.ratings[['user', 'item', 'rating']], test.ratings[['user', 'item', 'rating']]
        g = None
        if given: g, te = split_given(te, tr['user'], given)
        models = {'EASE (λ 200, 8,000 most-read books)': functools.partial(EASE, lam=200., max_items=8000), 'bx_rec ranking (this model)': ListsScorer.trained(bundle.ranking)}
        t = evaluate_topn(tr, te, models=models, scale=(1., 10.), given=g, implicit=train.implicit)
    t = t.set_index('model')['ndcg@10']
    return dict(out, ndcg=float(t['bx_rec ranking (this model)']), ease=float(t[[m for m in t.index if m.startswith('EASE')][0]]))


def in_process(train, test, threads:int, implicit:bool|None=None, ranking:bool=True, given:int=0, shared:bool=False, **kw)->dict:
    "Fit in this process with the default preset; RMSE and NDCG@10 on `test` of the saved and reloaded model"
    import torch
    from bx_rec.pipeline import fit, save_fit
    from bx_rec.store import load_model_dir
    torch.set_num_threads(threads)
    t0 = time.perf_counter()
    f = fit(train, progress=False, implicit=implicit, ranking=ranking, **kw)   # kw: other `fit_config` settings (min_user_ratings, ...)
    secs = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as d:
        save_fit(Path(d)/'m', f, train)
        sc = _scores(load_model_dir(Path(d)/'m'), test, given, train if shared else None) if test is not None else dict(rmse=float('nan'))
    return dict(sc, val_rmse=f.summary['val_rmse'], seconds=secs, ranking_seconds=f.summary.get('ranking_seconds'),
                dim=f.config.get('dim'), implicit=f.summary['implicit'], ranking=f.summary.get('ranking'))


def on_spark(path:str, fmt:str, test, master:str, given:int=0, train=None, **kw)->dict:
    "Fit with `train_spark`; RMSE and NDCG@10 on `test` of the model directory it wrote (`train`: score the lists on that shared training data, see `_scores`)"
    from bx_rec.spark import train_spark
    from bx_rec.store import load_model_dir
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        s = train_spark(path, fmt, str(Path(d)/'m'), spark_master=master, quiet=True, **kw)
        secs = time.perf_counter() - t0
        sc = _scores(load_model_dir(Path(d)/'m'), test, given, train) if test is not None else dict(rmse=float('nan'))
    return dict(sc, val_rmse=s['val_rmse'], seconds=secs, ranking_seconds=s.get('ranking_seconds'), dim=s['dim'], timings=s['timings'],
                tuned=s['tuned'], implicit=s['implicit'], ranking=s.get('ranking'))


def _f(x, fmt='.4f')->str: return '' if x is None or x != x else format(x, fmt)

def _row(name, r)->str:
    t = r.get('timings')
    split = (f"{t['startup']:.1f} / {t['data_movement']:.1f} / {t.get('bias', 0) + t['refit_bias']:.1f} / {t.get('als', 0) + t['refit_als']:.1f}"
             f" / {t.get('implicit', 0):.1f} / {t.get('ranking', 0):.1f}" if t else '')
    return (f"| {name} | {_f(r['rmse'])} | {_f(r.get('ndcg'))} | {_f(r.get('ease'))} | {_f(r['val_rmse'])} | {r['seconds']:.1f} | "
            f"{_f(r.get('ranking_seconds'), '.1f')} | {split} |")


HEAD = ("| engine | test RMSE | NDCG@10 lists | NDCG@10 EASE (anchor) | val RMSE | fit (s) | of which lists (s) | "
        "Spark: start-up / data movement / biases / ALS / implicit term / lists (s) |\n|---|---|---|---|---|---|---|---|")


def bench_ml100k(ml:Path, threads:int)->list:
    from bx_rec.pipeline import load_interactions
    train, test = load_interactions(ml/'u1.base', 'ml100k'), load_interactions(ml/'u1.test', 'ml100k')
    out = [('in-process', in_process(train, test, threads)), ('in-process, no implicit', in_process(train, test, threads, implicit=False, ranking=False))]
    out.append((f'spark local[{threads}]', on_spark(str(ml/'u1.base'), 'ml100k', test, f'local[{threads}]')))
    return out


def bench_ml100k_new(ml:Path, threads:int, seed:int=0, given:int=5)->list:
    "New readers: 10 % of the readers of u.data held out whole; each folded in from `given` of their ratings"
    from bx_rec.pipeline import load_interactions, Interactions
    full = load_interactions(ml/'u.data', 'ml100k')
    r = full.ratings; users = np.sort(r['user'].astype(str).unique())
    held = set(np.random.default_rng(seed).choice(users, len(users) // 10, replace=False))
    m = r['user'].astype(str).isin(held).to_numpy()
    mk = lambda df: Interactions(df.reset_index(drop=True), full.items, full.aliases, 'ml100k', str(ml/'u.data'), rating_scale=full.rating_scale)
    train, test = mk(r[~m]), mk(r[m])
    print(f"MovieLens-100K new readers: {len(held)} readers held out ({m.sum():,} ratings), {given} given each", flush=True)
    out = [('in-process', in_process(train, test, threads, given=given))]
    with tempfile.TemporaryDirectory() as d:
        cols = {'user': 'user_id', 'item': 'item_id', 'rating': 'rating'}
        r[~m].rename(columns=cols)[list(cols.values())].to_csv(Path(d)/'train.csv', index=False)
        out.append((f'spark local[{threads}]', on_spark(str(Path(d)/'train.csv'), 'csv', test, f'local[{threads}]', given=given,
                                                         user_col='user_id', item_col='item_id', rating_col='rating', rating_scale=(1, 5))))
    return out


@functools.lru_cache(1)   # the known and new rows share one read of the dump
def bx_parts(folder:Path, seed:int=0, new_readers:int=1000, given:int=5)->dict:
    "The real dump at full coverage, split as `bench/topn.py` splits it: known readers (20 % of each reader's ratings held out) and new readers (held out whole)"
    from bx_rec.data import read_raw, preprocess
    from bx_rec.pipeline import _from_preprocessed
    from bx_rec.topn import split_known, split_new_readers
    raw = read_raw(folder); pre = preprocess(raw, min_user_ratings=1, min_book_ratings=1)   # no 5/5 filter: every reader and work
    full = _from_preprocessed(pre, 'bx', str(folder), books=raw.books)
    R, imp = full.ratings, full.implicit
    mk = lambda r, i=None: dataclasses.replace(full, ratings=r.reset_index(drop=True), implicit=i, outside_readers=None)
    tr, te = split_known(R, 0.2, seed=seed)
    ntr, g, held = split_new_readers(R, new_readers, given, seed=seed)
    new = set(g['user']); imp_old = imp[~imp['user'].isin(new)]   # the new readers bring only their given ratings
    print(f"Book-Crossing, whole dump at full coverage: {len(R):,} explicit ratings, {len(imp):,} implicit rows; "
          f"known: train {len(tr):,}, test {len(te):,}; new: {len(new):,} readers held out whole ({given} given each)", flush=True)
    return dict(pre=pre, full=full, known=(mk(tr, imp), mk(te)), new=(mk(ntr, imp_old), mk(pd.concat([g, held]))))


def _preprocessed_folder(d:Path, inter, books:pd.DataFrame)->str:
    "A folder as `bx-rec preprocess` writes it (ratings, books, implicit rows) holding `inter`'s rows: what Spark reads"
    d.mkdir(parents=True, exist_ok=True); r = inter.ratings
    pd.DataFrame({'User-ID': r['user'].astype('int64'), 'Book-ID': r['item'].astype('int64'), 'Book-Rating': r['rating'].astype('int64')}).to_parquet(d/'ratings.parquet', index=False)
    books.to_parquet(d/'books.parquet', index=False)
    if inter.implicit is not None:
        pd.DataFrame({'User-ID': inter.implicit['user'].astype('int64'), 'Book-ID': inter.implicit['item'].astype('int64')}).to_parquet(d/'implicit.parquet', index=False)
    return str(d)


def bench_bx(folder:Path, threads:int, seed:int=0, driver_memory:str|None=None)->list:
    "Known readers of the real dump at full coverage: in-process default and Spark on the same training part"
    parts = bx_parts(folder, seed); train, test = parts['known']
    out = [('in-process', in_process(train, test, threads, shared=True)), ('in-process, no implicit', in_process(train, test, threads, implicit=False, ranking=False)),
           ('in-process, rating model on every rating (as Spark)', in_process(train, test, threads, ranking=False, min_user_ratings=1, min_book_ratings=1))]
    with tempfile.TemporaryDirectory() as d:
        out.append((f'spark local[{threads}]', on_spark(_preprocessed_folder(Path(d)/'pre', train, parts['pre'].books), 'preprocessed', test,
                                                         f'local[{threads}]', train=train, driver_memory=driver_memory)))
    return out


def bench_bx_new(folder:Path, threads:int, seed:int=0, given:int=5, driver_memory:str|None=None)->list:
    "New readers of the real dump (held out whole, folded in from `given` ratings): in-process default and Spark on the same training part"
    parts = bx_parts(folder, seed, given=given); train, test = parts['new']
    out = [('in-process', in_process(train, test, threads, given=given, shared=True))]
    with tempfile.TemporaryDirectory() as d:
        out.append((f'spark local[{threads}]', on_spark(_preprocessed_folder(Path(d)/'pre', train, parts['pre'].books), 'preprocessed', test,
                                                         f'local[{threads}]', given=given, train=train, driver_memory=driver_memory)))
    return out


def lists_check(folder:Path, threads:int)->bool:
    "Train on Spark from the whole real dump, as `bx-rec train --engine spark --format bx` does, and check the lists a reader sees (the examples of the API chapter's slow test)"
    from bx_rec.spark import train_spark
    from bx_rec.api import load
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter(); peak = _Peak()
        s = train_spark(str(folder), 'bx', str(Path(d)/'m'), spark_master=f'local[{threads}]', quiet=True)
        secs = time.perf_counter() - t0; gb = peak.stop()
        m = load(Path(d)/'m')
        rings = m.recommend(likes={'The Fellowship of the Ring': 10, 'The Two Towers': 9}, k=10)
        hp = m.similar("Harry Potter and the Sorcerer's Stone", k=10)
    top5 = ' | '.join(rings['Book-Title'].head(5)); ok = ('The Return of the King' in top5 and 'The Hobbit' in top5, bool(hp['Book-Title'].head(3).str.contains('Harry Potter').all()))
    print(f"\nSpark local[{threads}] on the whole real dump (--format bx, driver memory {s.get('driver_memory')}): {secs:.1f} s, peak RSS of this process and the JVM {gb:.2f} GB; "
          f"{s['n_users']:,} readers and {s['n_items']:,} works get lists (rating model: {s.get('n_users_rating_model', s['n_users']):,} readers, "
          f"{s.get('n_items_rating_model', s['n_items']):,} works); lists: {json.dumps({k: s['ranking'].get(k) for k in LIST_KEYS})}")
    print(f"\nA new reader: The Fellowship of the Ring = 10, The Two Towers = 9 (top 5 must hold The Return of the King and The Hobbit: {'yes' if ok[0] else 'NO'})")
    print(rings[['Book-Title', 'Book-Author', 'readers']].to_string())
    print(f"\nNearest books to Harry Potter and the Sorcerer's Stone (top 3 must be Harry Potter books: {'yes' if ok[1] else 'NO'})")
    print(hp[['Book-Title', 'Book-Author', 'readers']].to_string(), flush=True)
    return all(ok)


class _Peak:
    "Peak resident memory of a process (default: this one) and its children (the Spark JVM), sampled every 0.2 s until `stop`"
    def __init__(self, pid:int|None=None):
        self.pid, self.peak, self._done = pid or os.getpid(), 0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True); self._t.start()
    def _run(self):
        while not self._done.wait(0.2): self.peak = max(self.peak, _tree_rss(self.pid))
    def stop(self)->float:
        "GB"
        self._done.set(); self._t.join(); return self.peak / 2**30


# ---------------------------------------------------------------- scaling

def synthetic_folder(out:Path, factor:float, seed:int=0)->dict:
    "Write a synthetic preprocessed folder of `factor` times Book-Crossing's size; return its sizes"
    rng = np.random.default_rng(seed)
    nu, ni, n = int(BX_USERS * factor), int(BX_BOOKS * factor), int(BX_RATINGS * factor)
    act = rng.pareto(1.2, nu) + 1; pop = rng.pareto(1.0, ni) + 1      # heavy-tailed activity and popularity
    u = rng.choice(nu, int(n * 1.15), p=act / act.sum()); i = rng.choice(ni, len(u), p=pop / pop.sum())
    key = np.unique(u.astype(np.int64) * ni + i)[:n]
    rng.shuffle(key); key = key[:n]
    u, i = (key // ni).astype(np.int64), (key % ni).astype(np.int64)
    P, Q = rng.normal(0, .6, (nu, 4)), rng.normal(0, .6, (ni, 4))
    r = 7.6 + rng.normal(0, .8, nu)[u] + rng.normal(0, .8, ni)[i] + (P[u] * Q[i]).sum(1) + rng.normal(0, 1.2, len(u))
    r = np.clip(np.round(r), 1, 10).astype(np.int64)
    out.mkdir(parents=True, exist_ok=True)
    isbn = np.char.add('S', i.astype(str))
    pd.DataFrame({'User-ID': u + 1, 'Book-ID': i, 'Book-Rating': r, 'ISBN': isbn}).to_parquet(out/'ratings.parquet', index=False)
    ids = np.unique(i)
    pd.DataFrame({'Book-ID': ids, 'ISBN': np.char.add('S', ids.astype(str)), 'ISBNs': np.char.add('S', ids.astype(str)),
                  'Book-Title': np.char.add('Title ', ids.astype(str)), 'Book-Author': 'Author'}).to_parquet(out/'books.parquet', index=False)
    return dict(ratings=len(u), users=len(np.unique(u)), books=len(ids))


def _tree_rss(pid:int)->int:
    "Resident bytes of a process and all its descendants (Linux /proc)"
    kids, total = {}, 0
    for p in Path('/proc').iterdir():
        if p.name.isdigit():
            try: kids.setdefault(int((p/'stat').read_text().rsplit(')', 1)[1].split()[1]), []).append(int(p.name))
            except (OSError, IndexError, ValueError): pass
    todo = [pid]
    while todo:
        q = todo.pop(); todo += kids.get(q, [])
        try:
            for line in Path(f'/proc/{q}/status').read_text().splitlines():
                if line.startswith('VmRSS:'): total += int(line.split()[1]) * 1024
        except OSError: pass
    return total


def run_measured(args:list, timeout:float)->tuple:
    "(JSON printed by the subprocess, peak resident memory of its process tree in bytes, wall seconds, the last line of its error output)"
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors='replace',
                         env={**os.environ, 'OMP_WAIT_POLICY': 'PASSIVE'})
    peak = _Peak(p.pid)
    try: out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill(); p.communicate()
        return None, int(peak.stop() * 2**30), time.perf_counter() - t0, ''
    lines = [l for l in out.splitlines() if l.startswith('{')]
    why = '' if p.returncode == 0 else f"exit status {p.returncode}: " + next((l.strip() for l in reversed(err.splitlines()) if l.strip()), 'no error output')
    return (json.loads(lines[-1]) if p.returncode == 0 and lines else None), int(peak.stop() * 2**30), time.perf_counter() - t0, why[:300]


def _worker(engine:str, folder:str, threads:int):
    "Subprocess entry of --scaling: fit one engine on one folder, print a JSON line"
    if engine in ('inproc', 'inproc-lists'):   # the rating model only, or the default (rating model, implicit term where it earns it, lists)
        from bx_rec.pipeline import Interactions
        df = pd.read_parquet(Path(folder)/'ratings.parquet')
        inter = Interactions(pd.DataFrame({'user': df['User-ID'].astype(str), 'item': df['Book-ID'].astype(str),
                                           'rating': df['Book-Rating'].astype(np.float32)}), rating_scale=(1., 10.))
        r = in_process(inter, None, threads, implicit=None if engine == 'inproc-lists' else False, ranking=engine == 'inproc-lists')
    else:   # Spark: the rating model alone, or the default (rating model, implicit term, lists)
        from bx_rec.spark import SparkConfig
        r = on_spark(folder, 'preprocessed', None, f'local[{threads}]', driver_memory='6g',
                     cfg=SparkConfig() if engine == 'spark-lists' else SparkConfig(ranking=None, implicit=None))
    print(json.dumps({k: v for k, v in r.items() if k in ('seconds', 'val_rmse', 'timings')}))


ENGINES = {'inproc': 'in-process, rating model', 'inproc-lists': 'in-process, default (rating model + lists)', 'spark': 'spark, rating model',
           'spark-lists': 'spark, default (rating model + lists)'}

def scaling(sizes:list, threads:int, timeout:float, engines:list=tuple(ENGINES)):
    print("| size | ratings | users | books | engine | fit (s) | peak memory (GB) | GB per million ratings | val RMSE |\n|---|---|---|---|---|---|---|---|---|", flush=True)
    for f in sizes:
        with tempfile.TemporaryDirectory() as d:
            info = synthetic_folder(Path(d)/'pre', f)
            for engine in engines:
                name = ENGINES[engine] + (f' ({threads} threads)' if not engine.startswith('spark') else f' (local[{threads}])')
                r, peak, wall, why = run_measured(['--_worker', engine, str(Path(d)/'pre'), '--threads', str(threads)], timeout)
                fit_s = f"{r['seconds']:.1f}" if r else f"> {timeout:.0f} (stopped)" if wall >= timeout else 'failed'
                vr = f"{r['val_rmse']:.4f}" if r else '-'
                per = f"{peak / 2**30 / (info['ratings'] / 1e6):.2f}" if r else '-'
                print(f"| {f:g}x | {info['ratings']:,} | {info['users']:,} | {info['books']:,} | {name} | {fit_s} | {peak / 2**30:.2f} | {per} | {vr} |", flush=True)
                if why: print(f"{f:g}x {name} failed after {wall:.0f} s ({why})", file=sys.stderr, flush=True)


def summarize(table:str, ram_gb:float=24.)->list:
    "Lines for a scaling table (the markdown `scaling` prints): per engine, the memory each further million ratings costs (slope between the smallest and largest size it finished) and the ratings at which `ram_gb` would run out, extrapolated linearly"
    rows = [[c.strip() for c in l.strip().strip('|').split('|')] for l in table.splitlines() if l.startswith('| ') and 'x |' in l]
    out = []
    for eng in dict.fromkeys(r[4] for r in rows):
        ok = [(int(r[1].replace(',', '')) / 1e6, float(r[6])) for r in rows if r[4] == eng and not r[5].startswith(('>', 'failed'))]
        if len(ok) < 2: out.append(f"- {eng}: finished at {len(ok)} size(s), no slope"); continue
        (n0, g0), (n1, g1) = ok[0], ok[-1]; slope = (g1 - g0) / (n1 - n0)
        out.append(f"- {eng}: {slope:.2f} GB per further million ratings ({n0:.2f}M -> {n1:.2f}M ratings: {g0:.2f} -> {g1:.2f} GB); "
                   f"{ram_gb:g} GB would run out near {n0 + (ram_gb - g0) / slope:.0f} million ratings (linear extrapolation)")
    return out

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--only', choices=['ml100k', 'ml100k-new', 'bx', 'bx-new', 'none'], nargs='+', help='these data sets only (none: only --lists)')
    ap.add_argument('--lists', action='store_true', help='also train on Spark from the whole real dump (--format bx) and check the Harry Potter and Fellowship lists')
    ap.add_argument('--seed', type=int, default=0, help='seed of the held-out readers and ratings of ml100k-new, bx and bx-new (default 0; ml100k is the official u1 split)')
    ap.add_argument('--threads', type=int, default=2, help='torch threads in-process and local[N] for Spark (default 2)')
    ap.add_argument('--scaling', action='store_true', help='the scaling curve on synthetic data instead')
    ap.add_argument('--sizes', type=float, nargs='+', default=[1, 4, 16], help='size factors of --scaling (default 1 4 16)')
    ap.add_argument('--timeout', type=float, default=1800, help='seconds per fit in --scaling before it is stopped')
    ap.add_argument('--engines', nargs='+', choices=list(ENGINES), default=['inproc', 'inproc-lists', 'spark'], help='engines of --scaling (default: all but spark-lists, the slowest)')
    ap.add_argument('--summarize', metavar='FILE', help='print the memory slope and the 24 GB run-out size of a saved --scaling table, and stop')
    ap.add_argument('--_worker', nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    from bx_rec.threads import passive_wait
    passive_wait()
    if a._worker: return _worker(a._worker[0], a._worker[1], a.threads)
    if a.summarize: print('\n'.join(summarize(Path(a.summarize).read_text()))); return 0
    from bx_rec.spark import spark_missing
    if spark_missing(): print(f"note: {spark_missing()}; nothing to compare"); return 0
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; threads {a.threads}", flush=True)
    if a.scaling: return scaling(a.sizes, a.threads, a.timeout, a.engines)
    from bx_rec.data import shared_data_dir
    data = shared_data_dir(REPO) or Path('/nonexistent')
    runs = (('ml100k', data/'ml-100k', bench_ml100k), ('ml100k-new', data/'ml-100k', bench_ml100k_new),
            ('bx', data/'book-crossing'/'full', bench_bx), ('bx-new', data/'book-crossing'/'full', bench_bx_new))
    for name, path, fn in runs:
        if a.only and name not in a.only: continue
        if not path.is_dir(): print(f"note: {path} not found; {name} skipped"); continue
        rows = fn(path, a.threads) if name == 'ml100k' else fn(path, a.threads, seed=a.seed)
        print(f"\n{name}: {path}\n{HEAD}"); print('\n'.join(_row(n, r) for n, r in rows))
        best = rows[0][1]; sp = rows[-1][1]
        print(f"spark - in-process: test RMSE {sp['rmse'] - best['rmse']:+.4f}, NDCG@10 {sp.get('ndcg', float('nan')) - best.get('ndcg', float('nan')):+.4f} "
              f"({(sp.get('ndcg', float('nan')) / best.get('ndcg', float('nan')) - 1) * 100:+.1f} %); implicit term: {sp['implicit']}; chosen: {sp['tuned']}; "
              f"lists: {json.dumps({k: sp['ranking'].get(k) for k in LIST_KEYS}) if sp.get('ranking') else None}; "
              f"in-process lists: {json.dumps({k: best['ranking'].get(k) for k in LIST_KEYS}) if best.get('ranking') else None}; timings: {sp['timings']}", flush=True)
    if a.lists:
        path = data/'book-crossing'/'full'
        if path.is_dir(): lists_check(path, a.threads)
        else: print(f"note: {path} not found; --lists skipped")
    return 0


if __name__ == '__main__': sys.exit(main())

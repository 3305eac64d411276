"""Top-N table of issue #16 (item 3): bx_rec's ranking model against tuned popularity, item-kNN, RP3beta, PureSVD and EASE, at full coverage, in one run.

Rows: ML-100K u1 known readers (u1.base -> u1.test); ML-100K 200 new readers folded in from 5 ratings; real Book-Crossing
known readers (20% of each reader's explicit ratings held out); real BX new readers folded in from 5 ratings.
Full coverage: the BX input is the whole dump after the reader's cleaning and edition merging, with no 5/5 filter
(`preprocess(raw, 1, 1)`): every explicit rating of a known work, and every implicit (rating-0) row of a known work. Every
model, anchors included, trains on the same explicit ratings and implicit rows; every reader of the test split with a
relevant held-out book (>= 4 of 5 ML, >= 8 of 10 BX) in the catalogue is scored; a reader a model gives no list scores 0.
Each anchor is tuned on the validation split of its row's training data (bx_rec.topn.tuned_models: 20% of each reader's
ratings, at most 2,000 validation readers, validation NDCG@10), then refitted on all of it and scored on the test split once.
The ranking model (bx_rec.ranking.fit_ranking) runs its own search on its own validation split of the same training data.

Usage: python bench/topn.py [--threads 1] [--out bench/topn.md] [--skip-bx] [--bx-new 1000] [--max-items 8000] [--lists]
"""
import argparse, os, resource, sys, time
from pathlib import Path
import numpy as np, pandas as pd

def bx_full(folder):
    "The whole real dump: explicit ratings and implicit rows of known works (str user = User-ID, item = Book-ID), no 5/5 filter"
    from bx_rec.data import read_raw, preprocess, interactions_from_preprocessed
    raw = read_raw(folder); pre = preprocess(raw, min_user_ratings=1, min_book_ratings=1)
    R = interactions_from_preprocessed(pre)[['user', 'item', 'rating']]
    imp = pd.DataFrame({'user': pre.implicit['User-ID'].astype(str).to_numpy(), 'item': pre.implicit['Book-ID'].astype(str).to_numpy()})
    return R, imp, pre

def most_rated(books:pd.DataFrame, counts:pd.Series, title:str)->str:
    "Book-ID (str) of the most-rated work whose title starts with `title`"
    from bx_rec.data import text_key
    key = text_key(title); hit = books[[text_key(t).startswith(key) for t in books['Book-Title']]]
    if len(hit) == 0: raise KeyError(f"no work titled {title!r}")
    ids = hit['Book-ID'].astype(str)
    return ids.iloc[int(np.argmax(counts.reindex(ids).fillna(0).to_numpy()))]

def markdown(df:pd.DataFrame, index:bool=True)->str:
    "A DataFrame as a Markdown table (floats with 4 decimals)"
    df = df.reset_index() if index else df
    fmt = lambda v, c: ('' if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.1f}" if 's' in str(c).split() or c == 'seconds' and isinstance(v, float)
                        else f"{v:.4f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, (int, np.integer)) else str(v))
    return '\n'.join(['| ' + ' | '.join(map(str, df.columns)) + ' |', '|' + '---|' * len(df.columns)] +
                     ['| ' + ' | '.join(fmt(v, c) for v, c in zip(r, df.columns)) + ' |' for r in df.itertuples(index=False)])

def run_row(name, train, test, scale, seed, max_items, given=None, implicit=None, ranking=True):
    "Tune the anchors on `train`'s validation split, then fit every model on `train` and score `test` once"
    from bx_rec.topn import tuned_models, evaluate_topn
    print(f"== {name}: {len(train):,} ratings" + (f", {len(implicit):,} implicit rows" if implicit is not None else ''), flush=True)
    t = time.time(); models, tab = tuned_models(train, implicit, scale=scale, seed=seed, max_items=max_items, ranking=ranking); tune_s = time.time() - t
    t = time.time(); res = evaluate_topn(train, test, models, scale=scale, given=given, implicit=implicit, seed=seed); eval_s = time.time() - t
    print(res.to_string(index=False), flush=True)
    return res.assign(row=name), tab.assign(row=name), f"{name}: tuning {tune_s:.0f}s, fits and scoring {eval_s:.0f}s"

def lists_demo(R, imp, pre, seed, threads)->list:
    "The default ranking model on all BX data: a new reader's list, nearest books, latency"
    from bx_rec.ranking import fit_ranking
    t = time.time(); m = fit_ranking(R, imp, scale=(1, 10), seed=seed, progress=False); fit_s = time.time() - t
    books = pre.books.assign(key=pre.books['Book-ID'].astype(str)).set_index('key')
    counts = R['item'].value_counts(); idx = pd.Index(m.item_ids)
    title = lambda i: f"{books.loc[m.item_ids[i], 'Book-Title']} ({books.loc[m.item_ids[i], 'Book-Author']})" if m.item_ids[i] in books.index else str(m.item_ids[i])
    fo, tt = (idx.get_loc(most_rated(pre.books, counts, s)) for s in ('The Fellowship of the Ring', 'The Two Towers'))
    st = m.fold_in([fo, tt], [10, 9]); items, _ = m.recommend_folded(st, 10)
    lines = ['', f"New reader: {title(fo)} = 10, {title(tt)} = 9. Top 10:"] + [f"{r:2}. {title(i)}" for r, i in enumerate(items, 1)]
    hp = idx.get_loc(most_rated(pre.books, counts, "Harry Potter and the Sorcerer's Stone"))
    items, _ = m.similar(hp, 10); lines += ['', f"Nearest books to {title(hp)}:"] + [f"{r:2}. {title(i)}" for r, i in enumerate(items, 1)]
    rng = np.random.default_rng(seed); q = rng.choice(len(m.item_ids), 1000, replace=False); ts = []
    for i in q: s = time.perf_counter(); m.similar(int(i), 10); ts.append(time.perf_counter() - s)
    users = rng.choice(len(m.user_ids), min(10_000, len(m.user_ids)), replace=False)
    s = time.perf_counter(); m.recommend(users, 10); rec_s = time.perf_counter() - s
    return lines + ['', f"Default model on all BX data: {m}; fit {fit_s:.1f}s ({threads} thread(s))",
                    f"Latency ({threads} thread(s)): nearest books p50 {np.median(ts)*1e3:.2f} ms, p95 {np.percentile(ts, 95)*1e3:.2f} ms over 1000 queries; "
                    f"top-10 for {len(users):,} readers {rec_s:.2f} s"]

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--threads', type=int, default=1); p.add_argument('--out', default='bench/topn.md')
    p.add_argument('--skip-bx', action='store_true'); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--bx-new', type=int, default=1000, help='BX readers held out whole and folded in from 5 ratings')
    p.add_argument('--max-items', type=int, default=8000, help="EASE's cut: the dense inverse covers the most-read books only")
    p.add_argument('--no-ranking', action='store_true', help='anchors only'); p.add_argument('--lists', action='store_true', help='also the default model on all BX data: lists, latency')
    a = p.parse_args(argv)
    for v in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'): os.environ.setdefault(v, str(a.threads))
    import torch; torch.set_num_threads(a.threads)
    try:
        from threadpoolctl import threadpool_limits; threadpool_limits(a.threads)
    except ImportError: pass
    from bx_rec.data import shared_data_dir, read_ml100k
    from bx_rec.topn import split_known, split_new_readers
    data = shared_data_dir()
    if data is None: sys.exit("bench/topn.py: shared data folder not found (../shared/data); nothing to measure")
    t0, res, tabs, lines, demo, rk = time.time(), [], [], [], [], not a.no_ranking
    def add(out): res.append(out[0]); tabs.append(out[1]); lines.append(out[2])
    ml = Path(data)/'ml-100k'
    base, test, full = read_ml100k(ml/'u1.base'), read_ml100k(ml/'u1.test'), read_ml100k(ml/'u.data')
    add(run_row('ML-100K u1, known readers', base, test, (1, 5), a.seed, a.max_items, ranking=rk))
    tr, given, held = split_new_readers(full, 200, 5, seed=a.seed)
    tr = tr.merge(base[['user', 'item']], on=['user', 'item'])   # the other readers' u1.base ratings
    add(run_row('ML-100K, 200 new readers (5 ratings given)', tr, held, (1, 5), a.seed, a.max_items, given=given, ranking=rk))
    sizes = [f"ML-100K: {len(full):,} ratings, {full['user'].nunique():,} readers, {full['item'].nunique():,} movies"]
    if not a.skip_bx:
        t = time.time(); R, imp, pre = bx_full(Path(data)/'book-crossing'/'full')
        sizes.append(f"real BX (whole dump, editions merged, no 5/5 filter): {len(R):,} explicit ratings and {len(imp):,} implicit rows; "
                     f"{pd.concat([R['user'], imp['user']]).nunique():,} readers, {pd.concat([R['item'], imp['item']]).nunique():,} works ({time.time() - t:.0f}s to read)")
        print(sizes[-1], flush=True)
        tr, te = split_known(R, 0.2, seed=a.seed)
        add(run_row('real BX, known readers (20% held out)', tr, te, (1, 10), a.seed, a.max_items, implicit=imp, ranking=rk))
        tr, given, held = split_new_readers(R, a.bx_new, 5, seed=a.seed)
        imp_old = imp[~imp['user'].isin(set(given['user']))]   # the new readers bring only their 5 given ratings, to tuning too
        add(run_row(f'real BX, {a.bx_new:,} new readers (5 ratings given)', tr, held, (1, 10), a.seed, a.max_items, given=given, implicit=imp_old, ranking=rk))
        if a.lists: demo += lists_demo(R, imp, pre, a.seed, a.threads)
    allt = pd.concat(res, ignore_index=True); tab = pd.concat(tabs, ignore_index=True)
    piv = allt.pivot_table(index='row', columns='model', values='ndcg@10', sort=False)
    readers = allt.groupby('row', sort=False)['readers'].first()
    piv.insert(0, 'readers scored', readers.reindex(piv.index).astype(int))
    metrics = [c for c in allt.columns if '@' in c]
    best = tab.loc[tab.groupby(['row', 'anchor'], sort=False)['val_ndcg@10'].idxmax()]
    wall = time.time() - t0
    cmd = 'python bench/topn.py' + (' ' + ' '.join(sys.argv[1:]) if argv is None and len(sys.argv) > 1 else '')
    md = ["# Top-N at full coverage, NDCG@10", '',
          f"`{cmd}`: one run, {a.threads} thread(s) (torch, BLAS), seed {a.seed}, wall time {wall:.0f} s. "
          f"Anchors tuned on each row's validation split, the test split scored once; EASE cut to the {a.max_items:,} most-read books.", '',
          markdown(piv), '', *[f"- {s}" for s in sizes], '',
          '## Every metric at 10', '',
          *sum([[f"### {r}", '', markdown(allt[allt.row == r][['model', *metrics, 'readers', 'no_list', 'seconds', 'setting', 'note']], index=False), '']
                for r in piv.index], []),
          '## Settings chosen on validation (NDCG@10 on the validation readers)', '',
          markdown(best.assign(setting=[', '.join(f"{k}={r[k]:g}" for k in ('k', 'shrink', 'alpha', 'beta', 'rank', 'lam') if k in r and pd.notna(r[k])) for _, r in best.iterrows()])
                   [['row', 'anchor', 'setting', 'val_ndcg@10', 'seconds']].rename(columns={'seconds': 'tuning s'}), index=False), '',
          "Grids: `bx_rec.topn.ANCHOR_GRIDS`; the ranking model's own search runs inside `fit_ranking`.", '',
          '## Time', '', *[f"- {l}" for l in lines], *demo, '', f"Total {wall:.0f} s ({a.threads} thread(s)), peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.1f} GB"]
    print('\n'.join(md)); Path(a.out).write_text('\n'.join(md) + '\n')

if __name__ == '__main__': main()

"""Top-N table of issue #11: bx_rec's ranking model against popularity, item-kNN, PureSVD and EASE, in one run.

Rows: ML-100K u1 known readers (u1.base -> u1.test), ML-100K 200 new readers folded in from 5 ratings,
real Book-Crossing known readers (20% of each reader's explicit ratings held out), real BX 180 new readers from 5 ratings.
Relevant = held-out rating >= 4 of 5 (ML) / >= 8 of 10 (BX); NDCG@10 etc. over readers with a relevant held-out book;
every model ranks every catalogue book the reader has not rated (nor, on BX, read: implicit rows).
BX protocol: `preprocess` defaults (readers and works with >= 5 explicit ratings); implicit (rating-0) rows of catalogue
works are training data for the ranking model only, never test data; anchors see the explicit ratings only.
The ranking model picks its hyper-parameters on a validation split carved from each training part (inside `fit_ranking`).

Usage: OMP_NUM_THREADS=1 python bench/topn.py [--threads 1] [--out bench/topn.md] [--skip-bx] [--old-fit PATH/TO/old_ranking.py]
The first (slow) fit, to time it in the same run: git show 4dc435b:bx_rec/ranking.py | sed 's/from .data import/from bx_rec.data import/' > /tmp/ranking_old.py
"""
import argparse, json, sys, time
from pathlib import Path
import numpy as np, pandas as pd

def bx_implicit(raw, pre)->pd.DataFrame:
    "Rating-0 rows of catalogue works: user = str(User-ID), item = str(Book-ID) (uses Preprocessed.implicit when present)"
    imp = getattr(pre, 'implicit', None)
    if imp is None:
        from bx_rec.data import assign_book_ids
        bid = pd.Series(assign_book_ids(raw.books), index=pd.Index(raw.books['ISBN'].to_numpy(dtype=object)))
        r = raw.ratings[raw.ratings['Book-Rating'] == 0]
        pos = bid.index.get_indexer(r['ISBN'].to_numpy(dtype=object))
        imp = pd.DataFrame({'User-ID': r['User-ID'].to_numpy()[pos >= 0], 'Book-ID': bid.to_numpy()[pos[pos >= 0]]})
    imp = imp[imp['Book-ID'].isin(pre.books['Book-ID'])]
    return pd.DataFrame({'user': imp['User-ID'].astype(str).to_numpy(), 'item': imp['Book-ID'].astype(str).to_numpy()}).drop_duplicates()

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
    fmt = lambda v: f"{v:.4f}" if isinstance(v, float) else str(v)
    return '\n'.join(['| ' + ' | '.join(map(str, df.columns)) + ' |', '|' + '---|' * len(df.columns)] +
                     ['| ' + ' | '.join(fmt(v) for v in r) + ' |' for r in df.itertuples(index=False)])

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--threads', type=int, default=1); p.add_argument('--out', default='bench/topn.md')
    p.add_argument('--skip-bx', action='store_true'); p.add_argument('--old-fit', default=None, help='a copy of an older ranking.py to time in the same run'); p.add_argument('--seed', type=int, default=0)
    a = p.parse_args(argv)
    import torch; torch.set_num_threads(a.threads)
    from bx_rec.data import shared_data_dir, read_ml100k, read_raw, preprocess, interactions_from_preprocessed
    from bx_rec.topn import evaluate_topn, default_models, split_known, split_new_readers
    from bx_rec.ranking import fit_ranking
    data = shared_data_dir()
    if data is None: sys.exit("bench/topn.py: shared data folder not found (../shared/data); nothing to measure")
    t0, tables, lines = time.time(), [], []
    def row(name, df):
        df = df.assign(row=name); tables.append(df); print(df.drop(columns=['row']).to_string(index=False), flush=True)
    ml = Path(data)/'ml-100k'
    base, test, full = read_ml100k(ml/'u1.base'), read_ml100k(ml/'u1.test'), read_ml100k(ml/'u.data')
    t = time.time(); fit_ranking(base, scale=(1, 5), seed=a.seed, progress=False); ml_fit_s = time.time() - t
    lines += ['', f"Ranking fit (search + final), {a.threads} thread(s): ML-100K u1.base {ml_fit_s:.1f}s"]
    print(lines[-1], flush=True)
    print('== ML-100K u1, known readers'); row('ML-100K u1, known readers (u1.test)', evaluate_topn(base, test, default_models(500.), scale=(1, 5), seed=a.seed))
    tr, given, held = split_new_readers(full, 200, 5, seed=a.seed)
    tr = tr.merge(base[['user', 'item']], on=['user', 'item'])   # the other readers' u1.base ratings
    print('== ML-100K, 200 new readers'); row('ML-100K, 200 new readers from 5 ratings', evaluate_topn(tr, held, default_models(500.), scale=(1, 5), given=given, seed=a.seed))
    if not a.skip_bx:
        t = time.time(); raw = read_raw(Path(data)/'book-crossing'/'full'); pre = preprocess(raw)
        R = interactions_from_preprocessed(pre)[['user', 'item', 'rating']]; imp = bx_implicit(raw, pre)
        print(f"BX: {len(R):,} explicit ratings, {R['user'].nunique():,} readers, {R['item'].nunique():,} works; {len(imp):,} implicit rows of catalogue works ({time.time() - t:.0f}s)")
        tr, te = split_known(R, 0.2, seed=a.seed)
        print('== BX known readers'); row('real BX, known readers (20% held out)', evaluate_topn(tr, te, default_models(200.), scale=(1, 10), implicit=imp, seed=a.seed))
        tr, given, held = split_new_readers(R, 180, 5, seed=a.seed)
        print('== BX new readers'); row('real BX, 180 new readers from 5 ratings', evaluate_topn(tr, held, default_models(200.), scale=(1, 10), given=given, implicit=imp, seed=a.seed))
        # the default model on everything, its lists and its latency
        t = time.time(); m = fit_ranking(R, imp, scale=(1, 10), seed=a.seed); fit_s = time.time() - t
        print(f"ranking fit on all BX data {fit_s:.1f}s", flush=True)
        if a.old_fit:   # the previous fit (git HEAD~ before the speed-up), same run, same threads: the speed ratio
            import importlib.util; spec = importlib.util.spec_from_file_location('ranking_old', a.old_fit)
            old = importlib.util.module_from_spec(spec); spec.loader.exec_module(old)
            t = time.time(); mo = old.fit_ranking(R, imp, scale=(1, 10), seed=a.seed, progress=False); old_s = time.time() - t
            lines += ['', f"Old fit ({a.old_fit}) on all BX data, same run: {old_s:.1f}s (chose {json.dumps({k: mo.config[k] for k in ('reg', 'implicit_weight', 'beta')})}); "
                      f"new/old time ratio {fit_s / old_s:.3f}"]
        books = pre.books.assign(key=pre.books['Book-ID'].astype(str)).set_index('key')
        counts = R['item'].value_counts(); idx = pd.Index(m.item_ids)
        title = lambda i: f"{books.loc[m.item_ids[i], 'Book-Title']} ({books.loc[m.item_ids[i], 'Book-Author']})"
        fo, tt = (idx.get_loc(most_rated(pre.books, counts, s)) for s in ('The Fellowship of the Ring', 'The Two Towers'))
        st = m.fold_in([fo, tt], [10, 9]); items, _ = m.recommend_folded(st, 10)
        lines += ['', f"New reader: {title(fo)} = 10, {title(tt)} = 9. Top 10:"]
        for r, i in enumerate(items, 1):
            why = m.explain(st, i, top=1); lines.append(f"{r:2}. {title(i)}  (because of {books.loc[m.item_ids[why['item'].iloc[0]], 'Book-Title']}: {why['share'].iloc[0]:.0%})")
        hp = idx.get_loc(most_rated(pre.books, counts, "Harry Potter and the Sorcerer's Stone"))
        items, _ = m.similar(hp, 10); lines += ['', f"Nearest books to {title(hp)}:"] + [f"{r:2}. {title(i)}" for r, i in enumerate(items, 1)]
        rng = np.random.default_rng(a.seed); q = rng.choice(len(m.item_ids), 1000, replace=False); ts = []
        for i in q: s = time.perf_counter(); m.similar(int(i), 10); ts.append(time.perf_counter() - s)
        users = rng.choice(len(m.user_ids), min(10_000, len(m.user_ids)), replace=False)
        s = time.perf_counter(); m.recommend(users, 10); rec_s = time.perf_counter() - s
        lines += ['', f"Default model on all BX data: {m}; fit (search + final) {fit_s:.1f}s ({a.threads} thread(s))",
                  f"Search: {json.dumps({k: m.config[k] for k in ('reg', 'implicit_weight', 'beta')})} chosen among {len(m.config['search'])} settings",
                  f"Latency ({a.threads} thread(s)): nearest books p50 {np.median(ts)*1e3:.2f} ms, p95 {np.percentile(ts, 95)*1e3:.2f} ms over 1000 queries; "
                  f"top-10 for {len(users):,} readers {rec_s:.2f} s"]
    allt = pd.concat(tables)
    named = allt.assign(model=allt['model'].where(~allt['model'].str.startswith('EASE'), 'EASE (λ 500 ML, 200 BX)'))
    piv = named.pivot_table(index='row', columns='model', values='ndcg@10', sort=False)
    md = ['# Top-N, NDCG@10 (`python bench/topn.py`, one run, ' + f'{a.threads} thread(s), seed {a.seed})', '', markdown(piv), '',
          '## All metrics', '', markdown(allt, index=False)] + lines + ['', f'Total {time.time() - t0:.0f}s']
    print('\n'.join(md)); Path(a.out).write_text('\n'.join(md) + '\n')

if __name__ == '__main__': main()

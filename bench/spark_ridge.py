#!/usr/bin/env python
"""MLlib's implicit-ALS ridge against the in-process one, on the validation split of the lists' search (real dump).

    python bench/spark_ridge.py [--threads 2]

MLlib's ridge is regParam x n (n: a reader's books, a book's readers); the in-process ridge is one constant. This fits
MLlib's implicit ALS on the training part of the Spark search's validation split (the real Book-Crossing dump at full
coverage, the `bx-new` training part of `bench/spark.py`, seed 0; implicit weight 0.3, half the final rounds, as the
search does) for:

- the regParam an earlier version derived from the in-process ridge 30 (30 / mean books per reader),
- each regParam of `RankingConfig.spark_regs`,
- and the in-process `ials` at ridge 30 with the same rounds,

and prints, for each, the validation NDCG@10 of the factors alone (beta 0), of the known readers' best beta, of
simulated new readers (folded in from 5 of their training ratings, best fold-in ridge scale and beta, as
`_new_reader_betas` chooses) and the correlation of the books' factor norms with their log readers (popular books
shrunk: low or negative). Validation only: nothing here is the test split. The data are third-party, read from
../shared/data; missing, the script says so and stops.
"""
import argparse, sys, time
from pathlib import Path
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO)); sys.path.insert(0, str(REPO/'bench'))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, default=2, help='torch threads and Spark local[N] (default 2)')
    a = ap.parse_args(argv)
    import os, torch
    torch.set_num_threads(a.threads)
    from bx_rec.data import shared_data_dir
    from bx_rec.spark import spark_missing
    data = shared_data_dir(REPO)
    if spark_missing() or data is None or not (data/'book-crossing'/'full').is_dir():
        print(f"note: {spark_missing() or 'no real Book-Crossing dump in ../shared/data'}; nothing to measure"); return 0
    from pyspark.sql import functions as F
    from spark import bx_parts
    from bx_rec.spark import (spark_session, index_ratings, with_implicit, spark_confidence, hash_split, spark_ials, spark_cocounts,
                              spark_knn, _rank_validation, _with_weight, _weights_csr, _knn_csr, _codes)
    from bx_rec.ranking import RankingConfig, _val_ndcg, _new_reader_betas, ials
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; threads {a.threads}", flush=True)
    train = bx_parts(data/'book-crossing'/'full', 0)['new'][0]
    spark = spark_session(f'local[{a.threads}]')
    r = train.ratings[['user', 'item', 'rating']].astype({'user': str, 'item': str, 'rating': float})
    df, uids, iids = index_ratings(with_implicit(spark.createDataFrame(r), spark.createDataFrame(train.implicit[['user', 'item']].astype(str))))
    n, m, cfg, seed, iw, l2 = len(uids), len(iids), RankingConfig(), 0, 0.3, 30.
    dfw = spark_confidence(df, (1., 10.), cfg.power, cfg.alpha).select('u', 'i', 'rating', 'w').cache()
    tr_e, va = hash_split(dfw.where(F.col('rating').isNotNull()), cfg.val_fraction, seed)   # the search's split
    tr = tr_e.unionByName(dfw.where(F.col('rating').isNull())).cache()
    p = tr.select('u', 'i', 'w').toPandas(); mean_n = len(p) / p['u'].nunique()
    v = _rank_validation(p, va.select('u', 'i', 'rating').toPandas(), n, m, (1., 10.), cfg, seed, iw)
    vu, rel, cols, H = v['vu'], v['rel'], v['cols'], v['H']
    co, cnt, _ = spark_cocounts(tr, cfg.knn_max_per_reader, seed, rows=_codes(spark, 'i', np.unique(H[vu].indices)))
    S = _knn_csr(spark_knn(co, cnt, 20, 10., cols=_codes(spark, 'j', cols)).toPandas(), m)
    rated = p[p['w'].notna()].rename(columns={'u': 'user', 'i': 'item'})
    pop = np.log1p(np.diff(H.tocsc().indptr))[cols]
    print(f"{n:,} readers, {m:,} books, {len(p):,} training pairs ({mean_n:.2f} per reader), {len(vu):,} validation readers; implicit weight {iw}, "
          f"kNN (20, 10), {cfg.epochs // 2} rounds; fold-in ridge {l2:g} x {cfg.new_ridge_scales}\n", flush=True)
    print('| factors | regParam | NDCG@10 factors alone | known readers (best beta) | new readers (best scale, beta) | corr(factor norm, log readers) | fit (s) |')
    print('|---|---|---|---|---|---|---|')
    def row(name, lam, U, V, secs):
        kn = _val_ndcg(U[vu], V, S, H[vu], rel[vu], cfg.betas, cols=cols); new = _new_reader_betas(rated, vu, rel, cols, H, S, V, l2, cfg, seed)
        bk, bn = max(kn, key=kn.get), max(new, key=new.get)
        c = np.corrcoef(np.linalg.norm(V[cols], axis=1), pop)[0, 1]
        print(f"| {name} | {lam} | {kn[0.]:.4f} | {kn[bk]:.4f} (β {bk:g}) | {new[bn]:.4f} (×{bn[0]:g}, β {bn[1]:g}) | {c:.3f} | {secs:.1f} |", flush=True)
    for name, lam in [('MLlib, regParam = 30 / books per reader (earlier)', round(l2 / mean_n, 4))] + [('MLlib, `spark_regs`', x) for x in cfg.spark_regs]:
        t = time.perf_counter(); U, V = spark_ials(_with_weight(tr, iw), n, m, cfg.dim, lam, cfg.epochs // 2, cfg.a0, seed, 2)
        row(name, lam, U, V, time.perf_counter() - t)
    t = time.perf_counter(); U, V = ials(_weights_csr(p, n, m, iw), cfg, l2=l2, epochs=cfg.epochs // 2, seed=seed)
    row('in-process `ials`, ridge 30', '', U, V, time.perf_counter() - t)
    spark.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())

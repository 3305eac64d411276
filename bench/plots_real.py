#!/usr/bin/env python
"""Train on the real Book-Crossing dump (or any `bx-rec train` source) as `bx-rec train` does, write the pages of
`bx_rec.plots.write_training_plots`, and print what the map shows.

    python bench/plots_real.py OUT_DIR                                   # the dump in ../shared/data/book-crossing/full
    python bench/plots_real.py OUT_DIR --ratings PATH --format ml100k    # another source
    python bench/plot_shots.py OUT_DIR                                   # then: screenshots in headless Chromium

Single-threaded (`--threads`). The data are read at run time; without them the script says so and exits 0.
"""
from __future__ import annotations
import argparse, sys, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / 'shared' / 'data' / 'book-crossing' / 'full'


def main(argv=None)->int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('out', type=Path)
    p.add_argument('--ratings', type=Path, default=DEFAULT)
    p.add_argument('--format', default='bx')
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args(argv)
    if not a.ratings.exists(): print(f"note: {a.ratings} not found; nothing to do"); return 0
    from bx_rec.pipeline import load_interactions, fit
    from bx_rec.plots import write_training_plots, training_figures
    kw = dict(min_user_ratings=5, min_book_ratings=5) if a.format in ('bx', 'kaggle') else {}
    t0 = time.perf_counter()
    inter = load_interactions(a.ratings, a.format, **kw)
    f = fit(inter, ranking=True, progress=False, threads=a.threads)
    t1 = time.perf_counter()
    paths = write_training_plots(a.out, f, inter)
    t2 = time.perf_counter()
    m = training_figures(f, inter)['embeddings.html']
    n = sum(len(t.x) for t in m.data); grey = sum(len(t.x) for t in m.data if t.name.startswith('other'))
    print(f"fit {t1 - t0:.1f} s, plots {t2 - t1:.1f} s: {', '.join(p.name for p in paths)}")
    print(f"map: {n} books, {grey} grey ({grey / n:.0%}), {len(m.data) - (grey > 0)} coloured groups; epochs run {len(f.history)}")
    return 0


if __name__ == '__main__': sys.exit(main())

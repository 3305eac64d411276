#!/usr/bin/env python
"""Open HTML plot pages in headless Chromium and save a screenshot of each, with the browser's console errors.

    python bench/plot_shots.py PLOTS_DIR [SHOTS_DIR]     # e.g. the folder of `bx-rec train --plots PLOTS_DIR`

Needs Debian's `chromium` and `chromium-driver` and selenium (as tools/check_docs.py). Exits 1 when a page has a
console error or draws no Plotly figure.
"""
from __future__ import annotations
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tools'))
from check_docs import make_driver  # noqa: E402


def main(argv=None)->int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv: print(__doc__, file=sys.stderr); return 2
    pages = Path(argv[0]); shots = Path(argv[1]) if len(argv) > 1 else pages / '_screenshots'
    shots.mkdir(parents=True, exist_ok=True)
    drv, bad = make_driver(tempfile.mkdtemp(prefix='bx-shots-')), 0
    try:
        drv.set_window_size(1400, 950)
        for p in sorted(pages.glob('*.html')):
            drv.get(p.resolve().as_uri()); time.sleep(1.5)
            n = drv.execute_script("return document.querySelectorAll('.js-plotly-plot').length")
            errs = [e['message'] for e in drv.get_log('browser') if e.get('level') == 'SEVERE']
            png = shots / (p.stem + '.png'); drv.save_screenshot(str(png))
            ok = n >= 1 and not errs; bad += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {p.name}: {n} figure(s), {len(errs)} console error(s) -> {png}", *errs, sep='\n  ')
    finally: drv.quit()
    return 1 if bad else 0


if __name__ == '__main__': sys.exit(main())

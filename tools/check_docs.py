#!/usr/bin/env python3
"""Open every page of the offline docs site in headless Chromium and check that it really renders.

    python tools/check_docs.py [--site _site] [--screenshots _site/_screenshots]

Needs Debian's `chromium` and `chromium-driver` (`apt-get install -y chromium chromium-driver`) and selenium >= 4.
The site is served from a local HTTP server on 127.0.0.1 (nothing else is reachable). For each page it checks:

* no SEVERE entry in the browser console (JavaScript errors, resources that failed to load, e.g. from a CDN);
* every plotly figure has drawn: each `.plotly-graph-div` became a `.js-plotly-plot` holding a `.main-svg`;
* the page is not marked as a failed build by tools/build_docs.py (`.bx-build-error`);

and saves a full-page PNG screenshot. It prints one line per page and exits 1 listing the failing pages.
"""
from __future__ import annotations
import argparse, base64, functools, http.server, shutil, sys, tempfile, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
                '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
                '--disable-extensions', '--window-size=1280,900', '--hide-scrollbars']

FIGS_JS = """
return Array.from(document.querySelectorAll('.plotly-graph-div')).map(d =>
  d.classList.contains('js-plotly-plot') && d.querySelector('.main-svg') !== null);
"""


MATH_DONE_JS = """
const H = window.MathJax && window.MathJax.Hub;
return !H || !H.queue || (H.queue.pending === 0 && H.queue.running === 0);
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass


def find_binary(*names):
    for n in names:
        p = shutil.which(n) or (n if Path(n).exists() else None)
        if p: return p
    return None


def make_driver(user_data_dir: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    chrome = find_binary('/usr/bin/chromium', 'chromium', 'chromium-browser', 'google-chrome')
    driver_bin = find_binary('/usr/bin/chromedriver', 'chromedriver')
    if not chrome or not driver_bin:
        raise FileNotFoundError('chromium / chromedriver not found: apt-get install -y chromium chromium-driver')
    opts = webdriver.ChromeOptions()
    opts.binary_location = chrome
    for f in CHROME_FLAGS + [f'--user-data-dir={user_data_dir}']: opts.add_argument(f)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    d = webdriver.Chrome(service=Service(driver_bin), options=opts)
    d.set_page_load_timeout(60)
    return d


def screenshot(driver, path: Path, max_height: int = 12000):
    "Full-page PNG through the DevTools protocol (capped at `max_height` CSS pixels)"
    h = driver.execute_script('return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)')
    w = driver.execute_script('return document.documentElement.clientWidth')
    r = driver.execute_cdp_cmd('Page.captureScreenshot', {'format': 'png', 'captureBeyondViewport': True,
        'clip': {'x': 0, 'y': 0, 'width': w, 'height': min(h, max_height), 'scale': 1}})
    path.write_bytes(base64.b64decode(r['data']))


def check_page(driver, url: str, wait: float = 20.) -> list[str]:
    problems = []
    driver.get(url)
    t0, drawn = time.time(), []
    while time.time() - t0 < wait:
        if driver.execute_script('return document.readyState') == 'complete':
            drawn = driver.execute_script(FIGS_JS)
            if all(drawn) and driver.execute_script(MATH_DONE_JS): break
        time.sleep(0.25)
    if not all(drawn): problems.append(f'{drawn.count(False)} of {len(drawn)} plotly figure(s) did not draw')
    if driver.execute_script("return document.querySelector('.bx-build-error') !== null"):
        txt = driver.execute_script("return document.querySelector('.bx-build-error').innerText")
        problems.append(f'page marked as failed build: {txt.strip()[:300]}')
    for e in driver.get_log('browser'):
        if e.get('level') == 'SEVERE': problems.append(f"console: {e.get('message', '')[:300]}")
    return problems, len(drawn)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--site', type=Path, default=ROOT / '_site', help='site folder (default: _site)')
    p.add_argument('--screenshots', type=Path, default=None, help='where PNGs go (default: SITE/_screenshots)')
    a = p.parse_args(argv)
    site = a.site.resolve()
    shots = (a.screenshots or site / '_screenshots').resolve()
    pages = sorted(q for q in site.glob('*.html'))
    if not pages: print(f'no HTML pages in {site}: run python tools/build_docs.py first', file=sys.stderr); return 1
    shots.mkdir(parents=True, exist_ok=True)

    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_Quiet, directory=str(site)))
    th = threading.Thread(target=srv.serve_forever, daemon=True); th.start()
    base = f'http://127.0.0.1:{srv.server_address[1]}/'
    failing, driver, udd = [], None, tempfile.mkdtemp(prefix='bx-chromium-')
    try:
        driver = make_driver(udd)
        for q in pages:
            t0 = time.time()
            try:
                problems, nfig = check_page(driver, base + q.name)
                screenshot(driver, shots / (q.stem + '.png'))
            except Exception as e:
                problems, nfig = [f'{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}'], 0
            status = 'ok  ' if not problems else 'FAIL'
            print(f'{status} {q.name}: {nfig} figure(s), {time.time() - t0:.1f}s' + ''.join(f'\n       {m}' for m in problems))
            if problems: failing.append(q.name)
    except Exception as e:
        print(f'error: could not run the browser check: {type(e).__name__}: {e}', file=sys.stderr); return 2
    finally:
        if driver is not None: driver.quit()
        srv.shutdown(); srv.server_close()
        shutil.rmtree(udd, ignore_errors=True)
    print(f'screenshots in {shots}')
    if failing:
        print(f'{len(failing)} of {len(pages)} page(s) failed: ' + ', '.join(failing), file=sys.stderr); return 1
    print(f'all {len(pages)} page(s) rendered without errors')
    return 0


if __name__ == '__main__': sys.exit(main())

#!/usr/bin/env python3
"""Open every page of the offline docs site in headless Chromium and check that it really renders and reads cleanly.

    python tools/check_docs.py [--site _site] [--screenshots _site/_screenshots] [--no-browser] [PAGE.html ...]

Needs Debian's `chromium` and `chromium-driver` (`apt-get install -y chromium chromium-driver`) and selenium >= 4
(not with --no-browser). The site is served from a local HTTP server on 127.0.0.1 (nothing else is reachable).

Checks on the HTML itself (`static_problems`, also run alone with --no-browser; importable for tests):

* stderr output shown on a page (a cell output of name 'stderr': warnings, logs, progress bars);
* machine paths in outputs (/work/, /tmp/, /home/, /root/, /Users/, ...: paths of the machine that built the site);
* tracker references: "issue #12" or a team role in parentheses ("(pipeline engineer)") anywhere on the page (prose,
  code, outputs), a bare "#11" in prose (markdown cells and markdown outputs such as show_doc; code left out);
* an empty section: an h2/h3 followed directly by a heading of the same or a higher level, or by nothing;
* the page is marked as a failed build by tools/build_docs.py (`.bx-build-error`);
* no previous/next links (`.bx-pager`) on a site of more than one page.

Checks in the browser (1280 px wide window):

* no SEVERE entry in the browser console (JavaScript errors, resources that failed to load, e.g. from a CDN);
* every plotly figure has drawn: each `.plotly-graph-div` became a `.js-plotly-plot` holding a `.main-svg`;
* MathJax 3 finished typesetting (`MathJax.startup.promise` resolved) without TeX errors (`mjx-merror`);
* no clipped code: no element holding code whose content is wider than its box (scrollWidth > clientWidth) while its
  overflow is hidden/clip, and no page wider than the window;

and saves a full-length PNG screenshot (the window is resized to the document's height). It prints one line per
problem (`FAIL page: problem`) and exits 1 when there is any.
"""
from __future__ import annotations
import argparse, base64, functools, http.server, re, shutil, sys, tempfile, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1280, 900
CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
                '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
                '--disable-extensions', f'--window-size={WIDTH},{HEIGHT}', '--hide-scrollbars']

FIGS_JS = """
return Array.from(document.querySelectorAll('.plotly-graph-div')).map(d =>
  d.classList.contains('js-plotly-plot') && d.querySelector('.main-svg') !== null);
"""

# MathJax 3: window.MathJax is the configuration object until tex-svg.js has loaded (deferred); then
# MathJax.startup.promise resolves once the first typesetting pass is done. 'none' = the page has no MathJax.
MATH_WAIT_JS = """
const done = arguments[arguments.length - 1], t0 = Date.now(), limit = arguments[0] * 1000;
(function poll() {
  const M = window.MathJax;
  if (!M) return done('none');
  if (M.startup && M.startup.promise)
    return M.startup.promise.then(() => done('ok'), e => done('error: ' + e));
  if (Date.now() - t0 > limit) return done('MathJax did not start (tex-svg.js not loaded?)');
  setTimeout(poll, 100);
})();
"""
MATH_ERRORS_JS = ("return Array.from(document.querySelectorAll('mjx-merror'))"
                  ".map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120));")

# elements that hold code and clip it: content wider than the box while overflow-x is hidden/clip (innermost only)
CLIPPED_JS = """
const out = [];
for (const e of document.querySelectorAll('main *')) {
  if (e.scrollWidth <= e.clientWidth + 1) continue;
  const ox = getComputedStyle(e).overflowX;
  if (ox !== 'hidden' && ox !== 'clip') continue;
  if (!(e.matches('pre, code') || e.querySelector('pre, code'))) continue;
  out.push(e);
}
return out.filter(o => !out.some(p => p !== o && o.contains(p))).map(e => {
  const pre = e.matches('pre') ? e : (e.querySelector('pre') || e);
  const line = (pre.innerText || '').split('\\n').reduce((a, b) => b.length > a.length ? b : a, '');
  return [e.className.toString().split(' ')[0] || e.tagName.toLowerCase(), e.scrollWidth, e.clientWidth, line];
});
"""
PAGE_WIDTH_JS = "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];"


# ---------------------------------------------------------------- checks on the HTML (no browser)
MACHINE_PATH = re.compile(r'(?<![\w.~/-])(?:file://)?(?:/work/|/tmp/|/home/|/root/|/Users/|/private/var/|/var/folders/'
                          r'|/mnt/|/opt/conda/|[A-Za-z]:\\Users\\)\S*')
ISSUE_REF = re.compile(r'\b(?:issues?|tickets?|PRs?|pull requests?|bugs?)\s+#\d+\b', re.I)
BARE_REF = re.compile(r'(?<![\w&#/])#\d+\b')
ROLE_REF = re.compile(r'\((?:the\s+|our\s+)?[A-Za-z][A-Za-z /-]{0,30}?\b(?:engineer|scientist|lead|manager|owner|maintainer|'
                      r'reviewer|architect|analyst|designer|developer|tester|team)s?\)', re.I)
SKIP_TAGS = {'script', 'style', 'head', 'noscript', 'template'}
SKIP_CLASSES = {'bx-nav', 'bx-toc', 'bx-pager'}
CONTENT_TAGS = {'img', 'svg', 'canvas', 'iframe', 'video', 'audio', 'object', 'embed', 'hr', 'input', 'math'}


def _soup(page_html: str):
    from bs4 import BeautifulSoup
    return BeautifulSoup(page_html, 'html.parser')


def _text(el) -> str: return ' '.join(el.get_text(' ').split())


def _snip(text: str, m, width: int = 60) -> str:
    a, b = max(0, m.start() - width), min(len(text), m.end() + width)
    return ('...' if a else '') + text[a:b].strip() + ('...' if b < len(text) else '')


def _skipped(el) -> bool:
    return el.name in SKIP_TAGS or bool(SKIP_CLASSES & set(el.get('class') or []))


def outline(soup) -> list:
    "The page in reading order as [('h', level, text) | ('c', None, sample)] (navigation, scripts and styles left out)"
    from bs4 import NavigableString, Tag, Comment
    events = []

    def walk(node):
        for ch in node.children:
            if isinstance(ch, Comment): continue
            if isinstance(ch, NavigableString):
                if ch.strip(): events.append(('c', None, ch.strip()[:60]))
            elif isinstance(ch, Tag):
                if _skipped(ch): continue
                if re.fullmatch(r'h[1-6]', ch.name):
                    events.append(('h', int(ch.name[1]), _text(ch).rstrip('¶').strip())); continue
                if ch.name in CONTENT_TAGS or 'plotly-graph-div' in (ch.get('class') or []):
                    events.append(('c', None, f'<{ch.name}>')); continue
                walk(ch)
    walk(soup.body or soup)
    return events


def empty_headings(soup) -> list:
    "h2/h3 headings followed directly by a heading of the same or a higher level, or by nothing"
    ev, bad = outline(soup), []
    for i, (kind, level, text) in enumerate(ev):
        if kind != 'h' or level not in (2, 3): continue
        nxt = ev[i + 1] if i + 1 < len(ev) else None
        if nxt is None: bad.append(f'empty section: h{level} {text!r} is the last thing on the page')
        elif nxt[0] == 'h' and nxt[1] <= level:
            bad.append(f'empty section: h{level} {text!r} is followed directly by h{nxt[1]} {nxt[2]!r}')
    return bad


def static_problems(page_html: str, site_pages: int = 1) -> list:
    "Problems found in a built page's HTML without a browser: one string per problem"
    soup, probs = _soup(page_html), []
    for e in soup.select('.bx-build-error'): probs.append(f'page marked as failed build: {_text(e)[:300]}')
    for e in soup.select('[data-mime-type="application/vnd.jupyter.stderr"]'):
        probs.append(f'stderr output shown: {_text(e)[:160]!r}')
    for e in soup.select('.jp-OutputArea-output'):
        t = _text(e)
        for m in MACHINE_PATH.finditer(t): probs.append(f'machine path in an output: {m.group(0)[:80]!r} in {_snip(t, m)!r}')
    probs += empty_headings(soup)
    for e in (soup.body or soup).find_all(string=True):
        if any(_skipped(a) for a in e.parents if a.name): continue
        t = ' '.join(str(e).split())
        for m in ISSUE_REF.finditer(t): probs.append(f'tracker reference: {m.group(0)!r} in {_snip(t, m)!r}')
        for m in ROLE_REF.finditer(t): probs.append(f'team role: {m.group(0)!r} in {_snip(t, m)!r}')
    for e in soup.select('.jp-MarkdownCell .jp-RenderedMarkdown, [data-mime-type="text/markdown"]'):
        for pre in e.find_all(['pre', 'code']): pre.extract()  # code (blocks and inline) is not prose
        t = _text(e)
        for m in BARE_REF.finditer(t):
            if not ISSUE_REF.search(t[max(0, m.start() - 30):m.end()]):
                probs.append(f'tracker reference: {m.group(0)!r} in {_snip(t, m)!r}')
    if site_pages > 1 and not soup.select('.bx-pager a'): probs.append('no previous/next links (.bx-pager)')
    return list(dict.fromkeys(probs))


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


def screenshot(driver, path: Path, max_height: int = 100_000):
    """Full-length PNG: the window is resized (DevTools device metrics) to the document's height, captured, and put
    back to WIDTH x HEIGHT. Pages taller than `max_height` CSS pixels are cut there (and say so)."""
    h = 0
    for _ in range(3):  # a taller window can change the layout (e.g. 100vh boxes): measure again until it is stable
        nh = driver.execute_script('return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)')
        if nh == h: break
        h = nh
        driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                               {'width': WIDTH, 'height': min(h, max_height), 'deviceScaleFactor': 1, 'mobile': False})
    try:
        r = driver.execute_cdp_cmd('Page.captureScreenshot', {'format': 'png', 'captureBeyondViewport': False,
                                   'clip': {'x': 0, 'y': 0, 'width': WIDTH, 'height': min(h, max_height), 'scale': 1}})
        path.write_bytes(base64.b64decode(r['data']))
    finally:
        driver.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})
    return h


def browser_problems(driver, url: str, wait: float = 20.) -> tuple:
    "Load the page, wait for figures and math, and return (problems, number of figures)"
    problems = []
    driver.get(url)
    t0, drawn = time.time(), []
    while time.time() - t0 < wait:
        if driver.execute_script('return document.readyState') == 'complete':
            drawn = driver.execute_script(FIGS_JS)
            if all(drawn): break
        time.sleep(0.25)
    if not all(drawn): problems.append(f'{drawn.count(False)} of {len(drawn)} plotly figure(s) did not draw')
    driver.set_script_timeout(wait + 5)
    math = driver.execute_async_script(MATH_WAIT_JS, max(1., wait - (time.time() - t0)))
    if math not in ('ok', 'none'): problems.append(f'math: {math}')
    for err in driver.execute_script(MATH_ERRORS_JS): problems.append(f'math: TeX error {err!r}')
    for cls, sw, cw, line in driver.execute_script(CLIPPED_JS):
        line = line.strip(); line = line if len(line) <= 130 else f'{line[:70]} ... {line[-55:]}'
        problems.append(f'clipped code block (.{cls}, {sw} px of content in {cw} px, overflow hidden): {line!r}')
    sw, cw = driver.execute_script(PAGE_WIDTH_JS)
    if sw > cw + 1: problems.append(f'page wider than the window ({sw} px > {cw} px): something neither wraps nor scrolls')
    for e in driver.get_log('browser'):
        if e.get('level') == 'SEVERE': problems.append(f"console: {e.get('message', '')[:300]}")
    return problems, len(drawn)


def check_page(driver, url: str, wait: float = 20.) -> tuple:
    "Browser checks of one page (kept for callers of the old name)"
    return browser_problems(driver, url, wait)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('pages', nargs='*', help='pages to check (file names in the site; default: all)')
    p.add_argument('--site', type=Path, default=ROOT / '_site', help='site folder (default: _site)')
    p.add_argument('--screenshots', type=Path, default=None, help='where PNGs go (default: SITE/_screenshots)')
    p.add_argument('--no-browser', action='store_true', help='only the checks on the HTML (no Chromium, no screenshots)')
    a = p.parse_args(argv)
    site = a.site.resolve()
    every = sorted(q for q in site.glob('*.html'))
    pages = [q for q in every if not a.pages or q.name in a.pages or q.stem in a.pages]
    if not pages: print(f'no HTML pages in {site}: run python tools/build_docs.py first', file=sys.stderr); return 1
    shots = (a.screenshots or site / '_screenshots').resolve()

    found = {q.name: static_problems(q.read_text(encoding='utf-8'), site_pages=len(every)) for q in pages}
    info = {q.name: '' for q in pages}
    if not a.no_browser:
        shots.mkdir(parents=True, exist_ok=True)
        srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_Quiet, directory=str(site)))
        th = threading.Thread(target=srv.serve_forever, daemon=True); th.start()
        base = f'http://127.0.0.1:{srv.server_address[1]}/'
        driver, udd = None, tempfile.mkdtemp(prefix='bx-chromium-')
        try:
            driver = make_driver(udd)
            for q in pages:
                t0 = time.time()
                try:
                    problems, nfig = browser_problems(driver, base + q.name)
                    h = screenshot(driver, shots / (q.stem + '.png'))
                    info[q.name] = f' ({nfig} figure(s), {h} px tall, {time.time() - t0:.1f}s)'
                except Exception as e:
                    problems = [f'browser: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}']
                found[q.name] += problems
        except Exception as e:
            print(f'error: could not run the browser check: {type(e).__name__}: {e}', file=sys.stderr); return 2
        finally:
            if driver is not None: driver.quit()
            srv.shutdown(); srv.server_close()
            shutil.rmtree(udd, ignore_errors=True)
    for q in pages:
        probs = found[q.name]
        print(f"{'ok  ' if not probs else 'FAIL'} {q.name}{info[q.name]}" + (f': {len(probs)} problem(s)' if probs else ''))
    failing = [n for n, probs in found.items() if probs]
    if not a.no_browser: print(f'screenshots in {shots}')
    if failing:
        n = sum(len(found[k]) for k in failing)
        print(f'\n{n} problem(s) on {len(failing)} of {len(pages)} page(s):', file=sys.stderr)
        for k in failing:
            for m in found[k]: print(f'FAIL {k}: {m}', file=sys.stderr)
        return 1
    print(f'all {len(pages)} page(s) passed' + (' (HTML checks only)' if a.no_browser else ''))
    return 0


if __name__ == '__main__': sys.exit(main())

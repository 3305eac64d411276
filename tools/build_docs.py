#!/usr/bin/env python3
"""Build an offline HTML documentation site from the notebooks in nbs/ (no Quarto, no internet).

    python tools/build_docs.py [--out _site] [--skip-slow] [--timeout 600] [--only NAME ...] [NOTEBOOK ...]

Each notebook is executed with nbclient (cwd = its folder, the `python3` kernel of the running Python), then
turned into one HTML page with nbconvert's `lab` template, following nbdev's directives:

* `#| hide`, `#| include: false`, `#| export`, `#| exporti`, `#| default_exp` cells are not shown
  (exported code is documented through `show_doc`, as on an nbdev site);
* `#| echo: false` and `show_doc(...)` cells show only their output, `#| output: false` only their source;
* `#| eval: false` cells are never run; with `--skip-slow` cells flagged with a `tst_flags` flag from settings.ini
  (`#| slow`) are not run either (they are shown, without output).

Plotly figures are drawn offline: the kernel uses plotly's `plotly_mimetype` renderer and every figure output
becomes a `<div>` + `Plotly.newPlot` call, while the page loads plotly.js once from `plotly.min.js`, copied from
the installed plotly package into the site folder. No page loads anything from the network (no MathJax,
require.js or mermaid from a CDN; LaTeX stays as source text).

`_site/index.html` comes from nbs/index.ipynb. Every page has a sidebar listing all pages (the home page, then the
Python API chapter, then the chapters in notebook-number order: see `SIDEBAR_FIRST`), a table of contents of its
h2/h3 headings under the title, and previous/next links at the bottom in the order of the sidebar. Code wraps
instead of being clipped; fenced code in markdown (```sh, ```python) gets the same box as code cells.

Output a cell writes to stderr (warnings, logs) is kept on the page, marked, and listed at the end of the build
("stderr shown on pages"): tools/check_docs.py fails on it, so fix the cell (silence the warning, send logs
elsewhere) rather than the check. Cells skipped as slow get a note saying they were not run.

A notebook that fails to execute still gets a page (marked as failed, up to the failing cell); the build prints the
notebook and cell and exits 1. `--only NAME ...` builds the named notebooks plus the home page (a quick partial site).
"""
from __future__ import annotations
import argparse, configparser, copy, html, os, re, shutil, sys, tempfile, time, traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_readme import split_directives, is_false, is_show_doc, frontmatter, src, HIDE_DIRS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PLOTLY_MIME = 'application/vnd.plotly.v1+json'
_re_ansi = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')

CSS = r"""
html, body.jp-Notebook { margin: 0; min-height: 100%;
  background: linear-gradient(to right, #f5f6f8 230px, #dde1e6 230px, #dde1e6 231px, #fff 231px) !important; }
.bx-nav { position: fixed; top: 0; left: 0; bottom: 0; width: 230px; overflow-y: auto; padding: 18px 14px;
  background: #f5f6f8; border-right: 1px solid #dde1e6; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  box-sizing: border-box; }
.bx-nav .bx-site { font-weight: 700; font-size: 17px; margin-bottom: 10px; display: block; color: #1f2d3d;
  text-decoration: none; }
.bx-nav ul { list-style: none; margin: 0; padding: 0; }
.bx-nav li a { display: block; padding: 4px 8px; border-radius: 4px; color: #2c3e50; text-decoration: none; }
.bx-nav li a:hover { background: #e4e8ee; }
.bx-nav li a.bx-current { background: #2f6fb0; color: #fff; }
.bx-nav li a.bx-failed::after { content: " \2716"; color: #c0392b; }
main { margin-left: 250px !important; max-width: 1100px; padding: 8px 24px 60px 24px !important; }
.bx-build-error { border: 2px solid #c0392b; background: #fdecea; color: #7b1f16; padding: 10px 14px; margin: 12px 0;
  border-radius: 4px; font-family: system-ui, sans-serif; white-space: pre-wrap; }
.jp-RenderedMarkdown table, .jp-RenderedHTMLCommon table { border-collapse: collapse; margin: 8px 0; }
.jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td { border: 1px solid #d0d7de; padding: 4px 8px;
  text-align: left; vertical-align: top; }
.jp-RenderedHTMLCommon blockquote { border-left: 4px solid #c9d3de; margin-left: 0; padding-left: 12px; color: #37474f; }
.jp-RenderedHTMLCommon hr { border: 0; border-top: 1px solid #dde1e6; }
.jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
.plotly-graph-div { max-width: 100%; }
/* code never clips: source wraps (the lab template sets overflow: hidden on the input area), outputs scroll */
.jp-InputArea, .jp-InputArea-editor { overflow: visible !important; }
.jp-InputArea-editor pre, .jp-RenderedMarkdown pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
.jp-OutputArea-output { overflow-x: auto !important; }
.jp-RenderedMarkdown table { display: block; overflow-x: auto; max-width: 100%; }
/* fenced code in markdown (```sh, ```python, plain ```) gets the box of a code cell */
.jp-RenderedMarkdown .highlight, .jp-RenderedMarkdown > pre {
  background: var(--jp-cell-editor-background); border: var(--jp-border-width) solid var(--jp-cell-editor-border-color);
  border-radius: 0; margin: 8px 0; padding: 0; }
.jp-RenderedMarkdown .highlight pre, .jp-RenderedMarkdown > pre { padding: var(--jp-code-padding) 4px; margin: 0;
  background: transparent; font-family: var(--jp-code-font-family); font-size: var(--jp-code-font-size);
  line-height: var(--jp-code-line-height); border: 0; }
.jp-RenderedMarkdown .highlight pre code, .jp-RenderedMarkdown > pre code { background: transparent; padding: 0; }
/* contents of the page (under the title) and previous/next links (bottom) */
.bx-toc { border: 1px solid #dde1e6; background: #f8f9fb; border-radius: 4px; padding: 8px 16px 10px; margin: 4px 0 18px 10px;
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 760px; }
.bx-toc .bx-toc-title { font-weight: 600; margin-bottom: 4px; color: #1f2d3d; }
.bx-toc ul { margin: 0; padding-left: 18px; }
.bx-toc li.bx-toc-h3 { margin-left: 18px; list-style: circle; }
.bx-toc a { color: #2f6fb0; text-decoration: none; }
.bx-pager { display: flex; justify-content: space-between; gap: 16px; margin: 40px 0 0 10px; padding-top: 14px;
  border-top: 1px solid #dde1e6; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
.bx-pager a { display: block; max-width: 48%; padding: 8px 12px; border: 1px solid #dde1e6; border-radius: 4px;
  color: #2f6fb0; text-decoration: none; }
.bx-pager a:hover { background: #f0f3f7; }
.bx-pager .bx-next { margin-left: auto; text-align: right; }
.bx-pager small { display: block; color: #6a737d; font-size: 12px; }
.bx-skipped { color: #6a737d; font: italic 13px/1.4 system-ui, sans-serif; padding: 2px 6px; }
"""

TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_css -%}
<link rel="icon" href="data:,">
<style type="text/css">{{ resources.bx_css }}</style>
{%- if resources.bx_plotly %}
<script src="{{ resources.bx_plotly }}"></script>
{%- endif %}
{%- if resources.bx_mathjax %}
<script>window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\(', '\\)']]}, svg: {fontCache: 'global'}};</script>
<script src="{{ resources.bx_mathjax }}" defer></script>
{%- endif %}
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
<nav class="bx-nav">{{ resources.bx_nav }}</nav>
{{ resources.bx_banner }}
{%- endblock body_header -%}
{%- block markdowncell scoped -%}
{{ super() }}
{%- if cell.metadata.get('bx_toc_after') %}
<!--bx-toc-->
{%- endif %}
{%- endblock markdowncell -%}
{% block body_footer %}
{{ resources.bx_pager }}
{{ super() }}
{% endblock body_footer %}
"""

# pages listed right after the home page in the sidebar (and in the previous/next order), by notebook stem;
# the other notebooks follow in file-name (chapter number) order
SIDEBAR_FIRST = ('19_api',)
SKIPPED_NOTE = ('<div class="bx-skipped">Not run when this site was built: a slow cell (<code>#| {flag}</code>), '
                'skipped by <code>build_docs.py --skip-slow</code>. Run the notebook to see its output.</div>')


def find_mathjax(given=None):
    "MathJax 3's single-file `tex-svg.js` (npm package mathjax@3), to render formulas offline; None if absent"
    cands = [given, os.environ.get('BX_DOCS_MATHJAX')] + [str(p / 'node_modules/mathjax/es5/tex-svg.js') for p in (ROOT, ROOT.parent, Path('/tmp/bx-mathjax'))]
    for c in cands:
        if c and Path(c).is_file(): return Path(c)
    if given: raise FileNotFoundError(f"--mathjax {given}: no such file")
    return None


def settings() -> dict:
    cp = configparser.ConfigParser(delimiters=['='])
    cp.read(ROOT / 'settings.ini', encoding='utf-8')
    return dict(cp['DEFAULT'])


def page_name(nb_path: Path, nbs: Path) -> str:
    rel = (nb_path.relative_to(nbs) if nb_path.is_relative_to(nbs) else Path(nb_path.name)).with_suffix('.html')
    return '__'.join(rel.parts)


def nb_title(nb) -> str:
    for c in nb.cells:
        if c.cell_type == 'markdown':
            fm, _ = frontmatter(src(c))
            if fm.get('title'): return fm['title']
            break
    return None


def should_run(cell, skip_flags: set) -> bool:
    dirs, code = split_directives(src(cell))
    if is_false(dirs.get('eval', 'true')): return False
    if skip_flags & dirs.keys(): return False
    return bool(code.strip())


def execute(nb, cwd: Path, skip_flags: set, timeout: int) -> tuple:
    "Run the notebook's cells in place; return (failing cell index, short error, full error) or (None, None, None)"
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError, CellTimeoutError
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', allow_errors=False,
                            resources={'metadata': {'path': str(cwd)}})
    i = None
    try:
        with client.setup_kernel():
            for i, cell in enumerate(nb.cells):
                if cell.cell_type != 'code': continue
                if not should_run(cell, skip_flags):
                    cell.outputs = []
                    dirs, code = split_directives(src(cell))
                    hit = skip_flags & dirs.keys()
                    if hit and code.strip() and not is_false(dirs.get('eval', 'true')): cell.metadata['bx_skipped'] = sorted(hit)[0]
                    continue
                client.execute_cell(cell, i)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        msg = _re_ansi.sub('', str(e))
        if getattr(e, 'ename', None): short = f"{e.ename}: {_re_ansi.sub('', str(e.evalue)).strip()}"
        else: short = next((l for l in reversed(msg.strip().splitlines()) if l.strip()), type(e).__name__)
        short = ' | '.join(short.splitlines())[:300]
        first = next((l for l in split_directives(src(nb.cells[i]))[1].splitlines() if l.strip()), '') if i is not None else ''
        return i, f'{short}  [cell starts: {first.strip()[:80]!r}]', msg
    except Exception as e:  # kernel could not start, etc.
        return i, f'{type(e).__name__}: {e}', traceback.format_exc()
    return None, None, None


def documented_names(code: str) -> list:
    """The public names an exported cell defines, as nbdev documents them: functions and classes, the public methods
    of its classes (`Cls.meth`), and `@patch` methods (`def meth(self:Cls, ...)` -> `Cls.meth`)"""
    import ast
    try: tree = ast.parse(code)
    except SyntaxError: return []
    out = []
    for n in tree.body:
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or n.name.startswith('_'): continue
        decos = [ast.unparse(d) for d in getattr(n, 'decorator_list', [])]
        if isinstance(n, ast.ClassDef):
            out.append(n.name)
            out += [f'{n.name}.{m.name}' for m in n.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and not m.name.startswith('_') and not any('property' in ast.unparse(d) for d in m.decorator_list)]
        elif any(d.split('(')[0] in ('patch', 'patch_to') for d in decos):
            a = n.args.args[0].annotation if n.args.args else None
            if a is not None and not any('property' in d for d in decos): out.append(f'{ast.unparse(a)}.{n.name}')
        else: out.append(n.name)
    return out


def add_show_docs(nb):
    """After each exported cell, a `show_doc` cell for every public name it defines that the notebook does not already
    document (nbdev's docs do the same), so that every public function, class and method has its signature and
    docstring on the page"""
    import nbformat.v4 as v4
    have = set(re.findall(r'^show_doc\(([\w.]+)', '\n'.join(src(c) for c in nb.cells if c.cell_type == 'code'), re.MULTILINE))
    cells, added = [], 0
    for c in nb.cells:
        cells.append(c)
        if c.cell_type != 'code': continue
        dirs, code = split_directives(src(c))
        if not dirs.keys() & {'export', 'exports'}: continue
        for name in documented_names(code):
            if name in have: continue
            have.add(name); added += 1
            cells.append(v4.new_code_cell(f'show_doc({name})', metadata={'bx_auto_doc': True}))
    if added: cells.insert(next((k + 1 for k, c in enumerate(cells) if 'default_exp' in src(c)), 0),
                           v4.new_code_cell('#| hide\nfrom nbdev.showdoc import show_doc'))
    nb.cells = cells
    return nb


def figure_html(fig_json: dict) -> str:
    import plotly.io as pio
    return pio.to_html(fig_json, include_plotlyjs=False, full_html=False, validate=False,
                       config=fig_json.get('config') or {}, default_width='100%', default_height=450)


def display_nb(nb):
    """Apply nbdev's display directives; turn plotly outputs into HTML; note skipped slow cells; mark the title cell
    (the table of contents goes after it). Return (notebook, has_plotly); each kept cell has its index in `nb` as
    metadata `bx_index`."""
    nb = copy.deepcopy(nb)
    cells, has_plotly, titled = [], False, False
    for i, cell in enumerate(nb.cells):
        cell.metadata['bx_index'] = i
        if cell.cell_type == 'markdown' and not titled and cell.metadata.get('bx_toc_after') is None:
            if frontmatter(src(cell))[0].get('title'): cell.metadata['bx_toc_after'] = True; titled = True
        if cell.cell_type == 'code':
            dirs, code = split_directives(src(cell))
            if dirs.keys() & HIDE_DIRS or is_false(dirs.get('include', 'true')): continue
            tags = set(cell.metadata.get('tags', []))
            if is_false(dirs.get('echo', 'true')) or is_show_doc(code) or not code.strip(): tags.add('remove_input')
            if is_false(dirs.get('output', 'true')): cell.outputs = []
            if not code.strip() and not cell.outputs: continue
            cell.source = code
            if cell.metadata.get('bx_skipped') and not cell.outputs:
                cell.outputs = [{'output_type': 'display_data', 'metadata': {},
                                 'data': {'text/html': SKIPPED_NOTE.format(flag=html.escape(cell.metadata['bx_skipped']))}}]
            for out in cell.get('outputs', []):
                data = out.get('data', {})
                if PLOTLY_MIME in data:
                    out['data'] = {'text/html': figure_html(data[PLOTLY_MIME])}
                    has_plotly = True
            cell.metadata['tags'] = sorted(tags)
        cells.append(cell)
    nb.cells = cells
    return nb, has_plotly


def make_exporter(tpl_dir: Path):
    from nbconvert import HTMLExporter
    from traitlets.config import Config
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = ('remove_input',)
    c.TagRemovePreprocessor.remove_cell_tags = ('remove_cell',)
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    (tpl_dir / 'bxdocs').mkdir(parents=True, exist_ok=True)
    (tpl_dir / 'bxdocs' / 'conf.json').write_text('{"base_template": "lab", "mimetypes": {"text/html": true}}')
    (tpl_dir / 'bxdocs' / 'index.html.j2').write_text(TEMPLATE)
    return HTMLExporter(config=c, extra_template_basedirs=[str(tpl_dir)], template_name='bxdocs')


def nav_label(p: dict) -> str:
    "A page's name in the sidebar and the previous/next links: 'Home' for the home page, else its title"
    return 'Home' if p['name'] == 'index.html' else p['title']


def nav_html(pages, current) -> str:
    items = []
    for p in pages:
        cls = ' '.join(x for x in ('bx-current' if p['name'] == current else '', 'bx-failed' if p.get('failed') else '') if x)
        items.append(f'<li><a href="{p["name"]}" class="{cls}">{html.escape(nav_label(p))}</a></li>')
    return f'<a class="bx-site" href="index.html">{html.escape(settings().get("lib_name", "docs"))}</a><ul>{"".join(items)}</ul>'


def shown_stderr(disp) -> list:
    "[(cell index in the notebook, first lines of the text)] for every stderr stream output shown on the page"
    found = []
    for cell in disp.cells:
        for out in cell.get('outputs', []) if cell.cell_type == 'code' else []:
            if out.get('output_type') == 'stream' and out.get('name') == 'stderr':
                txt = _re_ansi.sub('', ''.join(out.get('text', '')) if isinstance(out.get('text'), list) else out.get('text', ''))
                found.append((cell.metadata.get('bx_index'), txt.strip()))
    return found


_re_heading = re.compile(r'<h([23])\b[^>]*?\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_re_tags = re.compile(r'<[^>]+>')


def toc_html(body: str, min_items: int = 2) -> str:
    "An 'On this page' list of the page's h2/h3 headings (with ids), or '' when there are fewer than `min_items`"
    items = []
    for level, hid, inner in _re_heading.findall(body):
        text = html.unescape(_re_tags.sub('', inner)).replace('\u00b6', '').strip()
        if text: items.append(f'<li class="bx-toc-h{level}"><a href="#{hid}">{html.escape(text)}</a></li>')
    if len(items) < min_items: return ''
    return f'<nav class="bx-toc" aria-label="On this page"><div class="bx-toc-title">On this page</div><ul>{"".join(items)}</ul></nav>'


def add_toc(body: str) -> str:
    "Put the table of contents where the template left its marker (after the title cell), else before the first cell"
    toc = toc_html(body)
    if '<!--bx-toc-->' in body: return body.replace('<!--bx-toc-->', toc, 1)
    i = body.find('<div class="jp-Cell ')
    return body[:i] + toc + body[i:] if toc and i >= 0 else body


def pager_html(pages, current) -> str:
    "Previous/next links in the order of the sidebar"
    names = [p['name'] for p in pages]
    if current not in names: return ''
    i, parts = names.index(current), []
    if i > 0:
        q = pages[i - 1]
        parts.append(f'<a class="bx-prev" rel="prev" href="{q["name"]}"><small>&larr; Previous</small>{html.escape(nav_label(q))}</a>')
    if i + 1 < len(pages):
        q = pages[i + 1]
        parts.append(f'<a class="bx-next" rel="next" href="{q["name"]}"><small>Next &rarr;</small>{html.escape(nav_label(q))}</a>')
    return f'<nav class="bx-pager" aria-label="Previous and next page">{"".join(parts)}</nav>' if parts else ''


def sidebar_key(q: Path, index_nb: Path):
    "Sort key of a notebook in the sidebar: the home page, then SIDEBAR_FIRST in its order, then by file name"
    first = SIDEBAR_FIRST.index(q.stem) if q.stem in SIDEBAR_FIRST else len(SIDEBAR_FIRST)
    return (q != index_nb, first, str(q))


def resolve_only(names, nbs: Path, index_nb: Path) -> list:
    "Notebooks named by path, file name or stem prefix (`03_model`, `03`, `nbs/03_model.ipynb`), plus the home page"
    found = [index_nb]
    for n in names:
        c = Path(n)
        if c.suffix == '.ipynb' and c.is_file(): found.append(c.resolve()); continue
        hits = sorted(nbs.glob(f'{c.name}.ipynb')) or sorted(nbs.glob(f'{c.name}*.ipynb'))
        if len(hits) != 1: raise SystemExit(f'--only {n}: ' + (f'ambiguous: {[h.name for h in hits]}' if hits else f'no notebook in {nbs}'))
        found.append(hits[0].resolve())
    return list(dict.fromkeys(q for q in found if q.is_file()))


_re_ipynb_link = re.compile(r'href="(?!https?:)([^"#]*?)\.ipynb(#[^"]*)?"')
# show_doc's Quarto link attributes, e.g. <a href="...">source</a>{target="_blank" style="..."}
_re_quarto_attrs = re.compile(r'(<a [^>]*?)>([^<]*)</a>\{((?:\s*[\w-]+="[^"]*")+)\s*\}')



def render_page(exporter, pg: dict, pages: list, mathjax: bool = False) -> tuple:
    """One page of the site: `pg` is {'name', 'title', 'nb' (executed notebook or None), 'path', 'failed', 'err'},
    `pages` all pages in sidebar order. Returns (HTML, [(cell index, stderr text) shown on the page])"""
    import nbformat
    nbd = pg['nb'] if pg.get('nb') is not None else nbformat.v4.new_notebook()
    disp, has_plotly = display_nb(nbd)
    banner = ''
    if pg.get('failed'):
        banner = (f'<div class="bx-build-error">This page failed to build: {html.escape(str(pg["path"].name if pg.get("path") else ""))} '
                  f'{html.escape(pg.get("err", ""))}</div>')
    res = {'bx_css': CSS, 'bx_plotly': 'plotly.min.js' if has_plotly else '', 'bx_nav': nav_html(pages, pg['name']),
           'bx_mathjax': 'tex-svg.js' if mathjax else '',
           'bx_banner': banner, 'bx_pager': pager_html(pages, pg['name']), 'metadata': {'name': pg['title']}}
    body, _ = exporter.from_notebook_node(disp, resources=res)
    body = add_toc(body)
    body = _re_quarto_attrs.sub(lambda m: f'{m.group(1)} {m.group(3).strip()}>{m.group(2)}</a>', body)
    body = _re_ipynb_link.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
    return body, shown_stderr(disp)


def main(argv=None) -> int:
    cfg = settings()
    nbs = ROOT / cfg.get('nbs_path', 'nbs')
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('notebooks', nargs='*', type=Path, help='notebooks to build (default: every notebook in nbs/)')
    p.add_argument('--only', nargs='+', metavar='NAME', default=None,
                   help='build only these notebooks (path, file name or stem such as 03_model) plus the home page')
    p.add_argument('--out', type=Path, default=ROOT / '_site', help='output folder (default: _site)')
    p.add_argument('--skip-slow', action='store_true', help=f"don't run cells flagged with tst_flags ({cfg.get('tst_flags', '')})")
    p.add_argument('--timeout', type=int, default=600, help='seconds allowed per cell')
    p.add_argument('--mathjax', default=None, help="MathJax 3's es5/tex-svg.js to render formulas offline (default: found in "
                   "node_modules beside the repo or in /tmp/bx-mathjax, or $BX_DOCS_MATHJAX)")
    a = p.parse_args(argv)

    index_nb = (nbs / cfg.get('readme_nb', 'index.ipynb')).resolve()
    paths = [q.resolve() for q in a.notebooks] or sorted(
        q for q in nbs.rglob('*.ipynb') if not any(part.startswith(('_', '.')) for part in q.relative_to(nbs).parts))
    if a.only: paths = list(dict.fromkeys([q.resolve() for q in a.notebooks] + resolve_only(a.only, nbs, index_nb)))
    if not paths: print(f'no notebooks found in {nbs}', file=sys.stderr); return 1
    paths.sort(key=lambda q: sidebar_key(q, index_nb))
    skip_flags = set(cfg.get('tst_flags', 'slow').split()) if a.skip_slow else set()
    out = a.out.resolve(); out.mkdir(parents=True, exist_ok=True)
    os.environ['PLOTLY_RENDERER'] = 'plotly_mimetype'  # inherited by the kernels: figures come out as JSON
    os.environ.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')

    import nbformat, plotly
    pages = []
    for q in paths:
        try: nbd = nbformat.read(q, as_version=4)
        except Exception as e:
            print(f'FAILED {q}: cannot read notebook: {e}', file=sys.stderr)
            pages.append(dict(path=q, nb=None, name=page_name(q, nbs), title=q.stem, failed=True, err=str(e))); continue
        name = 'index.html' if q == index_nb else page_name(q, nbs)
        pages.append(dict(path=q, nb=nbd, name=name, title=nb_title(nbd) or q.stem))
    if not any(pg['name'] == 'index.html' for pg in pages):
        import nbformat.v4 as v4
        pages.insert(0, dict(path=None, name='index.html', title=cfg.get('lib_name', 'Home'),
                             nb=v4.new_notebook(cells=[v4.new_markdown_cell(f"# {cfg.get('lib_name', '')}\n\n> {cfg.get('description', '')}")])))

    failures, timings, stderr_found, t_all = [], [], [], time.time()
    for pg in pages:
        if pg['nb'] is None or pg['path'] is None: continue
        t0 = time.time()
        rel = pg['path'].relative_to(ROOT) if pg['path'].is_relative_to(ROOT) else pg['path']
        print(f'executing {rel} ...', flush=True)
        if pg['name'] != 'index.html': add_show_docs(pg['nb'])
        cell_i, err, full = execute(pg['nb'], pg['path'].parent, skip_flags, a.timeout)
        timings.append((str(rel), time.time() - t0))
        if err is not None:
            pg['failed'], pg['err'] = True, f'cell {cell_i}: {err}'
            failures.append(f'{rel} cell {cell_i} (0-based index in the notebook): {err}')
            print(f'FAILED {rel} at cell {cell_i}:\n{full[-3000:]}', file=sys.stderr, flush=True)
        print(f'  {time.time() - t0:.1f}s', flush=True)

    shutil.copyfile(Path(plotly.__file__).parent / 'package_data' / 'plotly.min.js', out / 'plotly.min.js')
    mathjax = find_mathjax(a.mathjax)
    if mathjax: shutil.copyfile(mathjax, out / 'tex-svg.js'); print(f'math rendered offline with {mathjax}')
    else: print('MathJax not found (npm install mathjax@3, then --mathjax .../es5/tex-svg.js): formulas stay as TeX source')
    with tempfile.TemporaryDirectory() as td:
        exporter = make_exporter(Path(td))
        for pg in pages:
            body, errs = render_page(exporter, pg, pages, mathjax=bool(mathjax))
            stderr_found += [(pg['name'], i, t) for i, t in errs]
            (out / pg['name']).write_text(body, encoding='utf-8')
    print(f'wrote {len(pages)} page(s) to {out} in {time.time() - t_all:.1f}s')
    for n, t in timings: print(f'  {t:6.1f}s  {n}')
    if stderr_found:
        print(f'\nstderr shown on pages ({len(stderr_found)} output(s); tools/check_docs.py fails on these: '
              'silence the warning or log in the notebook):', file=sys.stderr)
        for name, i, t in stderr_found:
            first = ' | '.join(l.strip() for l in t.splitlines()[:2])
            print(f'  {name} cell {i}: {first[:200]}', file=sys.stderr)
    if failures:
        print('\nnotebooks that failed to execute:', file=sys.stderr)
        for f in failures: print(f'  {f}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__': sys.exit(main())

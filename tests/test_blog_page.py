"""The blog page in the engine it is written for: a real Jekyll build (kramdown, GFM input, MathJax
maths, as al-folio configures it), then the built page in headless Chromium with MathJax 3."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from _need import need
from dpo_mixture.cli import main
from test_documents import mathjax_dir

#: al-folio's text column, in CSS pixels.
COLUMN_PX = 880

CONFIG = """\
markdown: kramdown
kramdown:
  input: GFM
  math_engine: mathjax
"""

#: A minimal post layout: the title in <title> and <h1>, MathJax 3 configured as al-folio does.
#: When MathJax has typeset the page, a script writes what the test checks into <pre id="report">.
LAYOUT = """\
<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{ page.title }}</title>
<script>
window.MathJax = {tex: {tags: 'ams', inlineMath: [['$', '$'], ['\\\\(', '\\\\)']]},
  svg: {fontCache: 'global'},
  startup: {pageReady: () => MathJax.startup.defaultPageReady().then(() => {
    const post = document.querySelector('.post');
    const column = post.getBoundingClientRect().width;
    const math = [...MathJax.startup.document.math];
    const widths = math.filter(m => m.display).map(m => [m.typesetRoot.querySelector('svg').getBoundingClientRect().width, m.math.slice(0, 120)]);
    const walker = document.createTreeWalker(post, NodeFilter.SHOW_TEXT);
    const raw = []; let node;
    while ((node = walker.nextNode())) { if (/\\\\[A-Za-z]+|\\$\\$/.test(node.nodeValue)) raw.push(node.nodeValue.slice(0, 80)); }
    const out = document.createElement('pre'); out.id = 'report';
    out.textContent = JSON.stringify({column, displays: widths.length, inline: math.length - widths.length,
      wide: widths.filter(w => w[0] > column), errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length, raw});
    document.body.appendChild(out);
  })}};
</script>
<script src="MATHJAX"></script>
<style>body { font-size: 16px; margin: 0 } .post { width: %dpx; margin: 0 auto }</style>
</head><body><div class="post"><h1 class="post-title">{{ page.title }}</h1>
{{ content }}</div></body></html>
""" % COLUMN_PX


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The paper built for al-folio (figure under /assets/img/), inside a minimal Jekyll site."""
    need(shutil.which("jekyll") is not None, "jekyll is not installed (Debian/Ubuntu: apt-get install jekyll)")
    root = tmp_path_factory.mktemp("site")
    out = root / "build"
    assert main(["build", "--out", str(out), "--asset-url", "/assets/img/"]) == 0
    src = root / "src"
    (src / "_posts").mkdir(parents=True)
    (src / "_layouts").mkdir()
    (src / "assets" / "img").mkdir(parents=True)
    (src / "_config.yml").write_text(CONFIG)
    modules = mathjax_dir()
    script = (modules / "mathjax-full" / "es5" / "tex-svg-full.js") if modules else Path("/missing")
    (src / "_layouts" / "post.html").write_text(LAYOUT.replace("MATHJAX", script.as_uri() if modules else ""))
    shutil.copy(out / "dpo_mixture.md", src / "_posts" / "2026-11-27-dpo-mixture.md")
    for png in out.glob("*.png"):
        shutil.copy(png, src / "assets" / "img" / png.name)
    done = subprocess.run(["jekyll", "build", "-s", str(src), "-d", str(root / "_site")],
                          capture_output=True, text=True, timeout=300)
    pages = list((root / "_site").rglob("dpo-mixture.html"))
    return {"done": done, "pages": pages, "root": root, "md": (out / "dpo_mixture.md").read_text(), "script": script}


def test_jekyll_builds_the_post_without_error(site):
    done = site["done"]
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert not re.search(r"error|exception|warning", log, re.I), log
    assert len(site["pages"]) == 1


def test_front_matter_is_read(site):
    from dpo_mixture.derivations import PAPER

    html = site["pages"][0].read_text()
    title = PAPER.title.replace("'", "&#39;")
    assert f"<title>{title}</title>" in html
    assert f'<h1 class="post-title">{title}</h1>' in html
    assert "layout: post" not in html  # the front matter was consumed, not printed


def test_kramdown_makes_exactly_the_intended_tables(site):
    html = site["pages"][0].read_text()
    intended = len(re.findall(r"^\|[-:|]+\|$", site["md"], re.M))
    assert intended >= 4
    assert html.count("<table") == intended


def test_figure_is_linked_under_the_asset_url(site):
    import importlib.util

    # the figure is drawn with matplotlib (the plot extra); without it the post has none
    need(importlib.util.find_spec("matplotlib") is not None, "matplotlib is not installed: pip install 'dpo-mixture[plot]'")
    html = site["pages"][0].read_text()
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert sources == ["/assets/img/tpm_vs_beta.png"]
    assert (site["root"] / "_site" / "assets" / "img" / "tpm_vs_beta.png").is_file()


def _chromium() -> str | None:
    return next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None)


def test_page_renders_in_a_browser_without_errors_raw_tex_or_wide_displays(site):
    browser = _chromium()
    need(browser is not None, "chromium is not installed (Debian/Ubuntu: apt-get install chromium)")
    need(site["script"].is_file(), "mathjax-full@3 is not installed (npm install mathjax-full@3 into .ci-tmp/)")
    page = site["pages"][0]
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         f"--window-size={COLUMN_PX + 120},4000", "--virtual-time-budget=60000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=300,
    )
    found = re.search(r'<pre id="report">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-2000:]
    result = json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"'))
    assert result["column"] == COLUMN_PX
    assert result["displays"] > 50 and result["inline"] > 100
    assert result["errors"] == 0
    assert result["raw"] == []
    assert result["wide"] == [], result["wide"]

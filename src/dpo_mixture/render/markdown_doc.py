"""The blog page: a Jekyll/al-folio post (kramdown, GFM input, MathJax) printed from the blocks.

kramdown reads ``$$...$$`` inside a paragraph as inline maths and on lines of its own as a
display.  The front matter is YAML with every string double-quoted (a JSON string is a valid
YAML double-quoted scalar), so a colon in a title cannot break it.  Figures are linked as
``ASSET_URL + file``; with the default empty prefix the page expects the PNG beside it.
"""

from __future__ import annotations

import json

from .blocks import (
    Appendix, Bibliography, CitationMark, Display, Env, Figure, Front, Heading, Link, Math, Para, Proof, Table, Text,
)
from .latex_doc import check_maths_apart
from .paper import Paper
from .printer import MACROS

__all__ = ["render_markdown", "front_matter"]


def front_matter(paper: Paper) -> str:
    """al-folio's front matter for ``paper``, as YAML.

    >>> print(front_matter(Paper("A: note", tags=("math",))), end="")
    ---
    layout: post
    title: "A: note"
    description: ""
    tags: "math"
    categories: ""
    related_posts: false
    ---
    """
    fields = [("layout", "post"), ("title", paper.title)]
    if paper.date:
        fields.append(("date", paper.date))
    fields += [
        ("description", paper.description),
        ("tags", " ".join(paper.tags)),
        ("categories", " ".join(paper.categories)),
    ]
    lines = [f"{key}: {value}" if key in ("layout", "date") else f"{key}: {json.dumps(value, ensure_ascii=False)}"
             for key, value in fields]
    return "---\n" + "\n".join(lines) + "\nrelated_posts: false\n---\n"


def _liquid_safe(tex: str) -> str:
    """Maths that Jekyll's Liquid pass leaves alone: ``{{`` and ``{%`` would start a Liquid tag.

    >>> _liquid_safe("x^{{2}}")
    'x^{ {2}}'
    """
    return tex.replace("{{", "{ {").replace("{%", "{ %")


def inline(tokens, in_table: bool = False) -> str:
    check_maths_apart(tokens)  # two formulas side by side would read as one ($$a < u$$$$b < 2$$)
    out = []
    for t in tokens:
        if isinstance(t, Text):
            text = t.text.replace("|", "\\|") if in_table else t.text
            out.append(text)
        elif isinstance(t, Math):
            out.append(f"$${_liquid_safe(t.tex)}$$")
        elif isinstance(t, Link):
            out.append(f"[{t.word} {t.number}](#{t.label})" if t.number else f"[{t.word}](#{t.label})")
        elif isinstance(t, CitationMark):
            links = ", ".join(f"[{n}](#ref-{k})" for k, n in zip(t.keys, t.numbers))
            detail = f", {t.detail}" if t.detail else ""
            out.append(f"\\[{links}{detail}\\]")
        else:
            raise TypeError(f"unknown inline token {type(t).__name__}")
    return "".join(out)


class _Writer:
    def __init__(self, asset_url: str):
        self.asset_url = asset_url

    def block(self, block) -> str:
        if isinstance(block, Heading):
            number = f"{block.number} " if block.number else ""
            anchor = f" {{#{block.label}}}" if block.label else ""
            return f"{'#' * (block.level + 1)} {number}{inline(block.text)}{anchor}\n\n"
        if isinstance(block, Para):
            return inline(block.text) + "\n\n"
        if isinstance(block, Display):
            body = " \\\\\n".join(_liquid_safe(line) for line in block.lines)
            tag = f"\\qquad\\text{{[{block.tag}]}}" if block.tag else ""
            return f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}{tag}\n$$\n\n"
        if isinstance(block, Table):
            head = "| " + " | ".join(inline(h, True) for h in block.header) + " |"
            align = block.align or "l" * len(block.header)
            rule = "|" + "|".join({"c": ":---:", "r": "---:"}.get(a, "---") for a in align) + "|"
            rows = "\n".join("| " + " | ".join(inline(c, True) for c in row) + " |" for row in block.rows)
            anchor = f'<span id="{block.label}"></span>' if block.label else ""
            number = f"*Table {block.number}.* " if block.number else ""
            caption = f"\n\n{anchor}{number}{inline(block.caption)}" if (block.caption or anchor) else ""
            return f"{head}\n{rule}\n{rows}{caption}\n\n"
        if isinstance(block, Figure):
            number = f"Figure {block.number}" if block.number else "Figure"
            anchor = f'<span id="{block.label}"></span>' if block.label else ""
            image = f"![{number}]({self.asset_url}{block.path})\n\n" if block.path else ""
            return f"{image}{anchor}*{number}.* {inline(block.caption)}\n\n"
        if isinstance(block, Env):
            title = f" ({inline(block.title)})" if block.title else ""
            number = f" {block.number}" if block.number else ""
            # **Theorem 1.** or **Theorem 5** (exact gap)**.**, never four asterisks in a row
            head = (f'<span id="{block.label}"></span>**{block.word}{number}**{title}**.**' if title
                    else f'<span id="{block.label}"></span>**{block.word}{number}.**')
            return self.lead(head, block.blocks)
        if isinstance(block, Proof):
            return self.lead(f"*{block.name}.*", block.blocks) + '<p style="text-align: right">&#8718;</p>\n\n'

        if isinstance(block, Bibliography):
            items = "".join(f'{n}. <span id="ref-{key}"></span>{inline(text)}\n' for key, n, text in block.entries)
            return f"## References {{#references}}\n\n{items}\n"
        if isinstance(block, Appendix):
            return ""
        if isinstance(block, Front):
            byline = f"*{', '.join(block.authors)}*\n\n" if block.authors else ""
            abstract = f"**Abstract.** {inline(block.abstract)}\n\n" if block.abstract else ""
            return byline + abstract
        raise TypeError(f"unknown block {type(block).__name__}")


    def lead(self, head: str, blocks) -> str:
        """``head`` starts the first paragraph of ``blocks``, or stands alone before a display."""
        inner = "".join(self.block(b) for b in blocks)
        if blocks and isinstance(blocks[0], Para):
            return f"{head} {inner}"
        return f"{head}\n\n{inner}"


def _macros() -> str:
    # defined in a hidden block, so that the definitions take no room on the page
    defs = "\n".join(f"\\newcommand{{\\{name}}}{{\\operatorname{{{text}}}}}" for name, text in MACROS.items())
    return f'<div style="display: none" markdown="1">\n\n$$\n{defs}\n$$\n\n</div>\n\n'


def render_markdown(blocks: list, paper: Paper, asset_url: str = "") -> str:
    """The complete Markdown page for ``blocks``: front matter, macros, then the body.

    >>> page = render_markdown([Front("A note", (), ()), Para((Text("Let "), Math("x > 0"), Text(".")))], Paper("A note"))
    >>> page.startswith('---\\nlayout: post\\ntitle: "A note"') and "$$x > 0$$" in page
    True
    """
    writer = _Writer(asset_url)
    body = "".join(writer.block(b) for b in blocks)
    return front_matter(paper) + "\n" + _macros() + body

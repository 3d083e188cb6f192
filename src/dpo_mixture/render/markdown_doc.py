"""The blog page: a Jekyll/al-folio post with ``$$`` maths, printed from the document blocks."""

from __future__ import annotations

from .blocks import Display, Env, Figure, Heading, Para, Table
from .inline import split_maths
from .latex_doc import TITLE
from .printer import MACROS

__all__ = ["render_markdown", "FRONT_MATTER"]

FRONT_MATTER = {
    "layout": "post",
    "title": TITLE,
    "date": "2026-11-27",
    "description": "Machine-checked analysis of KL-regularized preference tuning with a mixture reference model",
    "tags": "math dpo machine-learning",
    "categories": "research",
    "related_posts": "false",
}


def _inline(text: str) -> str:
    # kramdown (Jekyll) reads $$...$$ inside a paragraph as inline maths
    return "".join(f"$${piece}$$" if maths else piece for maths, piece in split_maths(text))


def _cell(text: str) -> str:
    # a bar would end the table cell; inside maths \vert prints the same bar
    return "".join(f"$${piece.replace('|', chr(92) + 'vert ')}$$" if maths else piece.replace("|", "\\|") for maths, piece in split_maths(text))


def _block(block, numbers: dict) -> str:
    if isinstance(block, Heading):
        return f"{'#' * (block.level + 1)} {block.text}\n\n"
    if isinstance(block, Para):
        return _inline(block.text) + "\n\n"
    if isinstance(block, Display):
        body = " \\\\\n".join(block.lines)
        tag = f"\\qquad\\text{{[{block.tag}]}}" if block.tag else ""
        return f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}{tag}\n$$\n\n"
    if isinstance(block, Table):
        head = "| " + " | ".join(_cell(h) for h in block.header) + " |"
        rule = "|" + "|".join("---" for _ in block.header) + "|"
        rows = "\n".join("| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows)
        caption = f"\n\n*{_inline(block.caption)}*" if block.caption else ""
        return f"{head}\n{rule}\n{rows}{caption}\n\n"
    if isinstance(block, Figure):
        return f"![{block.caption}]({block.path})\n\n*{_inline(block.caption)}*\n\n"
    if isinstance(block, Env):
        inner = "".join(_block(b, numbers) for b in block.blocks)
        if block.kind == "proof":
            return f"*Proof.*\n\n{inner}$$\\blacksquare$$\n\n"
        return f"**{block.kind.capitalize()} {block.number} ({block.title}).** {inner}"
    raise TypeError(f"unknown block {type(block).__name__}")


def render_markdown(blocks: list) -> str:
    """The complete Markdown page for ``blocks``, with the macros it uses defined up front.

    >>> page = render_markdown([Para("Let $x > 0$.")])
    >>> page.startswith("---\\nlayout: post") and "$$x > 0$$" in page
    True
    """
    front = "---\n" + "".join(f"{k}: {v}\n" for k, v in FRONT_MATTER.items()) + "---\n\n"
    macros = "$$\n" + "".join(f"\\newcommand{{\\{name}}}{{\\operatorname{{{text}}}}}\n" for name, text in MACROS.items()) + "$$\n\n"
    numbers: dict = {}
    return front + macros + "".join(_block(b, numbers) for b in blocks)

"""Printing: the notation printer, prose, the paper's frame, and the two documents.

>>> from dpo_mixture.notation import beta
>>> latex(beta ** 2)
'\\\\beta^{2}'
"""

from .document import FigureFile, document_blocks
from .latex_doc import render_latex
from .layout import relation_lines, width
from .markdown_doc import render_markdown
from .paper import Paper, Reference, WorkedExample
from .printer import NotationPrinter, latex
from .prose import Citation, Prose, Ref, prose

__all__ = [
    "Citation",
    "FigureFile",
    "NotationPrinter",
    "Paper",
    "Prose",
    "Ref",
    "Reference",
    "WorkedExample",
    "document_blocks",
    "latex",
    "prose",
    "relation_lines",
    "render_documents",
    "render_latex",
    "render_markdown",
    "width",
]


def render_documents(report, paper: Paper, figures=(), asset_url: str = "") -> tuple[str, str]:
    """``(tex, markdown)`` for a checked report framed by ``paper``; ``figures`` are embedded in
    both, and the blog page links them as ``asset_url + file name``."""
    blocks = document_blocks(report, paper, tuple(figures))
    return render_latex(blocks), render_markdown(blocks, paper, asset_url)

"""Printing: the notation printer and the two documents (paper and blog page)."""

from .blocks import Figure, document_blocks
from .latex_doc import render_latex
from .markdown_doc import render_markdown
from .printer import NotationPrinter, latex

__all__ = ["Figure", "NotationPrinter", "document_blocks", "latex", "render_documents", "render_latex", "render_markdown"]


def render_documents(report, figures=()) -> tuple[str, str]:
    """``(tex, markdown)`` for a checked report; ``figures`` are embedded in both."""
    blocks = document_blocks(report, tuple(figures))
    return render_latex(blocks), render_markdown(blocks)

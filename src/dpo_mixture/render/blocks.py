"""The document as neutral blocks and inline tokens, which both writers print.

:mod:`.document` builds the blocks from a checked report and the paper's frame; the paper
writer (:mod:`.latex_doc`) and the blog writer (:mod:`.markdown_doc`) print the same blocks, so
the two documents cannot drift apart.  Maths inside a block is LaTeX that the notation printer
produced from a SymPy object; nothing here holds maths typed by hand.

Inline text is a tuple of tokens: :class:`Text` (sentences with ``**bold**``, ``*emphasis*``
and ```code``` markup), :class:`Math`, :class:`Link` (a cross-reference, already numbered) and
:class:`CitationMark` (already numbered).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Text", "Math", "Link", "CitationMark", "Inline",
    "Front", "Heading", "Para", "Display", "Env", "Proof", "Table", "Figure", "Bibliography", "Appendix",
]


# --- inline tokens ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Math:
    tex: str


@dataclass(frozen=True)
class Link:
    """A cross-reference: ``word`` and ``number`` ("Lemma", "2"); unnumbered targets have an
    empty number and their title as ``word``."""

    label: str
    word: str
    number: str = ""


@dataclass(frozen=True)
class CitationMark:
    """Bibliography entries by key, with their numbers in the bibliography."""

    keys: tuple[str, ...]
    numbers: tuple[int, ...]
    detail: str = ""


Inline = tuple[Any, ...]


# --- blocks -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Front:
    """Title, authors and abstract."""

    title: str
    authors: tuple[str, ...]
    abstract: Inline


@dataclass(frozen=True)
class Heading:
    text: Inline
    level: int = 1
    number: str = ""
    label: str = ""


@dataclass(frozen=True)
class Para:
    text: Inline


@dataclass(frozen=True)
class Display:
    """Aligned lines ``lhs & rel rhs`` (already LaTeX), with an optional tag beside them."""

    lines: tuple[str, ...]
    tag: str = ""


@dataclass(frozen=True)
class Env:
    """A theorem-like statement: ``word`` ("Lemma") and ``number``, an optional ``title``."""

    kind: str  # lemma, theorem, proposition, corollary, claim
    word: str
    number: str
    title: Inline
    label: str
    blocks: tuple[Any, ...]


@dataclass(frozen=True)
class Proof:
    """A proof (or a refutation): ``name`` heads it."""

    name: str
    blocks: tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    caption: Inline = ()
    number: str = ""
    label: str = ""
    align: str = ""  # one letter per column (l, c, r); left aligned by default
    long: bool = False  # may break across pages


@dataclass(frozen=True)
class Figure:
    path: str
    caption: Inline
    number: str = ""
    label: str = ""


@dataclass(frozen=True)
class Bibliography:
    """Entries as ``(key, number, text)`` with the text as inline tokens."""

    entries: tuple[tuple[str, int, Inline], ...]


@dataclass(frozen=True)
class Appendix:
    """From here on, sections are appendices (numbered A, B, ...)."""

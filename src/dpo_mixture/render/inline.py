"""Inline prose markup shared by the writers: ``**bold**``, ``*emphasis*``, ```code```, ``$maths$``."""

from __future__ import annotations

import re

__all__ = ["split_maths", "to_latex_text"]

_MATH = re.compile(r"(\$[^$]+\$)")
_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}


def split_maths(text: str) -> list[tuple[bool, str]]:
    """Split prose into ``(is_maths, piece)`` parts; maths pieces keep no dollar signs.

    >>> split_maths("a $x$ b")
    [(False, 'a '), (True, 'x'), (False, ' b')]
    """
    parts = []
    for piece in _MATH.split(text):
        if not piece:
            continue
        if piece.startswith("$") and piece.endswith("$") and len(piece) > 1:
            parts.append((True, piece[1:-1]))
        else:
            parts.append((False, piece))
    return parts


def _escape(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(c, c) for c in text)


def _markup(text: str) -> str:
    out = []
    for i, code_part in enumerate(re.split(r"`([^`]*)`", text)):
        if i % 2 == 1:
            # identifiers such as step ids may break after a hyphen
            out.append(r"\texttt{" + _escape(code_part).replace("-", r"-\allowbreak{}") + "}")
            continue
        piece = _escape(code_part)
        piece = re.sub(r"\*\*(.+?)\*\*", r"\\textbf{\1}", piece)
        piece = re.sub(r"\*(.+?)\*", r"\\emph{\1}", piece)
        out.append(piece)
    return "".join(out)


def to_latex_text(text: str) -> str:
    """Prose with markdown-style markup as LaTeX.

    >>> to_latex_text("**Step** [`a-b`]: 50% of $p_{x}$")
    '\\\\textbf{Step} [\\\\texttt{a-\\\\allowbreak{}b}]: 50\\\\% of $p_{x}$'
    """
    return "".join(f"${piece}$" if maths else _markup(piece) for maths, piece in split_maths(text))

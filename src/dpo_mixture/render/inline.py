"""Inline markup shared by the writers: ``**bold**``, ``*emphasis*`` and ```code``` in text tokens."""

from __future__ import annotations

import re

__all__ = ["markup_parts", "to_latex_text", "tex_escape"]

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
    "$": r"\$",
}
_MARKUP = re.compile(r"`([^`]*)`|\*\*(.+?)\*\*|\*(.+?)\*")


def tex_escape(text: str) -> str:
    """Plain text as LaTeX text: special characters escaped, typographic quotes kept.

    >>> tex_escape("50% of a_b")
    '50\\\\% of a\\\\_b'
    """
    return "".join(_TEX_SPECIAL.get(c, c) for c in text)


def markup_parts(text: str) -> list[tuple[str, str]]:
    """Split text into ``(style, piece)`` with style ``""``, ``"code"``, ``"bold"`` or ``"emph"``.

    >>> markup_parts("a **b** *c* `d`")
    [('', 'a '), ('bold', 'b'), ('', ' '), ('emph', 'c'), ('', ' '), ('code', 'd')]
    """
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _MARKUP.finditer(text):
        if m.start() > pos:
            out.append(("", text[pos:m.start()]))
        code, bold, emph = m.groups()
        out.append(("code", code) if code is not None else ("bold", bold) if bold is not None else ("emph", emph))
        pos = m.end()
    if pos < len(text):
        out.append(("", text[pos:]))
    return out


def to_latex_text(text: str) -> str:
    """Text with markup as LaTeX.

    >>> to_latex_text("**Step** [`a-b`]: 50%")
    '\\\\textbf{Step} [\\\\texttt{a-\\\\allowbreak{}b}]: 50\\\\%'
    """
    out = []
    for style, piece in markup_parts(text):
        tex = tex_escape(piece)
        if style == "code":
            # identifiers such as step ids may break after a hyphen
            out.append(r"\texttt{" + tex.replace("-", r"-\allowbreak{}") + "}")
        elif style == "bold":
            out.append(r"\textbf{" + tex + "}")
        elif style == "emph":
            out.append(r"\emph{" + tex + "}")
        else:
            out.append(tex)
    return "".join(out)

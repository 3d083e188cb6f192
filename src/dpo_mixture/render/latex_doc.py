"""The paper: a standalone LaTeX article printed from the document blocks.

Results use ``amsthm`` environments on one shared counter; sections, results, tables and
figures carry ``\\label`` and are cited with ``\\ref``, so LaTeX's numbers are the ones the
blocks assigned.  Displays are ``aligned`` blocks in ``equation*`` with the verdict as
``\\tag*``, which amsmath moves below a line that leaves it no room; nothing is scaled.
"""

from __future__ import annotations

from .blocks import (
    Appendix, Bibliography, CitationMark, Display, Env, Figure, Front, Heading, Link, Math, Para, Proof, Table, Text,
)
from .inline import tex_escape, to_latex_text
from .printer import MACROS
from .prose import _ends_apart, _starts_apart, _visible

__all__ = ["render_latex", "check_maths_apart"]

_PREAMBLE = r"""\documentclass[11pt]{article}
\ifdefined\pdftrailerid\pdftrailerid{}\pdfinfoomitdate=1\fi
\usepackage[margin=1in]{geometry}
\usepackage{amsmath,amssymb,amsthm}
\usepackage{graphicx}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{array}
\usepackage{microtype}
\usepackage[hidelinks]{hyperref}
\emergencystretch=2em
\newtheorem{lemma}{Lemma}
\newtheorem{theorem}[lemma]{Theorem}
\newtheorem{proposition}[lemma]{Proposition}
\newtheorem{corollary}[lemma]{Corollary}
\newtheorem*{claim}{Claim}
"""


def _macros() -> str:
    return "".join(f"\\DeclareMathOperator{{\\{name}}}{{{text}}}\n" for name, text in MACROS.items())


def check_maths_apart(tokens) -> None:
    """A ValueError if a :class:`Math` token does not stand apart from what is printed beside it.

    Both writers print inline maths token by token (``$a < u$$b < 2$``), so two formulas side
    by side, or with only spaces or empty markup between, read as one: "a < ub < 2", "ab",
    "2a".  And what a reference prints beside a formula is text like any other: a result's
    title "(1/2)" before ``a < u`` reads "(1/2) a < u", a title "5" in brackets after ``a < 2``
    reads "a < 2(5)".  :func:`~.prose.prose` refuses such prose where it can see it; this is
    the writers' own guard, for every sentence, the package's too, with each reference as it
    is printed.
    """
    printed = [_printed(t) for t in tokens]
    maths = [i for i, t in enumerate(tokens) if isinstance(t, Math)]
    for k, i in enumerate(maths):
        start = maths[k - 1] + 1 if k else 0
        end = maths[k + 1] if k + 1 < len(maths) else len(tokens)
        before, after = "".join(printed[start:i]), "".join(printed[i + 1:end])
        if k and not before.strip():
            raise ValueError(
                f"the document would print the maths {tokens[maths[k - 1]].tex!r} and {tokens[i].tex!r} side by "
                "side with no words between them, as one formula; put words between them, such as \" and \" or \", \""
            )
        glued = before if not _ends_apart(before) else after if not _starts_apart(after) else None
        if glued is not None:
            raise ValueError(
                f"the document would print {glued.strip()!r} right against the maths {tokens[i].tex!r}, as one "
                "formula (a reference prints its title or its number); put words between them"
            )


def _printed(t) -> str:
    """What an inline token shows as text (a formula: nothing here)."""
    if isinstance(t, Text):
        return _visible(t.text)
    if isinstance(t, Link):
        return f"{t.word} {t.number}" if t.number else t.word
    if isinstance(t, CitationMark):
        return "[" + ", ".join([*map(str, t.numbers), *([t.detail] if t.detail else [])]) + "]"
    return ""


def inline(tokens) -> str:
    """Inline tokens as LaTeX: text with markup, maths, ``\\ref`` links and ``\\cite``."""
    check_maths_apart(tokens)
    out = []
    for t in tokens:
        if isinstance(t, Text):
            out.append(to_latex_text(t.text))
        elif isinstance(t, Math):
            out.append(f"${t.tex}$")
        elif isinstance(t, Link):
            out.append(f"{tex_escape(t.word)}~\\ref{{{t.label}}}" if t.number else tex_escape(t.word))
        elif isinstance(t, CitationMark):
            detail = f"[{tex_escape(t.detail)}]" if t.detail else ""
            out.append(f"\\cite{detail}{{{','.join(t.keys)}}}")
        else:
            raise TypeError(f"unknown inline token {type(t).__name__}")
    return "".join(out)


def _display(block: Display) -> str:
    body = " \\\\\n".join(block.lines)
    tag = f"\\tag*{{\\textsf{{[{block.tag}]}}}}" if block.tag else ""
    return f"\\begin{{equation*}}\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}{tag}\n\\end{{equation*}}\n"


def _columns(block: Table) -> str:
    align = block.align or "l" * len(block.header)
    wraps = align.count("L")
    if not wraps:
        return align
    share = 0.24 / wraps  # wrapped columns share what the narrow ones leave
    return "".join(f">{{\\raggedright\\arraybackslash}}p{{{share:.2f}\\linewidth}}" if a == "L" else a for a in align)


def _table(block: Table) -> str:
    head = " & ".join(inline(h) for h in block.header) + r" \\"
    rows = "\n".join(" & ".join(inline(c) for c in row) + r" \\" for row in block.rows)
    anchor = f"\\refstepcounter{{table}}\\label{{{block.label}}}" if block.label else ""
    caption = ""
    if block.caption or block.label:
        number = "Table~\\thetable. " if block.label else ""
        caption = f"{{\\small {number}{inline(block.caption)}}}"
    if block.long:
        return (
            f"{anchor}\n\\begin{{longtable}}{{{_columns(block)}}}\n\\toprule\n{head}\n\\midrule\n\\endhead\n"
            # longtable steps the table counter itself: taken back, so that numbers run on
            f"{rows}\n\\bottomrule\n\\end{{longtable}}\n\\addtocounter{{table}}{{-1}}\n"
            f"\\begin{{center}}{caption}\\end{{center}}\n"
        )
    # a minipage keeps the table and its caption on one page
    return (
        f"\\begin{{center}}\\begin{{minipage}}{{\\linewidth}}\\centering\n{anchor}"
        f"\\begin{{tabular}}{{{_columns(block)}}}\n\\toprule\n{head}\n\\midrule\n{rows}\n"
        f"\\bottomrule\n\\end{{tabular}}\\par\\smallskip\n{caption}\n\\end{{minipage}}\\end{{center}}\n"
    )


def _figure(block: Figure) -> str:
    # a float, placed by LaTeX near its first mention; \caption numbers it as the blocks did
    graphic = f"\\includegraphics[width=0.85\\linewidth]{{{block.path}}}\n" if block.path else ""
    label = f"\\label{{{block.label}}}" if block.label else ""
    return (
        "\\begin{figure}[tbp]\n\\centering\n"
        f"{graphic}\\caption{{{inline(block.caption)}}}{label}\n\\end{{figure}}\n"
    )


def _bibliography(block: Bibliography) -> str:
    items = "".join(f"\\bibitem{{{key}}} {inline(text)}\n" for key, _, text in block.entries)
    return f"\\begin{{thebibliography}}{{{len(block.entries)}}}\n{items}\\end{{thebibliography}}\n\n"


def _block(block) -> str:
    if isinstance(block, Heading):
        level = "sub" * (block.level - 1)
        label = f"\\label{{{block.label}}}" if block.label else ""
        return f"\\{level}section{{{inline(block.text)}}}{label}\n"
    if isinstance(block, Para):
        return inline(block.text) + "\n\n"
    if isinstance(block, Display):
        return _display(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return _figure(block)
    if isinstance(block, Env):
        inner = "".join(_block(b) for b in block.blocks)
        title = f"[{inline(block.title)}]" if block.title else ""
        return f"\\begin{{{block.kind}}}{title}\\label{{{block.label}}}\n{inner}\\end{{{block.kind}}}\n\n"
    if isinstance(block, Proof):
        inner = "".join(_block(b) for b in block.blocks)
        return f"\\begin{{proof}}[{block.name}]\n{inner}\\end{{proof}}\n\n"
    if isinstance(block, Bibliography):
        return _bibliography(block)
    if isinstance(block, Appendix):
        return "\\appendix\n"
    if isinstance(block, Front):
        authors = " \\and ".join(tex_escape(a) for a in block.authors)
        abstract = f"\\begin{{abstract}}\n{inline(block.abstract)}\n\\end{{abstract}}\n\n" if block.abstract else ""
        # the PDF's own title and author fields too (what a viewer's window and an index show)
        listed = ", ".join(tex_escape(a) for a in block.authors)
        return (
            f"\\hypersetup{{pdftitle={{{tex_escape(block.title)}}}, pdfauthor={{{listed}}}}}\n"
            f"\\title{{{tex_escape(block.title)}}}\n\\author{{{authors}}}\n\\date{{}}\n"
            f"\\begin{{document}}\n\\maketitle\n\n{abstract}"
        )
    raise TypeError(f"unknown block {type(block).__name__}")


def render_latex(blocks: list) -> str:
    """The complete ``.tex`` source for ``blocks`` (the first of which is the :class:`Front`).

    >>> src = render_latex([Front("A note", ("A. Author",), ()), Heading((Text("Intro"),), 1, "1", "intro"),
    ...                     Para((Text("Let "), Math("x > 0"), Text(".")))])
    >>> src.startswith("\\\\documentclass") and "\\\\section{Intro}\\\\label{intro}" in src and "$x > 0$" in src
    True
    """
    if not blocks or not isinstance(blocks[0], Front):
        raise ValueError("a document starts with its Front block (title, authors, abstract)")
    return _PREAMBLE + _macros() + "".join(_block(b) for b in blocks) + "\\end{document}\n"

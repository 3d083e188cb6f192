"""Display layout: how wide a printed formula is, and how to break a long relation into lines.

Neither writer scales a display down to fit: a relation wider than the text column is broken
across the lines of an ``aligned`` block instead, at the ``+`` and ``-`` between the terms of a
side, with continuation lines indented after the relation sign.  Both writers print the same
lines, so the paper and the blog page break in the same places.

:func:`width` estimates the width of LaTeX maths in em of the surrounding font, in display
style, from the shapes the notation printer emits (fractions, sums, scripts, delimiters).  It
is an estimate; the tests measure the real widths (TeX's overfull-box check, MathJax's layout).
"""

from __future__ import annotations

import re

import sympy as sp

from .printer import NotationPrinter, chains, latex

__all__ = ["width", "relation_lines", "TEXT_WIDTH_EM", "DISPLAY_BUDGET_EM"]

#: Width of the paper's text column in em (6.5 in at 11 pt), the narrower of the two documents
#: (the blog column of al-folio is about 880 px, 55 em at 16 px).
TEXT_WIDTH_EM = 42.5
#: What a display may use of it; the rest is left for the margin tag and the alignment indent.
DISPLAY_BUDGET_EM = 32.0

_REL = {"==": "=", "<": "<", "<=": r"\leq", ">": ">", ">=": r"\geq", "!=": r"\neq"}
_GREEK_OR_SYMBOL = 0.6
_WORDS = {  # commands that print a word in upright type: width of the word
    "log": 1.3, "max": 1.6, "min": 1.5, "lim": 1.3, "exp": 1.5, "sup": 1.4, "inf": 1.2,
    "supp": 1.9, "TPM": 2.2, "unif": 1.7, "card": 1.9, "KL": 1.3,
}
_SPACES = {",": 0.17, ":": 0.22, ";": 0.28, " ": 0.33, "quad": 1.0, "qquad": 2.0, "!": -0.17}
_RELATIONS = {"leq", "geq", "neq", "to", "mid", "in", "approx", "sim", "implies", "iff", "le", "ge", "Longrightarrow"}
_BINARY = {"cdot", "times", "wedge", "vee", "pm", "cup", "cap"}
_IGNORED = {"left", "right", "displaystyle", "Big", "Bigl", "Bigr", "big", "bigl", "bigr", "limits", "nolimits"}


class _Reader:
    """A tiny reader of the LaTeX the printer emits, summing estimated widths."""

    def __init__(self, tex: str):
        self.tex = tex
        self.i = 0

    def group(self) -> str:
        """The next argument: a braced group's inside, or one token."""
        self.skip_spaces()
        if self.i >= len(self.tex):
            return ""
        if self.tex[self.i] == "{":
            depth, start = 0, self.i
            while self.i < len(self.tex):
                c = self.tex[self.i]
                if c == "\\":
                    self.i += 2
                    continue
                depth += c == "{"
                depth -= c == "}"
                self.i += 1
                if depth == 0:
                    return self.tex[start + 1:self.i - 1]
            return self.tex[start + 1:]
        if self.tex[self.i] == "\\":
            m = re.compile(r"\\([A-Za-z]+|.)").match(self.tex, self.i)
            self.i = m.end()
            return m.group(0)
        self.i += 1
        return self.tex[self.i - 1]

    def skip_spaces(self) -> None:
        while self.i < len(self.tex) and self.tex[self.i] == " ":
            self.i += 1


def width(tex: str, scale: float = 1.0) -> float:
    """Estimated width of ``tex`` in em (display style; ``scale`` for scripts).

    >>> round(width(r"a + b"), 2)
    2.32
    >>> width(r"\\frac{a + b}{c}") < width(r"a + b + c")
    True
    """
    r = _Reader(tex)
    total = 0.0
    while r.i < len(tex):
        c = tex[r.i]
        if c in " &":
            r.i += 1
            continue
        if c in "^_":
            r.i += 1
            script = width(r.group(), scale * 0.7)
            # a superscript and a subscript on the same base stack: count the wider once
            if r.i < len(tex) and tex[r.i] in "^_" and tex[r.i] != c:
                r.i += 1
                script = max(script, width(r.group(), scale * 0.7))
            total += script
            continue
        if c == "{":
            w = width(r.group(), scale)
        elif c == "\\":
            w = _command(r, scale)
        elif c in "=<>":
            r.i += 1
            w = 1.33 * scale
        elif c in "+-":
            r.i += 1
            w = (1.22 if total > 0 else 0.78) * scale
        elif c in "()[]|":
            r.i += 1
            w = 0.39 * scale
        elif c in ",;":
            r.i += 1
            w = 0.45 * scale
        elif c in "'.":
            r.i += 1
            w = 0.28 * scale
        elif c.isdigit():
            r.i += 1
            w = 0.5 * scale
        else:
            r.i += 1
            w = 0.55 * scale
        total += w
    return total


def _command(r: _Reader, scale: float) -> float:
    m = re.compile(r"\\([A-Za-z]+|.)").match(r.tex, r.i)
    r.i = m.end()
    name = m.group(1)
    if name in _SPACES:
        return _SPACES[name] * scale
    if name in _IGNORED:
        return 0.0
    if name == "frac":
        num, den = r.group(), r.group()
        inner = scale * 0.7 if scale < 1 else scale  # display style keeps full size; scripts shrink
        return max(width(num, inner), width(den, inner)) + 0.25 * scale
    if name == "sum":
        return 1.45 * scale
    if name in ("text", "textsf", "mathrm", "operatorname", "mathit"):
        arg = r.group()
        return 0.5 * len(re.sub(r"\\[A-Za-z]+|[{}]", "", arg)) * scale + (0.1 if name == "operatorname" else 0.0)
    if name in ("mathcal", "mathbb", "mathbf"):
        r.group()
        return 0.8 * scale
    if name in ("substack", "tag"):
        return width(r.group(), scale)
    if name == "vert":
        return 0.28 * scale
    if name in _WORDS:
        return (_WORDS[name] + 0.17) * scale
    if name in _RELATIONS:
        return 1.33 * scale
    if name in _BINARY:
        return 1.22 * scale
    if name in ("infty",):
        return 1.0 * scale
    if name in ("dots", "ldots", "cdots"):
        return 1.2 * scale
    if len(name) == 1:  # \{ \} \| and the like
        return 0.5 * scale
    return _GREEK_OR_SYMBOL * scale


# --- relations as lines ---------------------------------------------------------------------


def _terms(expr: sp.Expr) -> list[str]:
    """The signed terms of a sum as printed, each with its sign: ``['a', '- b', '+ c']``."""
    printer = NotationPrinter()
    out = []
    for i, term in enumerate(printer._as_ordered_terms(expr)):
        negative = term.could_extract_minus_sign()
        body = -term if negative else term
        tex = latex(body)
        if isinstance(body, sp.Add):
            tex = r"\left(%s\right)" % tex
        out.append(("- " if negative else ("+ " if i else "")) + tex)
    return out


def _fill(pieces: list[str], room: float) -> list[str]:
    """Greedy: join pieces into runs no wider than ``room`` (a lone wide piece stays alone)."""
    runs: list[str] = []
    for piece in pieces:
        if runs and width(runs[-1] + " " + piece) <= room:
            runs[-1] += " " + piece
        else:
            runs.append(piece)
    return runs


def _side(expr: sp.Expr, room: float) -> list[str]:
    """``expr`` printed in one run, or broken at its terms into runs that fit ``room``."""
    tex = latex(expr)
    if width(tex) <= room or not isinstance(expr, sp.Add):
        return [tex]
    return _fill(_terms(expr), room)


def _one_relation(lhs: sp.Expr, links: list[tuple[str, sp.Expr]], budget: float) -> tuple[str, ...]:
    """Lines for ``lhs rel1 p1 rel2 p2 ...``, aligned at the relation signs."""
    left = latex(lhs)
    right = [(sign, latex(point)) for sign, point in links]
    whole = " ".join(f"{s} {t}" for s, t in right)
    if len(right) > 1 and width(left) + width(whole) <= 0.7 * budget:
        return (f"{left} &{whole}",)  # a short chain reads best on one line
    if all(width(left) + width(f"{s} {t}") <= budget for s, t in right):
        lines = [f"{left} &{right[0][0]} {right[0][1]}"]
        lines += [f"&{s} {t}" for s, t in right[1:]]
        return tuple(lines)
    if width(left) <= 0.4 * budget:
        # left side kept, each right side broken into runs after the sign
        room = budget - width(left) - 2.5
        lines = []
        for k, (sign, point) in enumerate(links):
            runs = _side(point, room)
            head = f"{left} &{sign} " if k == 0 else f"&{sign} "
            lines.append(head + runs[0])
            lines.extend(r"&\quad " + run for run in runs[1:])
        return tuple(lines)
    # a wide left side: everything flush left, the signs indented under it
    lines = [f"&{run}" if i == 0 else rf"&\quad {run}" for i, run in enumerate(_side(lhs, budget))]
    room = budget - 3.0
    for sign, point in links:
        runs = _side(point, room)
        lines.append(rf"&\qquad {sign} {runs[0]}")
        lines.extend(r"&\qquad\quad " + run for run in runs[1:])
    return tuple(lines)


def relation_lines(rel: sp.Basic, chain: tuple[sp.Expr, ...] = (), budget: float = DISPLAY_BUDGET_EM,
                   defines: bool = False) -> tuple[str, ...]:
    """Aligned display lines for ``rel`` (and its display chain ``lhs = c1 = ... rel rhs``).
    With ``defines``, an equation that gives a new name a value prints ``:=``, so that it reads
    as a definition, never as a claim about a quantity of that name.

    Lines align at the relation signs; a line wider than ``budget`` em is broken at the terms
    of its sides.  A conjunction prints one chain of inequalities per line.

    >>> from dpo_mixture.notation import beta
    >>> relation_lines(sp.Le(beta, 2))
    ('\\\\beta &\\\\leq 2',)
    """
    if isinstance(rel, sp.And):
        # one chain a < b < c per line, aligned at the first sign
        parts = [
            (latex(links[0].lhs), " ".join(f"{_REL[x.rel_op]} {latex(x.rhs)}" for x in links)) for links in chains(rel)
        ]
        joined = r",\qquad ".join(f"{a} {b}" for a, b in parts)
        if len(parts) > 1 and width(joined) <= budget:
            return ("&" + joined,)  # the chains side by side
        return tuple(f"{a} &{b}" for a, b in parts)
    points = [*chain, rel.rhs]
    signs = ["="] * len(chain) + [":=" if defines and isinstance(rel, sp.Eq) and not chain else _REL[rel.rel_op]]
    return _one_relation(rel.lhs, list(zip(signs, points)), budget)

"""Prose for the documents: sentences whose maths are SymPy objects, with references and citations.

A :class:`Prose` is a sequence of parts.  Text parts are plain sentences with light markup
(``**bold**``, ``*emphasis*``, ```code```); maths parts are SymPy objects, which both writers
print through the notation printer, so a symbol in a sentence looks exactly as it does in a
display.  :class:`Ref` points at a labelled result, section, table or figure and prints as
"Lemma 2"; :class:`Citation` points at an entry of the bibliography.

Text parts may not carry maths of their own: a dollar sign, a backslash, ASCII maths
(``p_A``, ``e^x``, ``->``, ``<``, ``=``, a Greek letter's name) or Unicode maths (``β``, ``≤``) is refused when the prose is built, with the offending text
named, so that no formula in a sentence bypasses the printer.

Two maths parts need words between them: side by side (or with only spaces or empty markup
between) the documents would print them as one formula, ``a < u`` and ``b < 2`` as
"a < ub < 2", and so they are refused, with the two parts named.

>>> from dpo_mixture.notation import beta
>>> text = prose("Fix a temperature ", sp.Gt(beta, 0, evaluate=False), " as in ", Ref("setting"), ".")
>>> [type(part).__name__ for part in text.parts]
['str', 'StrictGreaterThan', 'str', 'Ref', 'str']
>>> prose("p_A is the aligned part")
Traceback (most recent call last):
...
ValueError: prose text 'p_A is the aligned part' contains ASCII maths ('_'); give the maths as a SymPy object
>>> prose("with ", sp.Symbol("a"), " ", sp.Symbol("b"))
Traceback (most recent call last):
...
ValueError: prose puts the maths 'a' and 'b' side by side with no words between them, which the documents would print as one formula; put words between them, such as " and " or ", "
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .inline import markup_parts

__all__ = ["Prose", "Ref", "Citation", "Approx", "approx", "prose", "as_prose"]

#: What a text part may not contain, with the reason shown in the error.
_ASCII_MATHS = re.compile(
    r"->|<=|>=|!=|==|[$\\_^<>=]|(?<![A-Za-z])[A-Za-z]'(?![A-Za-z])"  # f' but not L'Hopital or I'm
    r"|(?<![-A-Za-z])(?:alpha|beta|gamma|delta|theta|lambda|sigma|pi|mu|tau|epsilon)(?![-A-Za-z])"
    r"|&#?[A-Za-z0-9]+;|\{:"  # an HTML entity (&lt;) or a kramdown extension ({::comment})
    r"|[^\x00-\x7f\u00a0\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f\u2010-\u2015\u2018-\u201f\u2026]"
    # outside ASCII, only Latin letters with accents, dashes, quotes and the ellipsis: anything
    # else (Greek, maths operators, look-alikes of < and alpha) would be maths no check sees
)
_CODE = re.compile(r"`[^`]*`")  # code markup is shown as typed, never as maths
#: What code markup may not carry either: a relation or a power written as text is a formula
#: (`u**2 < 0`) that no check sees.  (`given=`, and a command-line option, `--seconds=5`, are code.)
_CODE_MATHS = re.compile(r"<|>|\*\*|\^|=(?!`$)|[^\x00-\x7f]")


@dataclass(frozen=True)
class Ref:
    """A cross-reference to ``label``: a derivation's id, a section, a figure or a table.

    The documents print it as the target's kind and number ("Proposition 4", "Section 3",
    "Figure 1"); an unnumbered target prints as its title.  ``capital=False`` gives the kind in
    lower case for the middle of a sentence where a style wants it ("see figure 1").
    """

    label: str
    capital: bool = True


@dataclass(frozen=True)
class Citation:
    """A citation of one or more bibliography entries, by key, with an optional ``detail``
    such as a theorem number."""

    keys: tuple[str, ...]
    detail: str = ""

    def __init__(self, *keys: str, detail: str = "") -> None:
        if not keys or not all(isinstance(k, str) and k for k in keys):
            raise ValueError(f"Citation needs one or more non-empty keys, not {keys!r}")
        object.__setattr__(self, "keys", tuple(keys))
        object.__setattr__(self, "detail", check_text(detail) if isinstance(detail, str) else detail)


@dataclass(frozen=True)
class Prose:
    """Sentences as a tuple of parts: ``str``, SymPy objects, :class:`Ref` and :class:`Citation`."""

    parts: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        check_apart(self.parts)

    def __add__(self, other: Any) -> "Prose":
        return prose(self, other)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def maths(self) -> list[sp.Basic]:
        """The SymPy objects the prose mentions, in order."""
        return [p for p in self.parts if isinstance(p, sp.Basic)]

    def refs(self) -> list[Ref]:
        return [p for p in self.parts if isinstance(p, Ref)]

    def cites(self) -> list[Citation]:
        return [p for p in self.parts if isinstance(p, Citation)]


def check_text(text: str) -> str:
    """``text`` if it carries no maths of its own (see the module's rule), else a ValueError."""
    found = _ASCII_MATHS.search(_CODE.sub("", text)) or next(
        (m for code in _CODE.findall(text) if not code.startswith("`-") for m in [_CODE_MATHS.search(code)] if m), None)
    if found:
        raise ValueError(
            f"prose text {text!r} contains ASCII maths ({found.group(0)!r}); give the maths as a SymPy object"
        )
    return text


def _shows_nothing(text: str) -> bool:
    """Whether ``text`` prints as nothing but space: spaces, or markup around nothing (``** **``)."""
    return not _visible(text).strip()


def _visible(text: str) -> str:
    """What ``text`` shows, markup aside."""
    return "".join(piece for _, piece in markup_parts(text))


#: Words that act on the formula beside them as an operator would: "minus a < u" reads -a < u,
#: "log a < u" reads log(a) < u (before a formula), "u squared" reads u^2 (after one).
_ACTS_BEFORE = frozenset("twice thrice half double triple negated sqrt root log ln exp sin cos tan inverse "
                         "reciprocal".split())
#: Words after which "minus" can only negate what follows ("with minus a < u" reads -a < u);
#: after a noun it subtracts ("the reward minus beta times ...") and reads as written.
_OPENS = frozenset("with for and or if where when then of at to that is are be all every any some each by "
                   "as on in".split())
_ACTS_AFTER = frozenset("squared cubed halved doubled tripled factorial percent".split())
#: Words that join two formulas as an operator would when they are all that stands between
#: them ("a over u", "a times u"); before other words ("summed over the support") they do not.
_JOINS = frozenset("plus minus times over".split())


def _word_at(text: str, end: bool) -> str:
    """The last (``end``) or first word of ``text``, lower case, or ``""``."""
    words = re.findall(r"[A-Za-z]+", text)
    return (words[-1] if end else words[0]).lower() if words else ""


def _ends_apart(text: str) -> bool:
    """Whether maths after ``text`` stands apart from it: after a space that follows a word or
    a punctuation mark (``,`` ``.`` ``;`` ``:`` ``?`` or a closing quote), or after an opening
    bracket that itself stands after a space (``(where`` is apart, ``f(`` applies ``f``).  Any
    other mark before the space reads with the formula: a digit or an operator (``2 a``), a
    closing bracket (``(1/2) a``), a percent or a degree sign (``50% a``)."""
    if not text:
        return True
    if re.search(r"(?:^|\s)[(\[]\s*$", text):
        return True
    if not text[-1].isspace():
        return False
    last = text.rstrip()[-1:]
    if last.isalpha() and _word_at(text, end=True) in _ACTS_BEFORE or text.strip().lower() in _JOINS:
        return False
    words = re.findall(r"[A-Za-z]+|[,.;:?(]", text)
    if words and words[-1].lower() == "minus" and (len(words) == 1 or words[-2].lower() in _OPENS
                                                   or not words[-2].isalpha()):
        return False
    return not last or last.isalpha() or last in ",.;:?\"'\u201d\u2019"


def _starts_apart(text: str) -> bool:
    """Whether maths before ``text`` stands apart from it: before a space and then a word, a
    remark in brackets that opens with a word (`` (and of``), or nothing; or before a
    punctuation mark (``,`` ``.`` ``;`` ``:`` ``?``) or a closing bracket followed by a space or
    the end.  Anything else continues the formula: ``.5`` or ``,5`` (``a < 2.5``), a digit, an
    operator, a bracket (``a < 2 (5)``), ``%``, ``!`` (a factorial), a prime or a degree sign."""
    if not text:
        return True
    if re.match(r"[,.;:?](?:$|\s)", text) or re.match(r"[)\]](?:$|[\s,.;:?])", text):
        return True
    if not text[0].isspace():
        return False
    rest = text.lstrip()
    if re.match(r"[(\[][A-Za-z]{2,}\b", rest):  # a remark in brackets: " (and of ..."
        return True
    if rest[:1].isalpha() and _word_at(rest, end=False) in _ACTS_AFTER or rest.strip().lower() in _JOINS:
        return False
    return not rest or rest[0].isalpha() or bool(re.match(r"[,.;:?](?:$|\s)", rest))


def check_apart(parts: tuple[Any, ...]) -> None:
    """A ValueError if two maths parts of ``parts`` have no words between them.

    Side by side, or with only spaces between, the writers print them as one formula: the
    relations ``a < u`` and ``b < 2`` as "a < ub < 2", the names ``a`` and ``b`` as the product
    "ab", the number 2 and ``a`` as "2a".  A text part that shows something, a reference or a
    citation keeps them apart.
    """
    last = None  # the maths part with nothing shown after it yet
    for i, part in enumerate(parts):
        if isinstance(part, sp.Basic):
            before = parts[i - 1] if i else None
            after = parts[i + 1] if i + 1 < len(parts) else None
            if isinstance(before, (Ref, Citation)) or isinstance(after, (Ref, Citation)):
                # an unnumbered reference prints its title, which would run into the formula
                raise ValueError(f"prose puts a reference right against the maths {sp.sstr(part)!r}; put words "
                                 "between them")
            then = parts[i + 2] if i + 2 < len(parts) else None
            # a bracket that opens a reference or a remark in words: "a (see Section 2)"
            remark = isinstance(after, str) and _visible(after).strip() in ("(", "[") and isinstance(then, (Ref, Citation))
            glued = isinstance(before, str) and not _ends_apart(_visible(before)) and before or \
                isinstance(after, str) and not remark and not _starts_apart(_visible(after)) and after
            if glued:
                raise ValueError(
                    f"prose puts the text {glued!r} right against the maths {sp.sstr(part)!r}, which the documents "
                    "would print as one formula ('a < 2' then '0' reads 'a < 20', 'for all' then 'a' reads "
                    "'for alla'); put a space between them"
                )
            if last is not None:
                raise ValueError(
                    f"prose puts the maths {sp.sstr(last)!r} and {sp.sstr(part)!r} side by side with no words "
                    "between them, which the documents would print as one formula; put words between them, "
                    'such as " and " or ", "'
                )
            last = part
        elif not (isinstance(part, str) and _shows_nothing(part)):
            last = None


def prose(*parts: Any) -> Prose:
    """Build :class:`Prose` from text, SymPy objects, references, citations and other prose.

    Numbers given as Python ``int`` or ``float`` become SymPy numbers, so that they print like
    every other piece of maths.  Two maths parts need words between them (see :func:`check_apart`).

    >>> prose("a ", prose("b"), " c ", 2).parts
    ('a b c ', 2)
    """
    out: list[Any] = []
    for part in parts:
        if isinstance(part, Prose):
            out.extend(part.parts)
        elif isinstance(part, str):
            out.append(check_text(part))
        elif isinstance(part, (Ref, Citation)):
            out.append(part)
        elif isinstance(part, sp.core.function.UndefinedFunction):
            out.append(sp.Symbol(part.__name__))  # a named function, by its name: "g"
        elif isinstance(part, bool):
            raise TypeError(f"prose cannot hold the bool {part!r}")
        elif part is sp.true or part is sp.false:
            raise ValueError("a relation in the prose evaluated to True or False when it was built; "
                             "build it with evaluate=False so that the reader sees it")
        elif isinstance(part, (int, float, sp.Basic)):
            out.append(sp.sympify(part))
        else:
            raise TypeError(f"prose parts are str, SymPy objects, Ref, Citation or Prose, not {type(part).__name__}")
    merged: list[Any] = []
    for part in out:  # adjacent text parts join, so that markup may span them
        if merged and isinstance(part, str) and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return Prose(tuple(merged))


def as_prose(value: Any) -> Prose:
    """``value`` as :class:`Prose`: prose stays, a string is checked, ``None`` is empty."""
    if value is None or value == "":
        return Prose()
    return value if isinstance(value, Prose) else prose(value)


class Approx(sp.Function):
    """``lhs \\approx value``: a number known to a few digits, printed as such.

    >>> from dpo_mixture.render.printer import latex
    >>> latex(approx(sp.Symbol("beta^*"), 1.67834))
    '\\\\beta^{*} \\\\approx 1.678'
    """

    nargs = 2

    def _latex(self, printer) -> str:
        return f"{printer._print(self.args[0])} \\approx {printer._print(self.args[1])}"


def approx(lhs: Any, value: float, digits: int = 4) -> Approx:
    """``lhs \\approx value`` with ``value`` rounded to ``digits`` significant digits."""
    return Approx(sp.sympify(lhs), sp.Float(value, digits))

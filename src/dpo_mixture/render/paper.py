"""The frame of a document, declared by the derivations module that the document is built from.

A derivations module exports ``PAPER``, a :class:`Paper`: title, authors, abstract,
introduction, conclusion, bibliography, tags and the file stem.  The package's own paper is
declared this way in ``derivations/``; ``dpo-mixture build mine.py`` reads the same object from
a user's module, and :func:`Paper.default` frames a module that declares none.

A :class:`WorkedExample` asks for a section built from the counterexample that the engine finds
for one refuted step: the module's ``build`` function receives the instance and returns a
:class:`~dpo_mixture.proof.Derivation` whose steps the engine decides like any other.

>>> paper = Paper("A note", authors=("A. Author",), tags=("math",))
>>> paper.file_stem
'a_note'
>>> Paper.default("my_lemmas").title
'My lemmas'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .prose import Prose, as_prose, check_text

__all__ = ["Paper", "Reference", "WorkedExample"]


@dataclass(frozen=True)
class Reference:
    """One bibliography entry; ``key`` is what :class:`~dpo_mixture.render.prose.Citation` names.

    The text fields are plain strings (no maths); the writers typeset them in the usual order
    "authors. title. venue, year." with ``url`` after them when given.
    """

    key: str
    authors: str
    title: str
    venue: str = ""
    year: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", self.key):
            raise ValueError(f"reference key must be letters, digits, '-' or '_', starting with a letter, not {self.key!r}")
        for name in ("authors", "title"):
            if not getattr(self, name):
                raise ValueError(f"reference {self.key!r}: {name} is empty")
        if self.url and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s`<>\"'{}|\\^$]+", self.url):
            raise ValueError(f"reference {self.key!r}: url must be one URL without spaces, backticks, "
                             f"quotes, braces or dollar signs, not {self.url!r}")
        for name in ("authors", "title", "venue", "year"):  # text, as prose is (no maths of its own)
            try:
                check_text(getattr(self, name))
            except ValueError as exc:
                raise ValueError(f"reference {self.key!r}: {name}: {exc}") from None


@dataclass(frozen=True)
class WorkedExample:
    """A section built from the counterexample the engine finds for the step ``step``.

    ``build(instance)`` gets the instance (SymPy objects to exact values, as
    :attr:`dpo_mixture.proof.Counterexample.instance` holds it) and returns a derivation; it is
    placed right after the derivation that holds ``step``.  With ``figure`` set, the document
    also shows the total masses of the instance against the temperature, when the instance is
    one of the mixture model and the plotting extra is installed.

    The derivation's ``extras`` may ask for tables of the instance: ``"columns"``, triples
    ``(shown, expression in y, facts)``, and ``"quantities"``, pairs ``(expression, facts)``.
    Both are evaluated at the instance through the derivation's own ``context`` only (the facts
    are ignored: no definition the engine did not check gives a value), and a column's header
    ``shown`` must be its expression or a quantity the context defines as it.
    """

    step: str
    build: Callable[[dict], Any]
    figure: bool = True


def _stem(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "paper"


@dataclass(frozen=True)
class Paper:
    """The declared frame of a document.

    ``abstract`` is prose; ``introduction`` and ``conclusion`` are sequences of paragraphs
    (prose, or plain strings checked like prose).  ``stem`` names the output files
    (``STEM.tex``, ``STEM.md``, ``STEM.pdf``); by default it comes from the title.  ``date``
    (``YYYY-MM-DD``) and ``description``, ``tags`` and ``categories`` go into the blog page's
    front matter; an empty ``date`` is left out, so that two builds give the same bytes.

    >>> from dpo_mixture.render import prose
    >>> paper = Paper(title="Sums: a note", authors=("A. Author",), abstract=prose("We split a sum."),
    ...               tags=("math",))
    >>> paper.file_stem, paper.introduction
    ('sums_a_note', ())
    >>> Paper(title=" ")
    Traceback (most recent call last):
    ...
    ValueError: Paper title must be a non-empty string
    """

    title: str
    authors: tuple[str, ...] = ()
    abstract: Any = ""
    introduction: tuple[Any, ...] = ()
    conclusion: tuple[Any, ...] = ()
    references: tuple[Reference, ...] = ()
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    description: str = ""
    date: str = ""
    stem: str = ""
    examples: tuple[WorkedExample, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError("Paper title must be a non-empty string")
        try:
            check_text(self.title)
        except ValueError:  # a title is plain text (the PDF's metadata and the post's front matter)
            raise ValueError(f"Paper title {self.title!r} holds maths or a Greek letter's name; a title is plain "
                             "text: say it in words (\"two temperatures\") and put the maths in the abstract") from None
        for name in ("authors", "tags", "categories", "introduction", "conclusion", "references", "examples"):
            value = getattr(self, name)
            if isinstance(value, (str, Prose)):
                value = (value,)  # a single paragraph or name is a sequence of one
            object.__setattr__(self, name, tuple(value))
        for author in self.authors:
            check_text(str(author))
        object.__setattr__(self, "abstract", as_prose(self.abstract))
        object.__setattr__(self, "introduction", tuple(as_prose(p) for p in self.introduction))
        object.__setattr__(self, "conclusion", tuple(as_prose(p) for p in self.conclusion))
        if self.date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.date):
            raise ValueError(f"Paper date must be YYYY-MM-DD, not {self.date!r}")
        if self.stem and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", self.stem):
            raise ValueError(f"Paper stem must be a file name of letters, digits, '.', '-' or '_', not {self.stem!r}")
        keys = [r.key for r in self.references]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"Paper references: duplicate keys {dupes}")
        for tag in (*self.tags, *self.categories):
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", tag):
                raise ValueError(f"Paper tags and categories are single words, not {tag!r}")

    @property
    def file_stem(self) -> str:
        return self.stem or _stem(self.title)

    @classmethod
    def default(cls, module_name: str) -> "Paper":
        """The frame of a module that declares none: its name as the title, no frame text."""
        words = re.sub(r"[_\W]+", " ", module_name).strip() or "Derivations"
        title = words[0].upper() + words[1:]
        try:
            check_text(title)
        except ValueError:  # a name that reads as maths ("n_alpha"): the files keep it, the title not
            title = "Derivations"
        return cls(title=title, stem=_stem(module_name))

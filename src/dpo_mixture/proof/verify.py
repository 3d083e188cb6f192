"""Re-check a report: every certificate through the kernel, every counterexample exactly.

:func:`verify_report` takes the data of a ``report.json`` (as written by
:meth:`~dpo_mixture.proof.Report.to_json`) and, without running any strategy or search,

* re-checks each step's certificate with :func:`~dpo_mixture.proof.kernel.check`, citing only
  lemmas that themselves re-checked earlier in the report;
* re-confirms each counterexample: in exact arithmetic, or by interval arithmetic.

Expressions are read back by :func:`~dpo_mixture.proof.serial.loads`, which evaluates no code.

>>> from dpo_mixture.proof import Derivation, Report, Step
>>> import sympy as sp
>>> from dpo_mixture.notation import beta
>>> report = Report.run([Derivation("d", "d", (Step("b", "", sp.Gt(beta + 1, 1, evaluate=False), ""),))], parallel=False)
>>> [(r.step_id, r.ok) for r in verify_report(report.to_json())]
[('b', True)]
"""

from __future__ import annotations

import contextvars
import functools
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import sympy as sp
from sympy.core.function import AppliedUndef, FunctionClass

from ..notation import DOMAINS, Domain, n as _n
from .certificate import ProofCertificate, fact_from_json
from .certify import certify
from .definedness import defined_where
from .evaluate import EvaluationError, evaluate
from .facts import Definition, unfold
from .exact import beyond_domain
from .kernel import Goal, Lemma, check
from .normal_form import standardize
from .serial import loads
from .theory import Theory
from .verdict import Verdict

__all__ = ["Verification", "verify_report", "model_shown", "models", "declarations_shown"]


@dataclass(frozen=True)
class Verification:
    """One step of a report, re-checked: ``ok`` when its recorded verdict stands."""

    step_id: str
    recorded: str
    ok: bool
    detail: str


_GREEK = (r"(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|pi|"
          r"varpi|rho|varrho|sigma|varsigma|tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Pi|"
          r"Sigma|Upsilon|Phi|Psi|Omega)(?![A-Za-z])")
_SUB = rf"(?:_(?:[A-Za-z0-9]|\\{_GREEK}|\{{(?:[A-Za-z0-9,]|\\{_GREEK}|\\mathrm\{{[A-Za-z]+\}}|\\mathcal\{{[A-Z]\}})+\}}))"
_SUP = r"(?:\^(?:\*|\{\*\}|\{\\prime\}|\{\\star\})|'+)"
_ARGS = rf"\((?:[A-Za-z,;]|\{{i\}}|\\mid|\\{_GREEK}|\\mathcal\{{[A-Z]\}})+\)"
#: What a report may print an indexed name of its own as: "{name}" first, an optional
#: subscript (letters, digits, \\mathrm words), a star or a prime, and an argument list of
#: letters with "{i}" among them.  Anything else (a number, a sign, a power, a function such as
#: \\cos) would let the report show a statement other than the one it checks.  (A plain name's
#: print follows ``declare``'s rule: see :func:`_printed_name_ok`.)
_PRINTED_PATTERN = re.compile(rf"\{{name\}}(?:{_SUB}{_SUP}?|{_SUP}{_SUB}?)?{_ARGS}")


def _printed_name_ok(key: str, value: str) -> bool:
    """Whether a report may print a name of its own as ``value``: a name as ``declare`` allows
    one (``latex_name_problem``, ``juxtaposition_problem``: a letter, accented or in a font, or
    an upright word, with its scripts and arguments), an indexed pattern as
    :data:`_PRINTED_PATTERN` says.  (``name_clash`` then refuses a print that reads like
    another quantity's, as it does in ``check``.)"""
    from ..declare import _reads_as_expression as reads, juxtaposition_problem, latex_name_problem

    if key == "latex":
        return not (latex_name_problem(value) or juxtaposition_problem(value) or reads("", value, None))
    return bool(_PRINTED_PATTERN.fullmatch(value.replace(" ", ""))) and "{i}" in value


@contextmanager
def _printed(notation: Any) -> Iterator[None]:
    """Print the report's own names as the report says, for the duration of the check.  A name
    the package (or this session) already prints must print the same way: a report cannot
    make the package's quantities look like something else."""
    from ..notation import INDEXED_LATEX, LATEX_NAMES

    if not isinstance(notation, dict):
        raise ValueError("the report's 'notation' must map names to their LaTeX")
    added: list = []
    try:
        for name, entry in notation.items():
            if not isinstance(entry, dict):
                raise ValueError(f"the report's notation of {name!r} is not an object")
            for key, table in (("latex", LATEX_NAMES), ("indexed", INDEXED_LATEX)):
                if key not in entry:
                    continue
                value = entry[key]
                if not isinstance(value, str) or len(value) > 200:
                    raise ValueError(f"the report's {key} of {name!r} is not a short string")
                if name not in table and not _printed_name_ok(key, value):
                    raise ValueError(f"the report prints {name!r} as {value!r}, which is not a name "
                                     "(a number, an operator or a formula would change the statement shown)")
                if name in table and table[name] != value:
                    raise ValueError(f"the report prints {name!r} as {value!r}, but it prints as {table[name]!r} here")
                if name not in table:
                    table[name] = value
                    added.append((table, name))
        yield
    finally:
        for table, name in added:
            table.pop(name, None)


@contextmanager
def _declared(pairs: list) -> Iterator[None]:
    """Register the report's declared domains for the duration of the check, in place of
    whatever else the process registered: the registry then holds the package's own entries and
    the report's declarations alone, so that a report re-checks the same way in every process
    (a quantity it does not declare is read from its own assumptions, not from what a module
    loaded earlier said of it).  A declaration must say the domain its quantity has: the one a
    declared symbol carries, or the package's own for its quantities; otherwise the report would
    print one domain while the kernel reads another."""
    from ..notation import PACKAGE_DOMAINS, declared_domain

    keys: set = set()
    for text, _ in pairs:
        q = loads(text)
        key = q.label if isinstance(q, sp.IndexedBase) else q
        if key in keys:
            raise ValueError(f"the report declares {key} twice")
        keys.add(key)
    for text, name in pairs:
        q = loads(text)
        carried = declared_domain(q)
        has = carried if isinstance(carried, Domain) else PACKAGE_DOMAINS.get(q)
        if has is not None and has is not Domain[name]:
            raise ValueError(f"the report declares {q} in {Domain[name].value!r}, but {q} lies in {has.value!r}")
    before = dict(DOMAINS)
    for q in before:
        if q not in PACKAGE_DOMAINS:
            del DOMAINS[q]
    DOMAINS.update(PACKAGE_DOMAINS)
    try:
        for text, name in pairs:
            DOMAINS[loads(text)] = Domain[name]
        yield
    finally:
        for q in list(DOMAINS):
            del DOMAINS[q]
        DOMAINS.update(before)


def _goal(data: dict) -> tuple[Goal, tuple, Any]:
    g = data["goal"]
    defs = tuple(fact_from_json(f) for f in g.get("theory", []))
    if not all(isinstance(d, Definition) for d in defs):
        raise ValueError("a theory holds only definitions")
    overrides = tuple((loads(q), Domain[name]) for q, name in g.get("domains", []))
    theory = Theory(defs, overrides)
    goal = Goal(
        loads(g["claim"]),
        tuple(loads(h) for h in g.get("hypotheses", [])),
        theory,
        tuple(loads(c) for c in g.get("chain", [])),
        tuple(loads(c) for c in g.get("conditions", [])),
    )
    facts = tuple(fact_from_json(f) for f in g.get("facts", []))
    support = None if g.get("support") is None else loads(g["support"])
    return goal, facts, support


#: Longest text of one value in a recorded counterexample.
MAX_VALUE_TEXT = 400


_RATIONAL = re.compile(r"^-?\d+(/\d+)?$")


def _value(text: Any) -> sp.Rational:
    """An exact value as the report writes it, ``-3/4``; nothing else (no exponents, whose
    value could be astronomically long)."""
    if not isinstance(text, str) or len(text) > MAX_VALUE_TEXT or not _RATIONAL.match(text):
        raise ValueError("a counterexample value must be a short exact rational such as -3/4")
    value = sp.Rational(text)
    if not value.is_Rational:
        raise ValueError(f"not an exact rational: {text!r}")
    return value


def _counterexample_holds(goal: Goal, facts: tuple, support, values: dict) -> bool:
    """The recorded instance lies in the declared domains and in the support, satisfies the
    hypotheses and violates the claim, decided exactly (rational claims) or by interval
    arithmetic.  Only the model's definitions (and abbreviations of symbols it leaves free) are
    used, whatever the report says."""
    theory = goal.theory
    facts = theory.definitions + tuple(
        f for f in facts
        if isinstance(f, Definition) and theory.definition(f.target.base if isinstance(f.target, sp.Indexed) else f.target) is None
        and not theory.is_derived(f.target.base if isinstance(f.target, sp.Indexed) else f.target)
        and theory.domain(f.target.base if isinstance(f.target, sp.Indexed) else f.target) is None
    )
    if theory.support() is not None:  # the model says where the support is, whatever the file says
        support = theory.support()
    conclusion = standardize(unfold(goal.claim, facts))
    # where a condition of the statement fails it is undefined, not false: the conditions hold
    # at a counterexample, like the hypotheses
    hyps = tuple(standardize(unfold(h, facts)) for h in (*goal.hypotheses, *goal.conditions))
    # the side-conditions of the statement as written, and of every definition body it reaches
    defined = [d.map(lambda e: standardize(unfold(e, facts))) for d in defined_where((goal.claim, *goal.hypotheses), facts)]
    names = {}
    ranged = {s for d in defined for s, _, _ in d.ranges}  # bound: no instance gives them a value
    for e in (conclusion, *hyps, *(d.relation for d in defined)):
        names.update({str(s): s for s in e.free_symbols if isinstance(s, sp.Symbol) and s not in ranged})
        names.update({str(x.base.label): x.base for x in e.atoms(sp.Indexed)})
    instance: dict = {}
    for name, value in values.items():
        if name not in names:
            continue
        q = names[name]
        if isinstance(value, list):
            if not value or len(value) > 1000:
                return False
            instance[q] = [_value(v) for v in value]
            if instance.setdefault(_n, len(value)) != len(value):
                return False
        else:
            instance[q] = _value(value)
        if not theory.admits(q, instance[q]):
            return False
    if _n not in instance:
        instance[_n] = 2
    size = instance[_n]
    if not (isinstance(size, int) or getattr(size, "q", None) == 1) or int(size) < 1:
        return False  # the support's size is a positive integer
    instance[_n] = int(size)
    from .search import output_symbols, respects

    for q, v in instance.items():  # every vector has one entry per output, each in its own assumptions
        if isinstance(q, sp.IndexedBase) and (len(v) != instance[_n] or not all(respects(q, x) for x in v)):
            return False

    outputs = set(output_symbols([conclusion, *hyps]))  # read as the search reads them
    for q, v in list(instance.items()):
        if q is _n or not isinstance(q, sp.Symbol):
            continue
        if q in outputs:  # an output: inside the support
            if v.q != 1 or not 1 <= v <= instance[_n]:
                return False
            instance[q] = int(v)
        elif not respects(q, v):  # a scalar: inside its own assumptions
            return False
        elif q.is_integer:
            instance[q] = int(v)
    if support is not None:
        supp = unfold(support, facts)
        from ..notation import y

        for i in range(1, instance[_n] + 1):
            try:
                if evaluate(supp, {**instance, y: i}, "exact") == 0:
                    return False  # the instance leaves the support
            except (EvaluationError, ValueError, ZeroDivisionError, TypeError, KeyError):
                return False
    extra: list = []
    for d in defined:
        points = d.points(lambda e: evaluate(e, instance, "exact"))
        if points is None:
            return False
        extra += points
    return certify(conclusion, hyps + tuple(extra), instance)


def _displayed(step: dict, goal: Goal, support: sp.Expr | None = None) -> bool:
    """What the report shows (statement, hypotheses, the model's definitions, the step's
    domain overrides and its own support, in LaTeX) is what the kernel and a counterexample's
    check read."""
    from ..render.printer import latex

    if step.get("statement") != latex(goal.claim):
        return False
    shown = step.get("hypotheses")  # a report that shows none states none: missing means []
    if (shown or []) != [latex(h) for h in goal.hypotheses]:
        return False
    return step.get("model") == model_shown(goal.theory, support, (goal.claim, *goal.hypotheses))


def model_shown(theory: Theory, support: sp.Expr | None = None, exprs: tuple = ()) -> list[str]:
    """How a report shows the model a step was checked in: each definition, then each domain
    override, then the step's own support (where the model does not say where the support is),
    then what an operator of ``exprs`` says of itself beside the statement (an instance it is
    taken at: ``shown_in_model``), in LaTeX."""
    from ..render.printer import latex

    lines = [latex(d.relation) for d in theory.definitions] + [
        rf"{latex(q)} \in \text{{{dom.value}}}" for q, dom in theory.overrides
    ]
    if support is not None and theory.support() is None:
        lines.append(rf"\text{{support: }} {latex(support)} > 0")
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if hasattr(node, "shown_in_model"):
                line = node.shown_in_model(latex)
                if line not in lines:
                    lines.append(line)
    return lines


def _names(exprs) -> dict:
    out: dict = {}
    for e in exprs:
        symbols, vectors = _quantities_of(e)
        for s in symbols:
            out.setdefault(str(s), set()).add(s)
        for b in vectors:  # a vector is its label (which carries its assumptions)
            out.setdefault(str(b.label), set()).add(b.label)
    return out


@functools.lru_cache(maxsize=16384)
def _quantities_of(e: sp.Basic) -> tuple[frozenset, frozenset]:
    """The free symbols of ``e`` (placeholders left out) and its vectors, found once per
    expression: a report's names are compared for every step, and again with each worked
    example, over expressions that are mostly the same."""
    symbols = frozenset(s for s in e.free_symbols if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy))
    return symbols, frozenset(e.atoms(sp.IndexedBase))


#: SymPy's named constants: no quantity may print like one of them.
_CONSTANTS = (sp.pi, sp.E, sp.I, sp.EulerGamma, sp.GoldenRatio, sp.Catalan, sp.TribonacciConstant, sp.oo, sp.zoo, sp.nan)
#: The constants as SymPy prints them in text (``E``, ``I``, ``oo``, ...).
_CONSTANT_NAMES = frozenset(str(c) for c in _CONSTANTS)
#: The characters of a quantity's name (the text SymPy prints for it).
_NAME_CHARS = re.compile(r"[A-Za-z\\][A-Za-z0-9_{}\\^'*(),]*")


def plain_name_problem(name: str, vector: bool = False) -> str:
    """Why the text ``name`` could read as another expression (SymPy compares substitutions by
    the printed text of their points, so ``Symbol("E")`` would stand for Euler's number and
    ``Symbol("sqrt(2)")`` for the square root), or ``""``.  A name is letters, digits, ``_``,
    primes, LaTeX braces and commands, a trailing star, and an argument list after a head that
    names no SymPy function.  A ``vector``'s name may be a constant's: its entries print with
    their argument (``pi[k]``).

    >>> plain_name_problem(r"\\ell(\\theta)"), plain_name_problem("p_theta")
    ('', '')
    >>> plain_name_problem("E")
    'it is named like the constant E'
    """
    if name in _CONSTANT_NAMES and not vector:
        return f"it is named like the constant {name}"
    if not _NAME_CHARS.fullmatch(name):
        return "only letters, digits, _, primes, LaTeX braces and commands, and an argument list"
    if re.search(r"\*(?![*'}_^(]|$)", name):
        return "a star inside a name reads as a product"
    depth = 0
    for i, c in enumerate(name):
        depth += {"(": 1, "{": 1, ")": -1, "}": -1}.get(c, 0)
        if depth < 0 or c == "," and depth == 0:
            return "unbalanced brackets, or a comma outside them"
    if depth:
        return "unbalanced brackets"
    head = name.split("(", 1)[0]
    if "(" in name and _prints_as_call(head):
        return f"{head}(...) is how SymPy prints its {head}"
    if "(" in name and head.startswith("\\") and _as_word(_seen_as(head)) in _function_heads():
        # a LaTeX head: \\sigma(u) prints as the package's Sigmoid(u) does, \\Gamma(u) as SymPy's
        # gamma(u) (a plain word such as ln(x) is SymPy's text of no function; name_clash
        # refuses its print beside the others)
        return f"{head}(...) is how a function is printed"
    return ""


def _prints_as_call(head: str) -> bool:
    """Whether SymPy prints some expression as ``head(...)``: a function or another class of
    expressions of SymPy's or of the package's model (``exp``, ``gamma``, ``Sum``, ``O``,
    ``Sigmoid``), or ``sqrt`` (a power)."""
    from .. import model

    if head in ("sqrt", "O"):  # a square root and an order term print so
        return True
    for where in (sp, model):
        obj = getattr(where, head, None)
        named = getattr(obj, "__name__", None) == head  # an alias (ln for log) never prints
        if named and (isinstance(obj, type) and issubclass(obj, sp.Basic) or isinstance(obj, FunctionClass)):
            return True
    return False


@functools.lru_cache(maxsize=16384)
def _seen_as(tex: str) -> str:
    """A LaTeX fragment as a reader sees it: without spaces, grouping braces, or the upright and
    text fonts a letter may be set in (``\\mathrm{e}`` is e; bold is kept apart)."""
    tex = re.sub(r"\\(?:mathrm|mathit|mathnormal|text|textrm|textit|operatorname|mathup|mathbf|boldsymbol|bm|mathsf)"
                 r"(?![A-Za-z])\s*", "", tex)  # bold Greek prints plain in the paper
    tex = re.sub(r"\\ast(?![A-Za-z])", "*", tex)
    tex = re.sub(r"\^\s*\{?\s*\\prime\s*\}?|\\prime", "'", tex)  # w^{\prime} is w'
    tex = re.sub(r"[{}]", lambda m: m.group(0), tex)
    while True:  # an empty sub- or superscript shows nothing, however deeply grouped
        shorter = re.sub(r"[_^]\s*\{[\s{}]*\}", "", tex)
        if shorter == tex:
            break
        tex = shorter
    tex = re.sub(r"\\[,;:!]|\\(?:quad|qquad)\b|~", "", tex)
    tex = re.sub(r"(\\[A-Za-z]+)(?:\s|\{\})+(?=[A-Za-z])", "\\1\u00a7", tex)  # \alpha b stays two tokens
    return re.sub(r"[\s{}]", "", tex)


#: While :func:`name_clash` runs (in this thread, this context): each object's print, by the
#: object's identity (the same quantity is printed again and again as its name, its head and
#: its neighbours are compared).
_PRINTS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("name_check_prints", default=None)


def _print_once(expr, **settings) -> str:
    """:func:`~dpo_mixture.render.printer.latex`, printed once per object while a name check
    runs."""
    from ..render.printer import latex

    memo = _PRINTS.get()
    if settings or memo is None:
        return latex(expr, **settings)
    kept = memo.get(id(expr))
    if kept is None:
        kept = memo[id(expr)] = (expr, latex(expr))  # (the object is kept: its id stays its own)
    return kept[1]


def name_clash(exprs, definitions=(), scopes=()) -> str | None:
    """Why ``exprs`` cannot be shown unambiguously, or None: two different quantities with one
    name, or two that print alike (a user's ``beta`` beside the package's temperature), a
    scalar that prints like one of SymPy's constants (``pi``, ``e``, ``gamma``), or two
    vectors whose entries print alike.  ``check``, ``build`` and a claim refuse such a statement
    before deciding it, as ``verify`` refuses such a report.  ``definitions``: the model's
    definitions (``Definition`` objects), which say what a quantity is an expression of.
    ``scopes``: ``(expressions, definitions)`` pairs, the statements of several models with each
    model's definitions: an expression of a scope is read in that model alone (one that is in
    no scope, in ``definitions``), so that a report of several models is judged as
    ``verify`` judges each step in its own.

    >>> from dpo_mixture.notation import beta
    >>> name_clash([beta + sp.Symbol("beta")])
    'two different quantities are named beta'
    """
    # a name check of its own (the notation may differ between two checks: a report's own)
    token = _PRINTS.set({})
    try:
        return _name_clash(exprs, definitions, scopes)
    finally:
        _PRINTS.reset(token)


def _name_clash(exprs, definitions, scopes) -> str | None:
    from ..declare import latex_name_problem
    from ..notation import LATEX_NAMES
    latex = _print_once

    from .normal_form import _bound_of, binders

    # each expression once, in the order given (a report restates its context in every step):
    # a second look at the same expression finds what the first found
    exprs = list(dict.fromkeys(e for e in exprs if isinstance(e, sp.Basic)))
    registered = _registered()
    # a scalar that prints as \pi reads as the constant (a vector prints with its argument: pi(y))
    constants = {_seen_as(latex(c)): c for c in _CONSTANTS}
    labels = {b.label for e in exprs for b in _quantities_of(e)[1]}
    printed: dict = {}
    for name, objs in _names(exprs).items():
        if len(objs) > 1:
            return f"two different quantities are named {name}"
        (obj,) = objs
        # SymPy compares substitutions by the printed text of their points, so a name must
        # never print as another expression does: Symbol("E") is Euler's number there, and
        # Symbol("sqrt(2)") is sqrt(2)
        why = plain_name_problem(name, vector=obj in labels)
        if why:
            return f"the quantity {name!r} is not named plainly ({why}); rename it"
        # SymPy prints q1_b as q_{1 b}: a space inside a subscript shows nothing
        problem = "" if name in LATEX_NAMES else latex_name_problem(re.sub(r"\s+(?=[^{}]*\})", "", latex(obj)))
        if problem:  # printed as its name, which reads as maths: Symbol("w - 1") shows w - 1
            return f"the quantity {name} prints as {latex(obj)!r}, which is not a name ({problem}); rename it"
        shown = _seen_as(latex(obj))  # what a reader sees: "\pi " and "{\pi}" are \pi
        if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", shown) or not shown:
            return f"the quantity {name} prints as {latex(obj)!r}, which reads as a number or as nothing; rename it"
        like = constants.get(shown)
        if obj not in labels and like is not None:
            return f"the quantity {name} prints as {shown}, like the constant {like}; rename it"
        if printed.setdefault(shown, obj) != obj:
            return f"two different quantities print as {shown}: {printed[shown]} and {obj}"
        why = _package_name_problem(name, obj, registered)
        if why:
            return why
    why = _looks_like_another(printed, labels, exprs, registered)
    if why:
        return why
    kinds = binders()
    functions = {_seen_as(latex(sp.Symbol(f.__name__))): f
                 for f in sorted({type(a) for e in exprs for a in e.atoms(AppliedUndef)}, key=str)}
    operators = any(e.has(sp.Derivative, sp.Integral) for e in exprs)
    pieces = set(printed) | set(constants) | set(functions)
    # what a quantity is given as (its definition, Eq(q, body)): it may show the variables its
    # body holds, in the model that defines it so (each expression of a scope is read in that
    # scope's model, and in every one of them where it belongs to several)
    models: dict = {}

    def depends_in(defs) -> dict:
        key = tuple(defs)
        if key not in models:
            found: dict = {}
            for d in key:  # the model's own definitions only: a hypothesis Eq(L, h) is no definition
                target = d.target.base.label if isinstance(d.target, sp.Indexed) else d.target
                found.setdefault(target, set()).update(sp.sympify(d.expr).free_symbols)
            models[key] = found
        return models[key]

    readings: dict = {}
    for group, defs in scopes:
        model = depends_in(defs)
        for g in group:
            if isinstance(g, sp.Basic) and not any(m is model for m in readings.get(g, ())):
                readings.setdefault(g, []).append(model)
    everywhere = [depends_in(definitions)]
    # a binder met again (in another statement) in a model it was judged in is judged as before
    seen: set = set()
    for e in exprs:  # a bound variable printed like a free quantity reads as that quantity
        for node in sp.preorder_traversal(e):
            if not isinstance(node, kinds):
                continue
            unseen = [m for m in readings.get(e, everywhere) if (node, id(m)) not in seen]
            if not unseen:
                continue
            seen.update((node, id(m)) for m in unseen)
            for b in _bound_of(node):
                shown = _seen_as(latex(b))
                other = printed.get(shown, functions.get(shown))
                named = f"{b} (printed {latex(b)})" if str(b) != latex(b) else str(b)
                if other is not None and other != b:
                    return (f"the variable {named} bound by a {type(node).__name__} prints like the quantity {other} "
                            "that stands free beside it, so the statement would read as another one; rename one of them")
                why = _bound_name_problem(b, constants) or (
                    "prints as d beside a derivative or an integral" if shown == "d" and operators else "")
                parts = _split_into(shown, pieces - {shown})
                if parts:
                    why = f"reads as the product {' '.join(parts)}"
                if why:
                    return f"the variable {named} bound by a {type(node).__name__} {why}; rename it"
                caught = next((q for q in (_captured(node, b, shown, m) for m in unseen) if q is not None), None)
                if caught is not None:
                    return (f"the quantity {caught} prints with {shown} in it, inside a {type(node).__name__} that binds "
                            f"{named}: its {shown} would read as the bound one; rename one of them")
        why = _shadowed(e, {}, kinds)
        if why:
            return why
    entries: dict = {}
    for base in sorted({b for e in exprs for b in _quantities_of(e)[1]}, key=str):
        entry = _seen_as(latex(base[_ENTRY]))
        if entries.setdefault(entry, base) != base:
            return f"the entries of two different vectors print alike ({entry}): {entries[entry]} and {base}"
    from .serial import _function_name_problem

    for f in functions.values():  # f(a): its name is shown
        why = _function_name_problem(f.__name__)
        if why:
            return f"the function {f.__name__} is not named plainly ({why}); rename it"
    if operators and ("d" in printed or "d" in functions):
        return (f"the quantity {printed.get('d', functions.get('d'))} prints as d beside a derivative or an integral, "
                "whose d it would read as (d/du, du); rename it")
    return _side_by_side(printed, registered, constants)


def _script_form(tex: str) -> str:
    """A print as :func:`_seen_as` shows it, its script braces kept (``t_{ij}``: two letters)."""
    tex = re.sub(r"\\(?:mathrm|mathit|mathnormal|text|textrm|operatorname|mathup|mathbf|boldsymbol|bm|mathsf)"
                 r"(?![A-Za-z])\s*", "", tex)
    tex = re.sub(r"\\[,;:!]|\\(?:quad|qquad)\b|~|\s+", "", tex)
    return _seen_as(tex) if "_" not in tex and "^" not in tex else tex


#: Stands for an entry's index when a vector's print is searched for another variable.
_SLOT = sp.Symbol("QQslot")


def _captured(node: sp.Basic, b: sp.Basic, shown: str, depends: dict) -> sp.Basic | None:
    """A quantity inside the binder ``node`` (of ``b``, printed ``shown``) whose own print
    shows ``shown`` (``t_j`` under a sum over ``j``, the package's ``\\alpha(x)`` under a sum
    over a user's ``x``, ``L(h)`` under ``d/dh``), or None: that ``shown`` would read as the
    bound variable.  Under a variable's binder (a derivative, a limit, a substitution) a
    quantity given as an expression of that variable (``depends``: ``Z_t := sum e^{t r}``)
    shows it rightly."""
    latex = _print_once

    token = re.compile(r"(?<![A-Za-z\\])" + re.escape(shown) + r"(?![A-Za-z'])")
    # a variable with a script of its own (h_{1}, seen as h_1) is looked for as it is seen too:
    # L(h_{1}) shows it; x_{12} does not show x_1
    whole = re.compile(r"(?<![A-Za-z\\])" + re.escape(shown) + r"(?![A-Za-z0-9'_])")
    slot = _seen_as(latex(_SLOT))

    def shows(text: str) -> bool:  # as a token of its own, or as one letter of a script (t_{ij})
        scripts = re.findall(r"[_^]\{([^{}]*)\}|[_^](\\[A-Za-z]+|.)", text)
        letters = {t for pair in scripts for part in pair for t in re.findall(r"\\[A-Za-z]+|[A-Za-z]'*|\d+", part)}
        return bool(token.search(text)) or shown in letters or bool(whole.search(_seen_as(text)))

    # an index's binder (a sum, a maximum over the support) rather than a variable's
    index = not isinstance(node, (sp.Derivative, sp.Subs, sp.Limit, sp.Integral, sp.Lambda))
    for q in sorted(node.free_symbols - {b}, key=str):
        if isinstance(q, sp.Symbol) and shows(_script_form(latex(q))) and (index or b not in depends.get(q, ())):
            return q
    for base in sorted({i.base for i in node.atoms(sp.Indexed)}, key=str):
        if shows(_script_form(latex(base[_SLOT])).replace(slot, "")) and (index or b not in depends.get(base.label, ())):
            return base.label
    for f in sorted({type(a) for a in node.atoms(AppliedUndef)}, key=str):
        if shows(_script_form(latex(sp.Symbol(f.__name__)))):
            return f
    return None


def _bound_name_problem(b: sp.Basic, constants: dict) -> str:
    """Why a bound variable's print is no name (as a free quantity's would not be), or ``""``."""
    from ..declare import juxtaposition_problem
    latex = _print_once

    if not isinstance(b, sp.Symbol):
        return ""
    why = plain_name_problem(b.name) if not isinstance(b, sp.Dummy) else ""
    if why:
        return f"is not named plainly ({why})"
    why = juxtaposition_problem(latex(b))
    if why:
        return f"prints as {latex(b)!r}, which reads as several things side by side ({why})"
    like = constants.get(_seen_as(latex(b)))
    if like is not None:
        return f"prints like the constant {like}"
    return ""


def _shadowed(e: sp.Basic, enclosing: dict, kinds: tuple) -> str | None:
    """Why a variable bound inside another binder of ``e`` prints like that binder's own,
    different variable, or None: the inner one would read as the outer one's (the package's
    bound ``k`` prints ``y'``, like a user's index named so)."""
    latex = _print_once

    from .normal_form import _bound_of

    if not isinstance(e, sp.Basic) or not e.args:
        return None
    inner = enclosing
    if isinstance(e, kinds):
        inner = dict(enclosing)
        for b in _bound_of(e):
            shown = _seen_as(latex(b))
            outer = enclosing.get(shown)
            if outer is not None and outer != b:
                return (f"the variable {b} bound by a {type(e).__name__} prints as {shown}, like the variable {outer} "
                        "of a binder around it, so the statement would read as another one; rename one of them")
            inner[shown] = b
    for arg in e.args:
        why = _shadowed(arg, inner, kinds)
        if why:
            return why
    return None


def _side_by_side(printed: dict, registered: dict, constants: dict) -> str | None:
    """Why a quantity's print (``printed``: shown -> quantity) reads as a product, or None: TeX
    sets ``ab`` as ``a b``, ``a2`` as ``a`` times 2 and ``a\\sigma(u)`` as ``a`` times
    ``\\sigma(u)``, and an upright ``\\mathrm{ab}`` as the product of two upright names
    ``\\mathrm{a}`` and ``\\mathrm{b}`` standing beside it.  ``registered``: the package's own
    quantities by name; ``constants``: the constants' prints (shown -> constant)."""
    from ..declare import juxtaposition_problem
    latex = _print_once

    pieces = set(printed) | set(constants)
    ours = set(registered.values())
    package = {_seen_as(latex(q)): q for q in ours}  # how the package prints its own quantities
    # the heads of the statement's prints with arguments (Z of the package's Z(x)): one head, one
    # quantity, or Z(x) beside Z(t) reads as one function at two points
    heads: dict = {}
    for shown_, q in printed.items():
        if "(" in shown_:
            heads.setdefault(shown_.split("(", 1)[0], []).append(q)
    for shown, obj in printed.items():
        why = juxtaposition_problem(latex(obj))
        if why:
            return (f"the quantity {obj} prints as {latex(obj)!r}, which reads as several things side by side "
                    f"({why}); rename it, or give it a LaTeX name of one letter (with a subscript if need be)")
        parts = _split_into(shown, pieces - {shown})
        if parts:
            return f"the quantity {obj} prints as {shown}, which reads as the product {' '.join(parts)}; rename it"
        head = shown.split("(", 1)[0]
        if head != shown and head in pieces - {shown}:  # u(a) beside the scalar u, e(a): a product
            return (f"the quantity {obj} prints as {shown}, whose head {head} prints like another quantity or a "
                    "constant beside it, so the bracket would read as a factor; rename it")
        if head != shown and re.match(r"\\(?:mathrm|text|textrm|operatorname|mathup|mathbb)(?![A-Za-z])", latex(obj)):
            # \mathrm{sgn}(a), \mathrm{KL}(p, q): an upright word before brackets is an operator applied
            return (f"the quantity {obj} prints as {latex(obj)!r}, an upright word applied to arguments, which reads "
                    "as a function of them; rename it")
        owner = next((q for q in heads.get(head, ()) if q != obj), None)
        if head != shown and owner is not None and obj not in ours and shown not in package:
            return (f"the quantity {obj} prints as {shown}, whose head {head} is that of {owner}, which prints "
                    f"as {latex(owner)}: the two would read as one function; rename it")
    return None


def _split_into(shown: str, pieces: set) -> list | None:
    """``shown`` written as two or more of ``pieces`` side by side (``ab`` as ``a``, ``b``), or None."""
    if len(shown) > 200:
        return None
    best: dict = {0: []}
    for end in range(1, len(shown) + 1):
        for start in range(end):
            if start in best and shown[start:end] in pieces:
                best.setdefault(end, best[start] + [shown[start:end]])
    found = best.get(len(shown))
    return found if found is not None and len(found) >= 2 else None


def _head(shown: str) -> str | None:
    """What a print shows before its argument list (``\\pi`` of ``\\pi(y)``), or None."""
    return shown.split("(", 1)[0] if "(" in shown else None


#: An output among a print's arguments: ``y`` (or ``y'``) as a token of its own.
_OUTPUT_ARGUMENT = re.compile(r"(?<![A-Za-z\\])y(?![A-Za-z_])")


def _looks_like_another(printed: dict, labels: set, exprs: list, registered: dict) -> str | None:
    """Why a quantity printed as ``shown`` (``printed``: shown -> quantity) reads as another one
    or None: a scalar printed like an entry of a vector (``\\pi(y)`` beside the vector pi, or
    beside the package's ``p_A``), like a function's value at the output ``y`` (``\\pi(y)`` is
    read as one, vector or not), or like one of the package's own quantities that it is not
    (``Z(x)``, ``\\TPM(\\mathcal{A};x)``), whether or not those stand in the statement; a
    quantity printed as an expression (a function applied, ``\\sigma(u)``; a power, ``e^{u}``;
    an operator, ``\\max_{y}``), a vector whose entries print as a function of the output
    (``\\sigma(y)``, ``\\log(y)``), or any quantity printed exactly as an expression of the same
    statements (:func:`_prints_like_a_subexpression`)."""
    from .. import notation
    latex = _print_once

    vectors = {b for e in exprs for b in _quantities_of(e)[1]}
    vectors |= {q for q in vars(notation).values() if isinstance(q, sp.IndexedBase)}
    heads = {_head(_seen_as(latex(b[_ENTRY]))): b for b in vectors}
    ours = {}
    for q in registered.values():
        if not any(getattr(b, "label", None) == q for b in vectors):
            ours[_seen_as(latex(q))] = q
    functions = None  # the names functions print with, found once a quantity needs them
    bases = {b.label: b for b in vectors}
    for shown, obj in printed.items():
        if registered.get(str(obj)) != obj:  # the package's own names are the package's to print
            if functions is None:
                functions = _function_heads() | {_as_word(h) for h in _applied_heads(exprs)}
            if obj in labels:
                # an entry prints as the vector's name applied to the output: a vector named
                # sigma (or log, or W beside LambertW) reads as that function of y
                entry = latex(bases[obj][_ENTRY])
                why = _reads_as_expression(entry, functions) or _reads_as_expression(latex(obj), functions)
                if why:
                    return (f"the vector {obj}, whose entries print as {entry!r}, reads as another expression "
                            f"({why}); rename it")
                continue
            if _as_word(shown) in functions:
                return (f"the quantity {obj} prints as {latex(obj)!r}, which is how a function is named ({shown}(...)): "
                        "a product of it with a bracket could read as that function applied; rename it")
            why = _reads_as_expression(latex(obj), functions)
            if why:
                return f"the quantity {obj} prints as {latex(obj)!r}, which reads as an expression ({why}); rename it"
        elif obj in labels:
            continue
        other = ours.get(shown)
        # (one named as the package's own is judged by its declared domain, as a name)
        if other is not None and other != obj and str(other) != str(obj):
            return f"the quantity {obj} prints as {shown}, like the package's {other}; rename it"
        head = _head(shown)
        if head is None:
            continue
        vector = heads.get(head)
        if vector is not None:
            return f"the scalar {obj} prints as {shown}, like an entry of the vector {vector}; rename it"
        if _OUTPUT_ARGUMENT.search(shown[len(head):]):
            return f"the scalar {obj} prints as {shown}, like a function's value at the output y; rename it"
    return _prints_like_a_subexpression(printed, labels, exprs, registered)


#: A superscript that marks a name (``p^{*}``, ``w^{\\prime}``, ``p^{\\mathrm{ref}}``) rather than raising it to a power.
_MARK = re.compile(r"(?:\*+|'+|\\(?:star|dagger|ddagger|circ|top|ast|prime)|\+|-|\\(?:mathrm|text)\{[A-Za-z]{2,}\})+")


def _superscripts(tex: str) -> list[str]:
    """The superscripts of a print, each as written (a braced group's content, or one token)."""
    out = []
    tex = tex.replace(" ", "")
    for m in re.finditer(r"\^", tex):
        rest = tex[m.end():]
        if rest.startswith("{"):
            depth = 0
            for i, ch in enumerate(rest):
                depth += {"{": 1, "}": -1}.get(ch, 0)
                if depth == 0:
                    out.append(rest[1:i])
                    break
            else:
                out.append(rest[1:])
        else:
            token = re.match(r"\\[A-Za-z]+|.", rest)
            out.append(token.group(0) if token else "")
    return out


def _reads_as_expression(tex: str, functions) -> str:
    """Why a quantity printed ``tex`` reads as an expression rather than as a name, or ``""``:
    its print is a function's head applied (``\\sigma(u)``, ``\\Gamma(u)``, ``\\log(y)``, a vector's
    entry included), begins with an operator's name that a script or a bracket follows
    (``\\max_{y}``, ``\\operatorname{log}_{2}``), or has a superscript that is no mark (``e^{u}``,
    ``x^{2}``: a power).  ``functions``: the heads read as functions (:func:`_function_heads`,
    and those applied beside it)."""
    shown = _seen_as(tex)
    head = _call_head(shown)
    if head is not None and _as_word(head) in functions:
        return f"{head}(...) is how a function is printed"
    word = re.match(r"\\?([A-Za-z]{2,})(?=[_^'(\[]|\\left)", shown)
    if word and word.group(1) not in _GREEK_NAMES and word.group(1) in _function_heads():
        return f"it begins with {word.group(1)}, the name of a function"
    for sup in _superscripts(tex):
        if not _MARK.fullmatch(re.sub(r"\^\{?\\prime\}?", "'", sup)):
            return f"its superscript {sup} reads as a power"
    return ""


def _plain_print(tex: str) -> str:
    """A print as a reader compares it with another: as :func:`_seen_as` sees it, with the
    sizing of its delimiters (``\\left``, ``\\right``, ``\\big``) and an invisible ``\\left.`` left out."""
    tex = re.sub(r"\\(?:left|right)\s*\.|\\(?:left|right|middle|[bB]igg?[lrm]?)(?![A-Za-z])", "", tex)
    tex = re.sub(r"\\[lr]?vert(?![A-Za-z])", "|", tex)
    return _seen_as(tex)


#: The kinds of subexpression a name could be printed like: a function applied, a power, a derivative.
_NAMELIKE = (sp.Function, sp.Pow, sp.Derivative, sp.Subs)


@functools.lru_cache(maxsize=16384)
def _subexpression_prints(e: sp.Basic, notation: tuple) -> dict:
    """The prints (as :func:`_plain_print` compares them) of the function applications, powers
    and derivatives of ``e``, each with the node printed so, under ``notation`` (the names'
    prints when they were found: a report prints its own names its own way)."""
    latex = _print_once

    out: dict = {}
    for node in sp.preorder_traversal(e):
        if isinstance(node, _NAMELIKE) and not isinstance(node, sp.Indexed):
            try:
                out.setdefault(_plain_print(latex(node)), node)
            except Exception:  # a node the printer cannot print alone is compared by nothing
                continue
    return out


def _prints_like_a_subexpression(printed: dict, labels: set, exprs: list, registered: dict) -> str | None:
    """Why a quantity (a scalar, or an entry of a vector as the statements use it) prints exactly
    as an expression of the same statements does, or None: a scalar named ``\\sigma(u)`` beside
    ``Sigmoid(u)``, one named ``e^{u}`` beside ``exp(u)``, a vector ``g`` beside a function ``g``
    applied to the output.  Delimiters' sizes aside (``\\left(``), the two read alike."""
    latex = _print_once

    def ours(q) -> bool:  # the package's own names are the package's to print (TPM(A; x) is its mass)
        return registered.get(str(q)) == q

    quantities = {_plain_print(latex(obj)): obj for obj in printed.values() if obj not in labels and not ours(obj)}
    for e in exprs:
        for x in e.atoms(sp.Indexed):
            if not ours(x.base.label):
                quantities.setdefault(_plain_print(latex(x)), x)
    if not any("(" in q or "^" in q for q in quantities):
        return None  # a plain letter, subscripted or marked, prints like no function or power
    from ..notation import INDEXED_LATEX, LATEX_NAMES

    notation = (tuple(sorted(LATEX_NAMES.items())), tuple(sorted(INDEXED_LATEX.items())))
    for e in exprs:
        for shown, node in _subexpression_prints(e, notation).items():
            q = quantities.get(shown)
            if q is not None and node != q:
                return (f"the quantity {q} prints as {latex(q)!r}, exactly as the expression {sp.sstr(node)} of the "
                        "statement does, so the statement would read as another one; rename it")
    return None


#: Operator names TeX sets upright (``\\log``, ``\\sin``, ``\\max``): read as functions wherever they stand.
_TEX_OPERATORS = frozenset("arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf ker lg lim "
                           "liminf limsup ln log max min Pr sec sin sinh sqrt sup tan tanh".split())
#: The Greek letters, by name: ``\\gamma`` is a letter, not the word "gamma".
_GREEK_NAMES = frozenset(re.findall(r"[A-Za-z]+", _GREEK.split("(?!")[0]))


def _as_word(shown: str) -> str:
    """A print as a reader compares it with a function's name: a word of two or more letters,
    upright or not, is that word (``\\log``, ``\\operatorname{log}`` and italic ``log`` all
    read "log"); a Greek letter or anything else stays as it is seen."""
    m = re.fullmatch(r"\\?([A-Za-z]{2,})", shown)
    return m.group(1) if m and m.group(1) not in _GREEK_NAMES else shown


def _call_head(shown: str) -> str | None:
    """What a print (as :func:`_seen_as` gives it) shows before its first bracket, ``\\sigma``
    of ``\\sigma\\left(u\\right)``, ``\\sin`` of ``\\sin\\left(u\\right)``; None without a bracket."""
    m = re.search(r"(?:\\left)?[(\[]", shown)
    return (shown[:m.start()] or None) if m else None


@functools.lru_cache(maxsize=1)
def _function_heads() -> frozenset:
    """The names a reader takes for a function wherever they stand, as :func:`_as_word` compares
    them: TeX's operator names, the names of SymPy's functions (``erf``, ``sign``, ``Max``), the
    Greek heads of its classic special functions (``\\Gamma``, ``\\zeta``), and the heads of the
    package's own functions of one argument (``\\sigma`` of ``Sigmoid``).  Letters that SymPy
    also prints some function with (``\\theta``, ``W``) are common names: they are refused only
    beside that function (:func:`_applied_heads`)."""
    from .. import model
    latex = _print_once

    heads = set(_TEX_OPERATORS) | {r"\Gamma", r"\zeta"}
    for name, obj in vars(sp).items():
        if isinstance(obj, FunctionClass) and issubclass(obj, sp.Function) and obj.__name__ == name and len(name) > 1 \
                and name.isalpha() and name not in _GREEK_NAMES | {"Function", "WildFunction"}:
            heads.add(name)
    u = sp.Symbol("u", real=True)
    for obj in vars(model).values():
        if isinstance(obj, FunctionClass) and obj.__module__ == model.__name__ and obj.nargs == {1}:
            try:
                head = _call_head(_seen_as(latex(obj(u))))
            except Exception:  # a function that takes no plain symbol prints no head to compare
                continue
            if head:
                heads.add(_as_word(head))
    return frozenset(heads)


@functools.lru_cache(maxsize=16384)
def _applications(e: sp.Basic) -> frozenset:
    """The applications in ``e`` of functions SymPy or the package defines (``Sigmoid(u)``,
    ``Heaviside(a)``, ``LambertW(a)``).  A function the author names (``g(t)``) is left out: a
    scalar of its name is how prose names the function itself ("a convex function g")."""
    return frozenset(node for node in sp.preorder_traversal(e)
                     if isinstance(node, sp.Function) and not isinstance(node, sp.core.function.AppliedUndef))


def _applied_heads(exprs: list) -> set:
    """The heads the function applications of ``exprs`` print with (``\\theta`` of
    ``Heaviside(u)``, ``W`` of ``LambertW(u)``): a scalar printed as one reads as that function."""
    latex = _print_once

    heads = set()
    for node in {a for e in exprs for a in _applications(e)}:
        head = _call_head(_seen_as(latex(node)))
        if head:
            heads.add(head)
    return heads


def _registered() -> dict:
    """The package's own quantities by name (what a report's names must mean)."""
    from .. import notation

    out = {}
    for q in vars(notation).values():  # the notation module's own quantities, not a user's declarations
        if isinstance(q, sp.IndexedBase):
            q = q.label
        if isinstance(q, sp.Symbol) and not isinstance(q, sp.Dummy):
            out.setdefault(str(q), q)
    return out


def _declared_by_report(pairs: list) -> dict:
    """The report's declarations, ``{symbol or vector label: Domain}``."""
    out = {}
    for text, name in pairs:
        q = loads(text)
        out[q.label if isinstance(q, sp.IndexedBase) else q] = Domain[name]
    return out


def _package_name_problem(name: str, obj: sp.Symbol, registered: dict) -> str:
    """Why a quantity of one's own may not take the name of one of the package's, or ``""``:
    a report reads the name as the package's unless the quantity is declared, and then in
    the package's domain only (``verify`` refuses anything else, so ``check`` does too)."""
    from .theory import domain_of

    ours = registered.get(name)
    if ours is None or ours == obj:
        return ""
    domain, theirs = _package_domain(ours), domain_of(obj)
    if not isinstance(theirs, Domain):
        return (f"{name} is the name of one of the package's quantities, and this {name} is not declared: "
                f"declare it (dpo_mixture.declare) or rename it")
    if domain is not None and theirs is not domain:
        return (f"{name} is the name of one of the package's quantities, which lies in {domain.value!r}; this {name} "
                f"lies in {theirs.value!r}: rename it")
    return ""


def _package_domain(q: sp.Symbol) -> Domain | None:
    """The domain of a quantity of the package's notation (a vector by its label)."""
    from .theory import domain_of

    for key in DOMAINS:
        if key == q or getattr(key, "label", None) == q:
            return DOMAINS[key]
    dom = domain_of(q)
    return dom if isinstance(dom, Domain) else None


#: The assumptions of a symbol of each domain, as ``declare`` makes it (a vector by its label).
def _name_problem(goal: Goal, facts: tuple, support, seen: dict, registered: dict, declared: dict) -> str | None:
    """Two different quantities that print alike (a reward carrying ``positive=True`` prints as
    the package's reward) would let a report show one statement and prove another.  So a name
    means one quantity throughout the report; a name of the package's notation means the
    package's quantity unless the report declares its own; and a declared quantity carries no
    sign assumption beyond what its declared domain gives."""
    from ..render.printer import latex
    from .kernel import override_drops

    exprs = [goal.claim, *goal.hypotheses, *goal.chain, *goal.conditions]
    exprs += [f.relation for f in (*goal.theory.definitions, *facts)]
    exprs += [q for q, _ in goal.theory.overrides] + ([support] if support is not None else [])
    for q, dom in goal.theory.overrides:  # as the kernel refuses it: an override may not drop what q says
        dropped = override_drops(q, dom)
        if dropped:
            return f"the override of {q} to {dom.value!r} drops what its assumptions say ({', '.join(dropped)})"
    if any(e.atoms(sp.Float) for e in exprs):  # an inexact number prints rounded: 0.30000000000000004 as 0.3
        return "an inexact (floating-point) number stands in the statement or its model"
    clash = name_clash(exprs, goal.theory.definitions)  # what check and build refuse (a scalar printed like a constant, ...)
    if clash:
        return clash
    free_dummies = sorted({str(q) for e in exprs for q in e.free_symbols if isinstance(q, sp.Dummy)})
    if free_dummies:  # a bound variable's kind of symbol, which no name check sees
        return f"a placeholder symbol stands free in the statement or its model ({', '.join(free_dummies)})"
    for name, objs in _names(exprs).items():
        objs = objs | ({seen[name]} if name in seen else set())
        if len(objs) > 1:
            return f"two different quantities are named {name}"
        (obj,) = objs
        if name in registered and registered[name] != obj:
            if obj not in declared:
                return f"{name} is not the package's {name} (its assumptions differ) and the report declares no other"
            ours = _package_domain(registered[name])
            if ours is not None and declared[obj] is not ours:
                return (f"the report declares its own {name} in {declared[obj].value!r}, but the package's {name}, "
                        f"which prints the same, lies in {ours.value!r}")
        dom = declared.get(obj)
        if dom is None and obj == registered.get(name):
            dom = DOMAINS.get(obj) or next((d for q, d in DOMAINS.items() if getattr(q, "label", None) == obj), None)
        extra = beyond_domain(obj, dom)
        if extra:  # rational, algebraic, ...: the sign rules read them, and no reader sees them
            where = f"its declared domain {dom.value!r}" if dom is not None else "its domain"
            return f"{name} carries assumptions ({', '.join(extra)}) that {where} does not give"
        seen[name] = obj
        shown = latex(obj)  # two quantities that print alike (through the report's notation) are one name
        other = seen.get(("printed", shown))
        if other is not None and other != obj:
            return f"two different quantities print as {shown}: {other} and {obj}"
        seen[("printed", shown)] = obj
    for base in {b for e in exprs for b in e.atoms(sp.IndexedBase)}:  # and so may two vectors' entries
        entry = latex(base[_ENTRY])
        other = seen.get(("entry", entry))
        if other is not None and other != base:
            return f"the entries of two different vectors print alike ({entry}): {other} and {base}"
        seen[("entry", entry)] = base
    return None


#: The output at which two vectors' entries are printed to compare them.
_ENTRY = sp.Symbol("i", integer=True, positive=True)


def _register_package_operators() -> None:
    """The named operators of the package's own derivations (``Objective``, ``KL`` ...) are
    registered when their module is imported; a report of the package's paper names them."""
    import importlib

    importlib.import_module("dpo_mixture.derivations.symbols")


def verify_report(data: dict, seconds: float = 30.0) -> list[Verification]:
    """Re-check every step of a report (the parsed ``report.json``), each within ``seconds``."""
    from .deadline import TimeLimit, time_limit

    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ValueError("not a dpo-mixture report: expected an object with a list of 'steps'")
    from collections import Counter

    ids = Counter(str(step.get("id")) for step in data["steps"] if isinstance(step, dict))
    twice = sorted(i for i, count in ids.items() if count > 1)
    if twice:  # a citation of such an id would not say which step it rests on
        raise ValueError(f"the report holds two steps of one id: {', '.join(map(repr, twice))}")
    _register_package_operators()
    out: list[Verification] = []
    lemmas: dict[str, Lemma] = {}
    registered = _registered()
    declared = _declared_by_report(data.get("declarations", []))
    # a declared quantity owns its name: any other quantity of that name is another quantity
    seen: dict = {str(q): q for q in declared}
    with _declared(data.get("declarations", [])), _printed(data.get("notation", {})):
        for number, step in enumerate(data["steps"], 1):
            if not isinstance(step, dict) or not isinstance(step.get("goal"), dict):
                raise ValueError(f"step {number} is not an object with a 'goal' object (written by an older dpo-mixture?)")
            sid, recorded = str(step.get("id")), str(step.get("verdict"))
            try:
                with time_limit(seconds):
                    goal, facts, support = _goal(step)
                    if not _displayed(step, goal, support):
                        result = Verification(sid, recorded, False, "the statement or model shown is not the one checked")
                    else:
                        problem = _name_problem(goal, facts, support, seen, registered, declared)
                        result = (Verification(sid, recorded, False, problem) if problem
                                  else _one(sid, recorded, step, goal, facts, support, lemmas))
            except TimeLimit as exc:
                result = Verification(sid, recorded, False, str(exc))
            except OverflowError as exc:  # SymPy's printer or evaluator past the floats' range
                result = Verification(sid, recorded, False, f"a number in it is too large to print or evaluate ({exc})")
            except (AttributeError, TypeError, KeyError, IndexError) as exc:
                raise ValueError(f"step {sid!r} is malformed ({type(exc).__name__}: {exc})") from None
            out.append(result)
    return out


def _one(sid: str, recorded: str, step: dict, goal: Goal, facts: tuple, support, lemmas: dict) -> Verification:
    """Re-check one step: its certificate through the kernel, or its counterexample exactly."""
    if recorded in ("proved", "assumed"):
        if step.get("certificate") is None:
            return Verification(sid, recorded, False, "no certificate recorded")
        cert = ProofCertificate.from_json(step["certificate"])
        named = step["goal"].get("cites", [])
        if not isinstance(named, list) or not all(isinstance(ref, str) for ref in named):
            raise TypeError("'cites' must be a list of step ids")
        from ..lemmas import citable

        judgment = check(goal, cert, citable(lemmas, named))  # as the engine decided it
        ok = judgment.genuine and judgment.verdict.value == recorded
        if ok:
            problem = _account_problem(step, cert, judgment)
            if problem:
                return Verification(sid, recorded, False, problem)
            lemmas[sid] = Lemma(sid, goal.claim, goal.hypotheses, goal.theory, Verdict(recorded), judgment.assumed)
        return Verification(sid, recorded, ok, judgment.reason)
    if recorded == "refuted":
        ce = step.get("counterexample")
        if not isinstance(ce, dict):
            return Verification(sid, recorded, False, "no counterexample recorded")
        try:
            ok = _counterexample_holds(goal, facts, support, ce)
        except (ValueError, TypeError, ZeroDivisionError):
            ok = False
        return Verification(sid, recorded, ok, "counterexample re-confirmed" if ok else "counterexample does not hold")
    if recorded == "undecided":
        return Verification(sid, recorded, True, "nothing to re-check")
    return Verification(sid, recorded, False, f"{recorded!r} is not a verdict")


def _account_problem(step: dict, cert: ProofCertificate, judgment) -> str | None:
    """What the report says about how a step was decided must be what the kernel found: the
    assumptions it lists are the kernel's, and the method names the certificate's rule."""
    listed = step.get("assumed", [])
    if not isinstance(listed, list) or sorted(map(str, listed)) != sorted(judgment.assumed):
        return f"the report lists as assumed {listed!r}, but the certificate assumes {list(judgment.assumed)!r}"
    method = str(step.get("method", ""))
    said = "assumed: " if judgment.verdict is Verdict.ASSUMED else f"(kernel: {cert.rule})"
    if said not in method:
        return f"the report's method {method!r} does not say what the kernel found ({said.strip(': ')!r})"
    return None


def models(data: dict) -> list[str]:
    """Every model definition and domain override the report's steps were checked in, once
    each (what ``verify`` took as given, for the reader to see)."""
    out: dict = {}
    for step in data.get("steps", []) if isinstance(data, dict) else []:
        for line in step.get("model", []) if isinstance(step, dict) else []:
            out[str(line)] = None
    return list(out)


def declarations_shown(data: dict) -> list[str]:
    """The report's declared domains, ``name: domain``, for the reader (``verify`` prints them)."""
    out = []
    for pair in data.get("declarations", []) if isinstance(data, dict) else []:
        try:
            q = loads(pair[0])
            out.append(f"{q.label if isinstance(q, sp.IndexedBase) else q}: {Domain[pair[1]].value}")
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            continue
    return out

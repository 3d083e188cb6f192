"""Facts a step may cite: definitions to unfold and identities to rewrite with.

A step names the facts it uses; the engine applies those and no others, so dropping a needed
fact makes the proof fail instead of passing silently.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

__all__ = ["Definition", "Identity", "Fact", "unfold", "relevant"]


def equality_problem(e: sp.Basic) -> str:
    """Why a node of ``e`` compares or hashes by a rule of its own (a class whose ``__eq__`` or
    ``__hash__`` neither SymPy nor this package defines), or ``""``.  Such an object could
    equal an expression it is not, and so stand for it wherever answers are kept per
    expression, per fact or per theory (review 61c F3).

    >>> equality_problem(sp.Symbol("x") + 1)
    ''
    """
    for node in sp.preorder_traversal(e):
        for attr in ("__eq__", "__hash__"):
            owner = next(c for c in type(node).__mro__ if attr in vars(c))
            where = getattr(owner, "__module__", "") or ""
            if owner is not object and not where.split(".")[0] in ("sympy", "dpo_mixture"):
                return (f"{type(node).__name__} compares by a rule of its own ({attr} of "
                        f"{where}.{owner.__qualname__}); build it from SymPy's classes")
    return ""


def _own_sympy(fact, *names: str) -> None:
    """Each field ``names`` of ``fact`` as a SymPy object (kept so: an object that only turns
    into one when SymPy reads it could equal another fact's), built from classes that compare
    as SymPy's do."""
    for name in names:
        value = getattr(fact, name)
        try:
            value = sp.sympify(value, strict=True)
        except (sp.SympifyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"fact {fact.name!r}: {name} is not a SymPy expression ({type(value).__name__})") from exc
        problem = equality_problem(value) if isinstance(value, sp.Basic) else f"not a SymPy object ({type(value).__name__})"
        if problem:
            raise ValueError(f"fact {fact.name!r}: {name}: {problem}")
        object.__setattr__(fact, name, value)


@dataclass(frozen=True)
class Definition:
    """``target := expr``.

    ``target`` is a scalar symbol, or an indexed entry ``base[index]``: the definition then
    holds for every output and is instantiated at whatever index it is used.

    >>> from dpo_mixture.notation import p_star, p_ref, r, beta, Z, y
    >>> d = Definition("p*", p_star[y], p_ref[y] * sp.exp(r[y] / beta) / Z)
    >>> d.apply(p_star[3] + 1)
    1 + exp(r[3]/beta)*p_ref[3]/Z
    """

    name: str
    target: sp.Expr
    expr: sp.Expr

    def __post_init__(self) -> None:
        _own_sympy(self, "target", "expr")
        target = self.target
        if isinstance(target, sp.Indexed):
            index = target.indices[0] if len(target.indices) == 1 else None
            if not (isinstance(index, sp.Symbol) and index.is_integer and index.is_positive and str(index) != "n"):
                raise ValueError(
                    f"definition {self.name!r}: target must be a symbol or an entry base[y] at an output symbol "
                    f"(it then defines every entry), not {target}"
                )
        elif not isinstance(target, sp.Symbol):
            raise ValueError(f"definition {self.name!r}: target must be a symbol or an entry base[y], not {target!r}")
        else:
            body = sp.sympify(self.expr)
            at = {i for x in body.atoms(sp.Indexed) for i in x.indices} & body.free_symbols
            if at:  # W := r(y) would read differently under a sum over y
                raise ValueError(
                    f"definition {self.name!r}: the symbol {target} is defined through the output "
                    f"{', '.join(sorted(map(str, at)))}; define an entry {target}[{sorted(map(str, at))[0]}] instead"
                )

    @property
    def relation(self) -> sp.Eq:
        return sp.Eq(self.target, self.expr, evaluate=False)

    def apply(self, expr: sp.Expr) -> sp.Expr:
        """Replace every occurrence of the target in ``expr`` by its definition."""
        target = self.target
        if isinstance(target, sp.Indexed):
            base, (index,) = target.base, target.indices

            def query(e: sp.Basic) -> bool:
                return isinstance(e, sp.Indexed) and e.base == base

            def value(e: sp.Indexed) -> sp.Expr:
                return self.at(e.indices[0])

            return expr.replace(query, value)
        return expr.xreplace({target: self.expr})

    def at(self, index: sp.Expr) -> sp.Expr:
        """The definition of an indexed target at ``index``, with the bound indices of the
        definition renamed first if ``index`` is one of them (so it is never captured)."""
        (var,) = self.target.indices
        return at_index(self.expr, var, index)


@dataclass(frozen=True)
class Identity:
    """A known equality ``lhs = rhs`` used as a rewrite rule on normal forms.

    Typical use: the normalization ``sum_y p(y) = 1``.  A step sees only the facts it names, so
    the same claim is proved with the identity and undecided without it.

    >>> from dpo_mixture.notation import p, y, support_sum
    >>> from dpo_mixture.proof import Step, decide
    >>> norm = Identity("p sums to one", support_sum(p[y]), 1)
    >>> claim = sp.Eq(support_sum(2 * p[y]), 2)
    >>> decide(Step("twice", "twice one", claim, "normalization", facts=(norm,))).verdict
    <Verdict.PROVED: 'proved'>
    >>> decide(Step("twice", "twice one", claim, "no fact named")).verdict
    <Verdict.UNDECIDED: 'undecided'>
    """

    name: str
    lhs: sp.Expr
    rhs: sp.Expr

    def __post_init__(self) -> None:
        _own_sympy(self, "lhs", "rhs")

    @property
    def relation(self) -> sp.Eq:
        return sp.Eq(self.lhs, self.rhs, evaluate=False)


Fact = Definition | Identity


def _names(expr: sp.Basic) -> set:
    """The indexed bases and non-integer symbols ``expr`` mentions (indices and sizes, which
    nearly everything mentions, say nothing about which facts matter)."""
    out: set = set()
    for e in sp.preorder_traversal(expr):
        if isinstance(e, sp.Indexed):
            out.add(e.base)
        elif isinstance(e, sp.Symbol) and not e.is_integer:
            out.add(e)
    return out


def relevant(facts, exprs) -> tuple:
    """The facts that can matter to ``exprs``: definitions of what they mention (and of what
    those definitions mention, transitively), and identities about what is mentioned.

    >>> from dpo_mixture.notation import p_star, p_ref, r, beta, Z, y, alpha
    >>> d = Definition("p*", p_star[y], p_ref[y] * sp.exp(r[y] / beta) / Z)
    >>> [f.name for f in relevant([d], [p_star[y] + 1])], relevant([d], [alpha])
    (['p*'], ())
    """
    seen: set = set()
    for e in exprs:
        seen |= _names(e)
    chosen: list = []
    changed = True
    while changed:
        changed = False
        for f in facts:
            if f in chosen:
                continue
            if isinstance(f, Definition):
                head = f.target.base if isinstance(f.target, sp.Indexed) else f.target
                hit = head in seen
            else:
                hit = bool(_names(f.lhs) & seen)
            if hit:
                chosen.append(f)
                seen |= _names(f.relation)
                changed = True
    return tuple(f for f in facts if f in chosen)


class UnfoldError(ValueError):
    """The definitions did not unfold to a fixed point (they define a quantity through itself)."""


@functools.cache
def _package_operators() -> frozenset:
    """The package's own named operators: the classes of its model and of its paper's
    vocabulary that stand for an expression (``unfold``)."""
    from .. import model
    from ..derivations import symbols

    return frozenset(c for m in (model, symbols) for c in vars(m).values()
                     if isinstance(c, type) and issubclass(c, sp.Function) and c.__module__ == m.__name__
                     and callable(getattr(c, "unfold", None)))


def named_operator(e: sp.Basic) -> bool:
    """Whether ``e`` applies one of the package's named operators (``KL``, ``E_unif``, ...),
    which the engine opens into what it stands for.  Only the package's own classes are opened
    (the very class, not a subclass): what another class's ``unfold`` says would be believed and
    shown nowhere, so the engine takes it for an undefined function (write the quantity as a
    :class:`Definition`, which the documents show).

    >>> from dpo_mixture.model import MeanUnif
    >>> from dpo_mixture.notation import p_A, y
    >>> class Mine(MeanUnif):
    ...     pass
    >>> named_operator(MeanUnif(p_A[y])), named_operator(Mine(p_A[y]))
    (True, False)
    """
    return isinstance(e, sp.Function) and type(e) in _package_operators()


def unfold(expr: sp.Expr, facts: tuple[Fact, ...] | list[Fact], rounds: int | None = None) -> sp.Expr:
    """Unfold every :class:`Definition` among ``facts`` in ``expr`` until nothing changes.

    Each round replaces every defined quantity at once, so ``k`` definitions that do not
    define anything through itself unfold in at most ``k`` rounds; by default ``k + 1`` are
    allowed, and an expression still changing then raises :class:`UnfoldError` (a chain of
    definitions is never cut short: a half-unfolded ``W`` would read as a free quantity).

    >>> from dpo_mixture.notation import Z, p_ref, r, beta, k, support_sum
    >>> dz = Definition("Z", Z, support_sum(p_ref[k] * sp.exp(r[k] / beta), k))
    >>> unfold(2 * Z, [dz])
    2*Sum(exp(r[k]/beta)*p_ref[k], (k, 1, n))
    """
    definitions = tuple(f for f in facts if isinstance(f, Definition))
    return _unfold(sp.sympify(expr), definitions, len(definitions) + 1 if rounds is None else rounds)


@functools.lru_cache(maxsize=512)
def _bound_indices(expr: sp.Expr) -> frozenset:
    """Every symbol a binder of ``expr`` binds: the index of a sum or of a support-wide
    extremum, and the variable of a substitution, a lambda, a limit or a derivative."""
    from ..model import SupportMax, SupportMin

    out = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            out |= {lim[0] for lim in node.limits}
        elif isinstance(node, (SupportMax, SupportMin)):
            out.add(node.args[1])
        elif isinstance(node, (sp.Subs, sp.Lambda)):
            out |= set(node.variables)
        elif isinstance(node, sp.Limit):
            out.add(node.args[1])
        elif isinstance(node, sp.Derivative):
            out |= {v for v, _ in node.variable_count}
    return frozenset(out)


def _fresh_like(v: sp.Symbol) -> sp.Dummy:
    return sp.Dummy(str(v), **v.assumptions0)


def _rename_bound(expr: sp.Expr, avoid: set) -> sp.Expr:
    """Rename the bound symbols of ``expr`` that are in ``avoid`` to fresh ones (with the same
    assumptions), at every binder (see :func:`_bound_indices`)."""
    from ..model import SupportMax, SupportMin

    def walk(e: sp.Basic) -> sp.Basic:
        if not e.args:
            return e
        if isinstance(e, sp.Sum) and any(lim[0] in avoid for lim in e.limits):
            fresh = {lim[0]: sp.Dummy(str(lim[0]), integer=True, positive=True) for lim in e.limits if lim[0] in avoid}
            limits = [(fresh.get(i, i), lo.xreplace(fresh), hi.xreplace(fresh)) for i, lo, hi in e.limits]
            return sp.Sum(walk(e.function.xreplace(fresh)), *limits)
        if isinstance(e, (SupportMax, SupportMin)) and e.args[1] in avoid:
            new = sp.Dummy(str(e.args[1]), integer=True, positive=True)
            return type(e)(walk(e.args[0].xreplace({e.args[1]: new})), new)
        if isinstance(e, (sp.Subs, sp.Lambda)) and set(e.variables) & avoid:
            fresh = {v: _fresh_like(v) for v in e.variables if v in avoid}
            body = walk(e.expr.xreplace(fresh))
            variables = tuple(fresh.get(v, v) for v in e.variables)
            if isinstance(e, sp.Lambda):
                return sp.Lambda(variables, body)
            return sp.Subs(body, variables, tuple(walk(p) for p in e.point))
        if isinstance(e, sp.Limit) and e.args[1] in avoid:
            body, var, point, direction = e.args
            new = _fresh_like(var)
            return sp.Limit(walk(body.xreplace({var: new})), new, walk(point), str(direction))
        if isinstance(e, sp.Derivative) and {v for v, _ in e.variable_count} & avoid:
            fresh = {v: _fresh_like(v) for v, _ in e.variable_count if v in avoid}
            return sp.Derivative(walk(e.expr.xreplace(fresh)), *((fresh.get(v, v), c) for v, c in e.variable_count))
        args = [walk(a) for a in e.args]
        return e if all(a is b for a, b in zip(args, e.args)) else e.func(*args)

    return walk(expr)


def at_index(body: sp.Expr, var: sp.Symbol, index: sp.Expr) -> sp.Expr:
    """``body`` with its free ``var`` replaced by ``index``, no binder capturing anything: a
    bound symbol named ``var`` (``Q(k) := sum_k rho(k) s(y)`` binds its own ``k``) or named
    like a symbol of ``index`` is renamed first.  ``xreplace`` alone would read
    ``Q(y)`` as ``sum_y rho(y) s(y)``.

    >>> from dpo_mixture.notation import p, r, y, support_sum
    >>> k = sp.Symbol("k", integer=True, positive=True)
    >>> at_index(support_sum(p[k] * r[y], k), k, y).has(r[y])
    True
    """
    body = _uniform_opened(body)
    avoid = {var} | index.free_symbols
    if avoid & _bound_indices(body):  # fresh names each time: never kept
        return _rename_bound(body, avoid).xreplace({var: index})
    return _put_index(body, var, index)


@functools.lru_cache(maxsize=4096)
def _uniform_opened(body: sp.Expr) -> sp.Expr:
    """``body`` with E_unif and Cov_unif opened: they bind the output y without showing it."""
    from ..model import _UniformOperator

    return body.replace(lambda e: isinstance(e, _UniformOperator), lambda e: e.unfold())


@functools.lru_cache(maxsize=4096)
def _put_index(body: sp.Expr, var: sp.Symbol, index: sp.Expr) -> sp.Expr:
    """``body`` at ``index`` where no binder of it binds ``var`` or a symbol of ``index``: the
    same expression every time, kept (a model's entries are read at the same outputs in step
    after step)."""
    return body.xreplace({var: index})


@functools.lru_cache(maxsize=8192)
def _unfold(expr: sp.Expr, definitions: tuple, rounds: int) -> sp.Expr:
    """One traversal per round replaces every defined symbol and entry at once."""
    from ..model import SupportMax, SupportMin

    scalars = {d.target: d.expr for d in definitions if not isinstance(d.target, sp.Indexed)}
    indexed = {d.target.base: d for d in definitions if isinstance(d.target, sp.Indexed)}
    # free symbols a definition brings in (W := r(y) brings y; an entry g(y) := r(j) brings j,
    # its own y aside): a sum over y (over j) must not capture them, so such a sum's index is
    # renamed before anything is unfolded under it
    brought = set().union(*(b.free_symbols for b in scalars.values())) if scalars else set()
    for d in indexed.values():
        brought |= d.expr.free_symbols - set(d.target.indices)

    def brings(e: sp.Basic) -> bool:
        return any(t in scalars for t in e.free_symbols) or any(x.base in indexed for x in e.atoms(sp.Indexed))

    def walk(e: sp.Basic) -> sp.Basic:
        if e in scalars:
            return scalars[e]
        if brought and isinstance(e, (sp.Sum, SupportMax, SupportMin)):
            bound = {lim[0] for lim in e.limits} if isinstance(e, sp.Sum) else {e.args[1]}
            if bound & brought and brings(e):
                e = _rename_bound(e, bound & brought)
        if isinstance(e, sp.Indexed) and e.base in indexed:
            return indexed[e.base].at(walk(e.indices[0]))
        if named_operator(e):  # named operators stand for sums
            opened = e.unfold()
            if opened != e:
                return walk(opened)
        if not e.args:
            return e
        args = [walk(a) for a in e.args]
        if all(a is b for a, b in zip(args, e.args)):
            return e
        return e.func(*args, evaluate=False) if isinstance(e, sp.Rel) else e.func(*args)

    for _ in range(rounds):
        new = walk(expr)
        if new == expr:
            return expr
        expr = new
    if walk(expr) != expr:
        raise UnfoldError(f"the definitions do not unfold within {rounds} rounds: one defines a quantity through itself")
    return expr

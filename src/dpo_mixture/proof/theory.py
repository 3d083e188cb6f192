"""The model a step lives in: declared domains and the definitions of derived quantities.

A :class:`Theory` is what the kernel knows besides a step's own hypotheses:

* *declarations*: the domain of every free quantity (a probability in ``(0, 1)``, a positive
  temperature, a distribution over the support, ...), from :data:`dpo_mixture.notation.DOMAINS`
  (and its user-declared additions), a step's ``domains`` overrides, or else the symbol's SymPy
  assumptions;
* *definitions* ``target := expr`` of derived quantities (the derivation's ``context``).

The theory checks that each definition respects its target's declaration (a quantity declared
positive must be defined by a positive expression, a declared distribution by a positive
expression that sums to one).  A quantity declared positive on the support but defined by an
expression that is only nonnegative *defines the support*: the support is where it is positive
(``p_ref = alpha p_A + (1 - alpha) p_U``).  What cannot be checked is reported by
:meth:`Theory.unverified`, and a step that relies on it is marked *assumed*, never proved.

:meth:`Theory.justify` decides what a step's cited fact costs in trust:

* a definition that is the theory's own, or that defines a fresh symbol, is free;
* an identity ``sum_i p(i) = 1`` for a declared distribution ``p`` is free (it is the declaration);
* any other fact is free if the kernel proves it from the theory's definitions;
* anything else is an *assumption*, named in the verdict.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable

import sympy as sp

from ..notation import DOMAINS, Domain, n as _n
from .facts import Definition, Fact, Identity, equality_problem, unfold
from .sign import SignContext, is_real, sign

__all__ = ["Theory", "key_of", "domain_of", "DISTRIBUTIONS"]

DISTRIBUTIONS = (Domain.DISTRIBUTION, Domain.SPARSE_DISTRIBUTION)


def in_domain(value: sp.Rational, dom: Domain | None) -> bool:
    """Whether the exact number ``value`` lies in the scalar domain ``dom`` (any value where
    ``dom`` is ``None`` or not a scalar's).

    >>> in_domain(sp.Rational(1, 2), Domain.UNIT_INTERVAL), in_domain(sp.Rational(3, 2), Domain.POSITIVE_INTEGER)
    (True, False)
    """
    checks = {
        Domain.POSITIVE: lambda: value > 0,
        Domain.UNIT_INTERVAL: lambda: 0 < value < 1,
        Domain.NONNEGATIVE: lambda: value >= 0,
        Domain.NEGATIVE: lambda: value < 0,
        Domain.NONPOSITIVE: lambda: value <= 0,
        Domain.INTEGER: lambda: value.q == 1,
        Domain.POSITIVE_INTEGER: lambda: value.q == 1 and value > 0,
    }
    return bool(checks[dom]()) if dom in checks else True


def _registry_version() -> int:
    """How many times the declared domains changed: part of the key of everything remembered
    from them (their number alone misses a declaration replaced, or one removed and another
    added, as ``verify`` does with each report's declarations)."""
    return DOMAINS.version


def key_of(target: sp.Expr) -> sp.Basic:
    """What a definition defines: the base of an indexed target, else the symbol."""
    return target.base if isinstance(target, sp.Indexed) else target


def domain_of(q: sp.Basic, overrides: dict | None = None) -> Domain | None:
    """The declared domain of a quantity: a step's override, the domain a declared symbol
    carries, the registry, else its SymPy assumptions."""
    if overrides and q in overrides:
        return overrides[q]
    from ..notation import declared_domain

    carried = declared_domain(q)
    if isinstance(carried, Domain):
        return carried
    if carried == "OUTPUT":
        return Domain.POSITIVE_INTEGER
    if q in DOMAINS:
        return DOMAINS[q]
    label = q.label if isinstance(q, sp.IndexedBase) else q
    if isinstance(q, sp.IndexedBase):  # the base's own assumptions too (IndexedBase(Symbol('g'), positive=True))
        if label.is_positive or q.is_positive:
            return Domain.POSITIVE_VECTOR
        if label.is_nonnegative or q.is_nonnegative:
            return Domain.NONNEGATIVE_VECTOR
        return Domain.REAL_VECTOR if label.is_real or q.is_real else None
    if getattr(q, "is_integer", False):
        return Domain.POSITIVE_INTEGER if q.is_positive else Domain.INTEGER
    if q.is_positive:
        return Domain.POSITIVE
    if q.is_negative:
        return Domain.NEGATIVE
    if q.is_nonnegative:
        return Domain.NONNEGATIVE
    if q.is_nonpositive:
        return Domain.NONPOSITIVE
    return Domain.REAL if q.is_real else None


@dataclass(frozen=True)
class Theory:
    """Definitions of derived quantities plus per-step domain overrides.

    >>> from dpo_mixture.derivations.facts import DEF_Z
    >>> from dpo_mixture.notation import Z
    >>> Theory((DEF_Z,)).definition(Z).name
    'definition of Z'
    """

    definitions: tuple[Definition, ...] = ()
    overrides: tuple[tuple[sp.Basic, Domain], ...] = ()
    #: Each defined quantity's definition, worked out from ``definitions`` alone (never given:
    #: two equal theories, which share every answer kept per theory, read the same definitions;
    #: review 61b F1).
    _by_key: dict = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        for item in self.overrides:  # (an equal-looking domain would share every answer kept per theory)
            if not (isinstance(item, tuple) and len(item) == 2 and type(item[1]) is Domain
                    and isinstance(item[0], (sp.Symbol, sp.IndexedBase)) and not equality_problem(item[0])):
                raise TypeError(f"a theory's overrides are (symbol or vector, Domain member) pairs, not {item!r:.80}")
        by_key: dict = {}
        for d in self.definitions:
            if not isinstance(d, Definition):
                raise TypeError(f"a theory holds definitions, not {type(d).__name__}")
            k = key_of(d.target)
            other = by_key.get(k)
            if other is not None and other.expr != d.expr:
                raise ValueError(f"the context defines {k} twice: {other.name!r} and {d.name!r}")
            by_key[k] = d
        object.__setattr__(self, "_by_key", MappingProxyType(by_key))  # read-only from here on
        cycle = self._cycle()
        if cycle:  # W := V + 1, V := W: no value satisfies both, and unfolding never ends
            raise ValueError(f"the context's definitions form a cycle: {' -> '.join(map(str, cycle))}")

    def _cycle(self) -> list | None:
        """A cycle of definitions (each quantity's definition mentions the next), or ``None``.
        Worked out once per content (what each definition defines and its body): every theory
        is a new object, holding its own definitions, but a report asks for the same model at
        every step."""
        found = _cycle_in(tuple((k, d.expr) for k, d in self._by_key.items()))
        return None if found is None else list(found)

    def __getstate__(self) -> dict:  # (a read-only mapping does not pickle: a plain copy travels)
        return {**self.__dict__, "_by_key": dict(self._by_key)}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({**state, "_by_key": MappingProxyType(dict(state["_by_key"]))})

    @classmethod
    def of(cls, definitions: Iterable[Fact] = (), domains: dict | None = None) -> "Theory":
        """A theory from a derivation's context (identities in it are ignored) and overrides."""
        defs = tuple(dict.fromkeys(f for f in definitions if isinstance(f, Definition)))
        items = tuple(sorted((domains or {}).items(), key=lambda kv: str(kv[0])))
        return cls(defs, items)

    # -- lookups
    def domain(self, q: sp.Basic) -> Domain | None:
        return domain_of(q, dict(self.overrides))

    def definition(self, q: sp.Basic) -> Definition | None:
        return self._by_key.get(q)

    def admits(self, q: sp.Basic, value) -> bool:
        """Whether the exact ``value`` (a Rational; a list of them, one per output, for a
        vector) lies in ``q``'s declared domain.  A quantity with no domain admits any value.

        >>> from dpo_mixture.notation import alpha, p_A
        >>> theory = Theory()
        >>> theory.admits(alpha, sp.Rational(1, 3)), theory.admits(alpha, sp.Integer(1))
        (True, False)
        >>> theory.admits(p_A, [sp.Rational(1, 2), sp.Rational(1, 2)]), theory.admits(p_A, [sp.Integer(1), sp.Integer(1)])
        (True, False)
        """
        dom = self.domain(q)
        if isinstance(value, (list, tuple)):
            if dom in DISTRIBUTIONS:
                positive = dom is Domain.DISTRIBUTION
                return sum(value) == 1 and all(v > 0 if positive else v >= 0 for v in value)
            if dom is Domain.POSITIVE_VECTOR:
                return all(v > 0 for v in value)
            if dom is Domain.NONNEGATIVE_VECTOR:
                return all(v >= 0 for v in value)
            return True
        return in_domain(value, dom)

    def is_derived(self, q: sp.Basic) -> bool:
        """Defined in this theory, or a quantity declared derived (defined from others)."""
        from ..notation import declared_domain

        return q in self._by_key or declared_domain(q) == "DERIVED"

    def unfold_all(self, expr: sp.Basic) -> sp.Basic:
        return unfold(expr, self.definitions)

    def probabilities(self) -> frozenset:
        return _by_domain(self, (Domain.UNIT_INTERVAL,), _registry_version())

    def distributions(self) -> frozenset:
        return _by_domain(self, DISTRIBUTIONS, _registry_version())

    def _symbols(self) -> frozenset:
        """The quantities the model knows: the declared ones, those it overrides, and those its
        definitions define or mention."""
        return _symbols_of(self, _registry_version())

    # -- the support
    def support_definitions(self) -> tuple[Definition, ...]:
        """Definitions of quantities declared positive on the support by expressions that are
        only nonnegative: they say where the support is."""
        return _support_definitions(self, _registry_version())

    def support(self) -> sp.Expr | None:
        """An expression in the output ``y`` that is positive exactly on the support (or None)."""
        from ..notation import y

        defs = self.support_definitions()
        if not defs:
            return None
        parts = [d.at(y) for d in defs]  # a bound y in a body is renamed, never captured
        return sp.Mul(*parts)

    def sign_context(self) -> SignContext:
        return _sign_context(self, _registry_version())

    def _make_sign_context(self) -> SignContext:
        return SignContext(
            probabilities=self.probabilities(),
            distributions=self.distributions(),
            support=tuple((key_of(d.target), d.target.indices[0], d.expr) for d in self.support_definitions()),
        )

    # -- trust
    def unverified(self, mentioned: frozenset | None = None) -> tuple[tuple[Definition, str], ...]:
        """Definitions whose target's declaration the kernel could not check, with why; with
        ``mentioned``, only those of the quantities it holds (each is checked once, when first
        asked about)."""
        return tuple(
            (d, why) for d in self.definitions
            if mentioned is None or key_of(d.target) in mentioned
            for why in (_unverified_one(self, d, _registry_version()),) if why
        )

    def justify(self, fact: Fact, mentioned: frozenset = frozenset()) -> tuple[bool, str]:
        """``(free, why)``: whether citing ``fact`` costs no trust, and the reason.

        ``mentioned`` holds the quantities the statement speaks of: a definition of one of them
        that is not the model's own would change what the statement means, so it is not free.
        """
        return _justify(self, fact, frozenset(mentioned), _registry_version())

    def normalizations(self) -> tuple[Identity, ...]:
        """``sum_i p(i) = 1`` for every declared distribution the definitions mention."""
        i = sp.Symbol("i", integer=True, positive=True)
        return tuple(
            Identity(f"{q} is a distribution", sp.Sum(q[i], (i, 1, _n)), 1)
            for q in sorted(self.distributions(), key=str)
        )


@functools.lru_cache(maxsize=1024)
def _cycle_in(bodies: tuple) -> tuple | None:
    """:meth:`Theory._cycle` of the definitions ``((defined quantity, body), ...)``: a pure
    function of that content, kept (a theory's definitions are its own objects; only what they
    say is the key)."""
    uses = {k: {key_of(i) for i in e.atoms(sp.Indexed)} | e.free_symbols for k, e in bodies}
    state: dict = {}

    def visit(k, path):
        state[k] = 1
        for m in uses[k]:
            if m in uses and state.get(m) == 1:
                return path[path.index(m):] + [m]
            if m in uses and m not in state:
                found = visit(m, path + [m])
                if found:
                    return found
        state[k] = 2
        return None

    for k in uses:
        if k not in state:
            found = visit(k, [k])
            if found:
                return tuple(found)
    return None


# --- checks, cached per theory (and per size of the registry, which users may extend) ---------
@functools.lru_cache(maxsize=256)
def _symbols_of(theory: Theory, _version: int) -> frozenset:
    out = set(DOMAINS) | {q for q, _ in theory.overrides}
    for d in theory.definitions:
        out |= {i.base for i in d.expr.atoms(sp.Indexed)} | d.expr.free_symbols | {key_of(d.target)}
    out = {q for q in out if isinstance(q, (sp.Symbol, sp.IndexedBase))}
    labels = {q.label for q in out if isinstance(q, sp.IndexedBase)}
    return frozenset(q for q in out if q not in labels and not (isinstance(q, sp.Symbol) and domain_of(q) in DISTRIBUTIONS))


@functools.lru_cache(maxsize=256)
def _by_domain(theory: Theory, domains: tuple, _version: int) -> frozenset:
    return frozenset(q for q in theory._symbols() if theory.domain(q) in domains)


@functools.lru_cache(maxsize=256)
def _sign_context(theory: Theory, _version: int) -> SignContext:
    return theory._make_sign_context()


@functools.lru_cache(maxsize=256)
def _support_definitions(theory: Theory, _version: int = 0) -> tuple[Definition, ...]:
    from .sign import sign_context

    out = []
    base_ctx = SignContext(theory.probabilities(), theory.distributions(), ())
    with sign_context(base_ctx):
        for d in theory.definitions:
            if not isinstance(d.target, sp.Indexed):
                continue
            if theory.domain(d.target.base) not in (Domain.DISTRIBUTION, Domain.POSITIVE_VECTOR):
                continue
            s = sign(d.expr)
            if s == "nonneg" and _is_mixture(theory, d.expr, d.target.indices[0]):
                out.append(d)
    # two supports could fail to meet (no output would be left): then neither defines it, and
    # each positivity declaration stays unverified
    return tuple(out) if len(out) == 1 else ()


def _is_mixture(theory: Theory, expr: sp.Expr, index: sp.Symbol) -> bool:
    """``expr`` is ``c1 q1(index) + ... + cm qm(index)``: positive coefficients free of the index
    times entries of declared nonnegative vectors (sparse distributions, ...), at least one of
    them with positive total mass (a distribution or a positive vector).  Only such a
    definition may say where the support is: it is positive exactly on the union of the
    supports of the ``qj``, which is not empty, so taking the outputs to be that union drops
    only outputs where every ``qj`` vanishes.  A model has at most one such definition.  Any other expression that is merely nonnegative (``R(y)**2``) would
    silently restrict the model, so its positivity declaration stays unverified instead."""
    nonneg = (Domain.DISTRIBUTION, Domain.SPARSE_DISTRIBUTION, Domain.POSITIVE_VECTOR, Domain.NONNEGATIVE_VECTOR)
    massive = (Domain.DISTRIBUTION, Domain.SPARSE_DISTRIBUTION, Domain.POSITIVE_VECTOR)
    terms = sp.Add.make_args(expr)
    # some term must be positive somewhere (a distribution has mass one), or the union is empty
    if not any(isinstance(e, sp.Indexed) and theory.domain(e.base) in massive
               for t in terms for e in [t.as_independent(index, as_Add=False)[1]]):
        return False
    for term in terms:
        coeff, entry = term.as_independent(index, as_Add=False)
        if not (isinstance(entry, sp.Indexed) and entry.indices == (index,) and theory.domain(entry.base) in nonneg):
            return False
        if coeff.has(sp.Indexed) or sign(coeff) != "pos":
            return False
    return True


#: Assumptions on a symbol that its definition must carry too, as SymPy's assumptions on the
#: defining expression show them (signs are checked by the sign rules instead).
_VALUE_CLASSES = ("integer", "rational", "irrational", "algebraic", "transcendental", "even", "odd", "prime",
                  "composite", "noninteger", "zero")


def _declaration_problem(theory: Theory, d: Definition, positive_by_support: bool = False) -> str | None:
    """Why ``d`` might break its target's declaration, or None when it provably respects it."""
    from .normal_form import difference_is_zero

    target = d.target
    k = key_of(target)
    label = k.label if isinstance(k, sp.IndexedBase) else k
    dom = theory.domain(k)
    expr = d.expr
    s = sign(expr)
    if not is_real(expr):
        return f"{d.name}: the definition is not shown to be real"
    if label.is_positive or dom in (Domain.POSITIVE, Domain.DISTRIBUTION, Domain.POSITIVE_VECTOR, Domain.UNIT_INTERVAL):
        if positive_by_support:
            if s not in ("pos", "nonneg"):
                return f"{d.name}: {k} is declared positive on the support, but its definition is not shown nonnegative"
        elif s != "pos":
            return f"{d.name}: {k} is declared positive, but its definition is not shown positive"
    elif label.is_nonnegative or dom in (Domain.NONNEGATIVE, Domain.SPARSE_DISTRIBUTION, Domain.NONNEGATIVE_VECTOR):
        if s not in ("pos", "nonneg", "zero"):
            return f"{d.name}: {k} is declared nonnegative, but its definition is not shown nonnegative"
    elif label.is_negative or dom is Domain.NEGATIVE:
        if s != "neg":
            return f"{d.name}: {k} is declared negative, but its definition is not shown negative"
    for kind in _VALUE_CLASSES:  # an integer (say) must be defined by an integer
        if getattr(label, "is_" + kind) is True and getattr(expr, "is_" + kind) is not True:
            return f"{d.name}: {k} is declared {kind}, but its definition is not shown to be"
    if dom in (Domain.INTEGER, Domain.POSITIVE_INTEGER) and expr.is_integer is not True:  # declared by domain only
        return f"{d.name}: {k} is declared an integer, but its definition is not shown to be one"
    if label.is_nonzero is True and s not in ("pos", "neg"):
        return f"{d.name}: {k} is declared nonzero, but its definition is not shown nonzero"
    if label.is_nonpositive is True and s not in ("neg", "nonpos", "zero"):
        return f"{d.name}: {k} is declared nonpositive, but its definition is not shown nonpositive"
    if dom is Domain.UNIT_INTERVAL and sign(1 - expr) != "pos":
        return f"{d.name}: {k} is declared below 1, but its definition is not shown below 1"
    if dom in DISTRIBUTIONS:
        i = sp.Dummy("i", integer=True, positive=True)
        total = sp.Sum(expr.xreplace({target.indices[0]: i}), (i, 1, _n))
        facts = theory.definitions + theory.normalizations()
        if not difference_is_zero(total, 1, facts)[0]:
            return f"{d.name}: {k} is declared a distribution, but its definition is not shown to sum to one"
    return None


@functools.lru_cache(maxsize=4096)
def _unverified_one(theory: Theory, d: Definition, _version: int = 0) -> str | None:
    from .sign import sign_context

    with sign_context(theory.sign_context()):
        # a support-defining definition is positive on the support by the meaning of the
        # support; everything else about its declaration is still checked
        support = set(_support_definitions(theory, _registry_version()))
        return _declaration_problem(theory, d, positive_by_support=d in support)


def _is_normalization(theory: Theory, lhs: sp.Expr, rhs: sp.Expr) -> bool:
    if rhs != 1 or not isinstance(lhs, sp.Sum) or len(lhs.limits) != 1:
        return False
    (index, lo, hi), = lhs.limits
    f = lhs.function
    return (
        lo == 1 and hi == _n and isinstance(f, sp.Indexed) and f.indices == (index,)
        and theory.domain(f.base) in DISTRIBUTIONS
    )


@functools.lru_cache(maxsize=4096)
def _justify(theory: Theory, fact: Fact, mentioned: frozenset, _version: int = 0) -> tuple[bool, str]:
    from .normal_form import difference_is_zero
    from .sign import sign_context

    if isinstance(fact, Definition):
        k = key_of(fact.target)
        mine = theory.definition(k)
        if mine is not None and mine.expr == fact.expr and mine.target == fact.target:
            return True, "a definition of the model"
        if mine is None and not theory.is_derived(k) and k not in DOMAINS and k not in mentioned:
            with sign_context(theory.sign_context()):
                problem = _declaration_problem(theory, fact)
            if problem is None:
                return True, "abbreviates a symbol the statement does not mention"
        lhs, rhs = fact.target, fact.expr
    else:
        lhs, rhs = fact.lhs, fact.rhs
        if _is_normalization(theory, lhs, rhs) or _is_normalization(theory, rhs, lhs):
            return True, "a declared distribution sums to one"
    facts = theory.definitions + theory.normalizations()
    with sign_context(theory.sign_context()):
        try:
            ok = difference_is_zero(theory.unfold_all(lhs), theory.unfold_all(rhs), facts)[0]
        except (ValueError, TypeError, NotImplementedError, sp.PolynomialError):
            ok = False
    if ok:
        return True, "follows from the model's definitions"
    return False, f"{fact.name}: {sp.sstr(lhs)} = {sp.sstr(rhs)} is taken on trust"

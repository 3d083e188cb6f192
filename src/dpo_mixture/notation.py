"""Every symbol of the derivation, declared once with its assumptions and LaTeX name.

Functions over the finite support are :class:`~sympy.IndexedBase` objects indexed by the
output ``y``, which runs over ``1..n`` (``n`` = the size of the support).  Scalars are plain
symbols.  Each symbol carries

* SymPy assumptions (``positive=True`` for probabilities on the support and for ``beta``),
* a LaTeX name in the seed's notation (see :data:`LATEX_NAMES`),
* a *domain* (:class:`Domain`) that tells the counterexample search how to draw it.

>>> beta.is_positive, p_ref[y].is_positive, r[y].is_real
(True, True, True)
>>> LATEX_NAMES["p_ref"]
'p_{\\\\mathrm{ref}}'
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, MutableMapping
from types import MappingProxyType

import sympy as sp

__all__ = [
    "Domain",
    "DOMAINS",
    "LATEX_NAMES",
    "INDEXED_LATEX",
    "y",
    "k",
    "n",
    "alpha",
    "beta",
    "t",
    "lam",
    "Z",
    "M_A",
    "M_U",
    "TPM_A",
    "TPM_U",
    "p",
    "q",
    "p_ref",
    "p_theta",
    "p_star",
    "p_A",
    "p_U",
    "r",
    "alpha_A",
    "alpha_U",
    "support_sum",
    "DERIVED",
    "DeclaredSymbol",
    "declared_domain",
]


class Domain(enum.Enum):
    """Where a symbol's values live; the sign rules, the kernel and the counterexample search
    read it.  :mod:`dpo_mixture.declare` gives each declared symbol one.

    >>> from dpo_mixture import declare
    >>> from dpo_mixture.notation import declared_domain
    >>> declared_domain(declare.probability("a")), declared_domain(declare.reward("f"))
    (<Domain.UNIT_INTERVAL: 'open interval (0, 1)'>, <Domain.REAL_VECTOR: 'real vector over the support'>)
    """

    POSITIVE = "positive real"
    NONNEGATIVE = "nonnegative real"
    NEGATIVE = "negative real"
    NONPOSITIVE = "nonpositive real"
    UNIT_INTERVAL = "open interval (0, 1)"
    REAL = "real"
    INTEGER = "integer"
    POSITIVE_INTEGER = "positive integer"
    REAL_VECTOR = "real vector over the support"
    DISTRIBUTION = "distribution, positive on the support"
    SPARSE_DISTRIBUTION = "distribution, zeros allowed"
    POSITIVE_VECTOR = "positive vector over the support"
    NONNEGATIVE_VECTOR = "nonnegative vector over the support"


class DeclaredSymbol(sp.Symbol):
    """A symbol that carries its declared domain in its identity.

    ``DeclaredSymbol("alpha", "UNIT_INTERVAL", positive=True)`` is not equal to a plain
    ``Symbol("alpha", positive=True)``: a quantity someone else names ``alpha`` does not silently
    inherit this one's domain.  ``domain`` is a :class:`Domain` name, or ``"DERIVED"`` (defined
    from others), ``"OUTPUT"`` (an output of the support) or ``"SIZE"`` (the support's size).

    >>> a = DeclaredSymbol("a", "UNIT_INTERVAL", positive=True)
    >>> a == sp.Symbol("a", positive=True), a.domain, a.is_positive
    (False, 'UNIT_INTERVAL', True)
    """

    def __new__(cls, name: str, domain: str, **assumptions):
        obj = sp.Symbol.__xnew__(cls, name, **assumptions)
        obj.domain = domain
        return obj

    def _hashable_content(self):
        return super()._hashable_content() + (self.domain,)

    def __getnewargs_ex__(self):
        return ((self.name, self.domain), self.assumptions0)

    def _sympyrepr(self, printer) -> str:
        extra = "".join(f", {k}={v}" for k, v in sorted(self.assumptions0.items()) if k in _DECLARED_KEYS)
        return f"DeclaredSymbol({self.name!r}, {self.domain!r}{extra})"


#: The assumptions a declared symbol is built with (``srepr`` writes them back).
_DECLARED_KEYS = ("integer", "positive", "nonnegative", "negative", "real")


def _declared(name: str, domain: str, **assumptions) -> DeclaredSymbol:
    return DeclaredSymbol(name, domain, **assumptions)


def _declared_base(name: str, domain: str, **assumptions) -> sp.IndexedBase:
    return sp.IndexedBase(DeclaredSymbol(name, domain, **assumptions))


# --- the index and the size of the support -------------------------------------------------
#: The output, used as the summation index over the support ``1..n``.
y = _declared("y", "OUTPUT", integer=True, positive=True)
#: A second index, used inside definitions (such as ``Z``) so they never capture ``y``.
k = _declared("k", "OUTPUT", integer=True, positive=True)
#: The size of the support.
n = _declared("n", "SIZE", integer=True, positive=True)

# --- scalars -------------------------------------------------------------------------------
alpha = _declared("alpha", "UNIT_INTERVAL", positive=True)  # 0 < alpha < 1
beta = _declared("beta", "POSITIVE", positive=True)
t = _declared("t", "POSITIVE", positive=True)  # t = 1/beta, or the variable of log t <= t - 1
lam = _declared("lambda", "REAL", real=True)  # Lagrange multiplier
Z = _declared("Z", "DERIVED", positive=True)  # a sum of positive terms over a nonempty support
M_A = _declared("M_A", "DERIVED", positive=True)  # E_{p_A}[e^{r/beta}] > 0
M_U = _declared("M_U", "DERIVED", positive=True)
# Total masses are derived; bounds on them are results, so only realness is declared.
TPM_A = _declared("TPM_A", "DERIVED", real=True)
TPM_U = _declared("TPM_U", "DERIVED", real=True)

# --- functions over the support --------------------------------------------------------------
p = _declared_base("p", "DISTRIBUTION", positive=True)
q = _declared_base("q", "DISTRIBUTION", positive=True)
p_ref = _declared_base("p_ref", "DISTRIBUTION", positive=True)
# Derived quantities: their sign is a result to prove, so they carry no sign assumption.
p_theta = _declared_base("p_theta", "DERIVED", real=True)
p_star = _declared_base("p_star", "DERIVED", real=True)
# Mixture components may vanish at some outputs of the support: only nonnegative.
p_A = _declared_base("p_A", "SPARSE_DISTRIBUTION", nonnegative=True)
p_U = _declared_base("p_U", "SPARSE_DISTRIBUTION", nonnegative=True)
r = _declared_base("r", "REAL_VECTOR", real=True)
alpha_A = _declared_base("alpha_A", "DERIVED", real=True)
alpha_U = _declared_base("alpha_U", "DERIVED", real=True)

class _Registry(MutableMapping):
    """The registry of declared quantities: a mapping that counts its changes (``version``), so
    that what is worked out from it can be remembered for as long as it holds the same entries.

    It is not a ``dict``: a ``dict`` subclass can be changed by methods that never call its own
    (``|=`` merges in C), and a change the count misses would leave a stale memo in force.  Every
    change here goes through :meth:`__setitem__` or :meth:`__delitem__`.

    >>> reg = _Registry({}); before = reg.version
    >>> reg |= {sp.Symbol("x"): Domain.REAL}
    >>> reg.version > before, len(reg)
    (True, 1)
    """

    __slots__ = ("_entries", "version")

    def __init__(self, entries=()) -> None:
        if hasattr(self, "_entries"):  # DOMAINS.__init__(...) again would restart the count
            raise TypeError("the registry is made once; change it through its methods")
        self._entries: dict = {}
        self.version = 0
        self.update(entries)

    def __getitem__(self, key):
        return self._entries[key]

    def __setitem__(self, key, value) -> None:
        self._entries[key] = value
        self.version += 1

    def __delitem__(self, key) -> None:
        del self._entries[key]
        self.version += 1

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key) -> bool:  # the mixin's version would catch a KeyError per miss
        return key in self._entries

    def get(self, key, default=None):
        return self._entries.get(key, default)

    def __ior__(self, other):
        self.update(other)
        return self

    def __copy__(self) -> "_Registry":  # a registry of its own (copy.copy would share the entries)
        return _Registry(self._entries)

    def __deepcopy__(self, memo) -> "_Registry":
        return _Registry(self._entries)

    def __reduce__(self):
        return (_Registry, (dict(self._entries),))

    def __repr__(self) -> str:
        return f"_Registry({self._entries!r})"


#: How the search draws each free quantity.
DOMAINS: MutableMapping[sp.Basic, Domain] = _Registry({
    alpha: Domain.UNIT_INTERVAL,
    beta: Domain.POSITIVE,
    t: Domain.POSITIVE,
    lam: Domain.REAL,
    p: Domain.DISTRIBUTION,
    q: Domain.DISTRIBUTION,
    p_ref: Domain.DISTRIBUTION,
    p_theta: Domain.DISTRIBUTION,
    p_A: Domain.SPARSE_DISTRIBUTION,
    p_U: Domain.SPARSE_DISTRIBUTION,
    r: Domain.REAL_VECTOR,
})

#: The package's own entries of :data:`DOMAINS`, as registered here (a report is re-checked
#: with these and its own declarations alone, whatever else the process registered).
PACKAGE_DOMAINS: Mapping[sp.Basic, Domain] = MappingProxyType(dict(DOMAINS))  # read-only

#: LaTeX for scalars (and the bare names of functions over the support).
LATEX_NAMES: dict[str, str] = {
    "alpha": r"\alpha(x)",
    "beta": r"\beta",
    "t": "t",
    "lambda": r"\lambda",
    "Z": "Z(x)",
    "M_A": r"M_{\mathcal{A}}",
    "M_U": r"M_{\mathcal{U}}",
    "TPM_A": r"\TPM(\mathcal{A};x)",
    "TPM_U": r"\TPM(\mathcal{U};x)",
    "n": "n",
    "y": "y",
    "k": "y'",
    "p": "p",
    "q": "q",
    "p_ref": r"p_{\mathrm{ref}}",
    "p_theta": r"p_{\theta}",
    "p_star": r"p^{*}",
    "p_A": r"p_{\mathcal{A}}",
    "p_U": r"p_{\mathcal{U}}",
    "r": "r",
    "alpha_A": r"\alpha_{\mathcal{A}}",
    "alpha_U": r"\alpha_{\mathcal{U}}",
}

#: How an entry ``base[y]`` prints: ``{name}`` is the base's LaTeX name, ``{i}`` the index.
#: Conditioning prints as ``\mid``, never a bare ``|``: Markdown engines (kramdown) split a
#: paragraph into table cells at a bar, even inside inline maths.
INDEXED_LATEX: dict[str, str] = {
    "p": "{name}({i})",
    "q": "{name}({i})",
    "p_ref": r"{name}({i} \mid x)",
    "p_theta": r"{name}({i} \mid x)",
    "p_star": r"{name}({i} \mid x)",
    "p_A": r"{name}({i} \mid x)",
    "p_U": r"{name}({i} \mid x)",
    "r": "{name}({i};x)",
    "alpha_A": "{name}({i};x)",
    "alpha_U": "{name}({i};x)",
}


#: Names of quantities defined from others: proofs must not treat them as free constants where
#: the dependence matters (calculus in beta, limits).
DERIVED: frozenset[str] = frozenset({"Z", "M_A", "M_U", "TPM_A", "TPM_U", "p_theta", "p_star", "alpha_A", "alpha_U"})


def declared_domain(q: sp.Basic) -> "Domain | str | None":
    """The domain a declared symbol (or an indexed base with a declared label) carries: a
    :class:`Domain`, ``"DERIVED"``, ``"OUTPUT"``, ``"SIZE"``, or ``None`` for anything else.

    >>> declared_domain(alpha), declared_domain(p_A), declared_domain(Z), declared_domain(sp.Symbol("alpha"))
    (<Domain.UNIT_INTERVAL: 'open interval (0, 1)'>, <Domain.SPARSE_DISTRIBUTION: 'distribution, zeros allowed'>, 'DERIVED', None)
    """
    label = q.label if isinstance(q, sp.IndexedBase) else q
    if not isinstance(label, DeclaredSymbol):
        return None
    return Domain[label.domain] if label.domain in Domain.__members__ else label.domain


def support_sum(expr: sp.Expr, index: sp.Symbol = y) -> sp.Sum:
    """The sum of ``expr`` over the support, ``index = 1..n``.

    >>> support_sum(p[y])
    Sum(p[y], (y, 1, n))
    """
    return sp.Sum(expr, (index, 1, n))

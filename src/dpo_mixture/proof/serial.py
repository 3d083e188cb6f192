"""Expressions to text and back, for ``report.json``, without ``eval``.

:func:`dumps` writes SymPy's ``srepr``.  :func:`loads` reads it back through a whitelist: the
text is parsed with :mod:`ast` and only calls of known SymPy (and dpo-mixture) constructors
with literal arguments are accepted, so a report file can never run code.

>>> import sympy as sp
>>> from dpo_mixture.notation import beta, r, y
>>> text = dumps(sp.Le(sp.exp(r[y] / beta), 2))
>>> loads(text) == sp.Le(sp.exp(r[y] / beta), 2)
True
>>> loads("__import__('os')")
Traceback (most recent call last):
...
ValueError: not a serialized expression: call of '__import__' is not allowed
"""

from __future__ import annotations

import ast
import functools
import re
from typing import Any

import sympy as sp
from sympy.core.assumptions import _assume_defined

__all__ = ["dumps", "loads", "register_constructor"]

#: Longest text :func:`loads` accepts.
MAX_TEXT = 2_000_000

_CONSTRUCTORS: dict[str, Any] = {}


#: Names under which two different constructors were registered: text naming one cannot be read.
_AMBIGUOUS: set[str] = set()

#: Largest exponent of a power of a number that serialized text may hold.
MAX_EXPONENT = 10_000


def register_constructor(name: str, constructor: Any) -> None:
    """Allow ``name(...)`` in serialized text (for a package's own SymPy classes).

    Registering a second, different constructor under a taken name makes the name ambiguous:
    text that calls it is refused (never read as the wrong class).

    >>> import sympy as sp
    >>> class Twin(sp.Function): pass
    >>> class Other(sp.Function): pass
    >>> register_constructor("Twin", Twin); loads(dumps(Twin(1))) == Twin(1)
    True
    >>> Other.__name__ = "Twin"; register_constructor("Twin", Other)
    >>> loads(dumps(Twin(1)))
    Traceback (most recent call last):
    ...
    ValueError: not a serialized expression: two different classes are registered as 'Twin'; rename one of them
    """
    known = _CONSTRUCTORS.get(name)
    if known is not None and known is not constructor:
        _AMBIGUOUS.add(name)
    _CONSTRUCTORS[name] = constructor


for _name in (
    "Symbol", "Dummy", "Integer", "Rational", "Float", "Add", "Mul", "Pow", "exp", "log", "Abs",
    "Max", "Min", "Sum", "Tuple", "Indexed", "IndexedBase", "Derivative", "Limit", "Lambda", "Subs",
    "Equality", "Unequality", "StrictLessThan", "LessThan", "StrictGreaterThan", "GreaterThan",
    "And", "Or", "Not", "Piecewise", "sign", "floor", "ceiling", "KroneckerDelta",
):
    _CONSTRUCTORS[_name] = getattr(sp, _name)
_CONSTRUCTORS.update(
    {
        "Half": lambda: sp.S.Half,
        "One": lambda: sp.S.One,
        "Zero": lambda: sp.S.Zero,
        "NegativeOne": lambda: sp.S.NegativeOne,
        "Infinity": lambda: sp.oo,
        "NegativeInfinity": lambda: -sp.oo,
        "ComplexInfinity": lambda: sp.zoo,
        "NaN": lambda: sp.nan,
        "Exp1": lambda: sp.E,
        "Pi": lambda: sp.pi,
        "pi": sp.pi,
        "E": sp.E,
        "oo": sp.oo,
        "true": sp.true,
        "false": sp.false,
        "BooleanTrue": lambda: sp.true,
        "BooleanFalse": lambda: sp.false,
        "UnevaluatedExpr": sp.UnevaluatedExpr,
        "Str": lambda s: sp.Symbol(s),
    }
)


#: Constructors that would simplify (or decide) what they are given unless told not to.
_UNEVALUATED = frozenset(
    {"Pow", "Equality", "Unequality", "StrictLessThan", "LessThan", "StrictGreaterThan", "GreaterThan", "And", "Or", "Not"}
)


#: Leaf constructors whose results are shared (see :func:`_shared`).
_LEAVES = frozenset({"Symbol", "IndexedBase", "DeclaredSymbol"})
#: One object per distinct leaf read so far (a bound on memory, not a cache policy).
_SHARED: dict = {}
MAX_SHARED = 50_000


def _shared(leaf: sp.Basic) -> sp.Basic:
    """The one object that stands for every leaf equal to ``leaf``: the package's own symbol
    where there is one, else the first equal leaf read.  Equal leaves are interchangeable
    everywhere in SymPy, but a dictionary finds a key by identity at once and by equality only
    after comparing both objects' contents (a symbol's whole table of assumptions): the
    evaluators look their values up by symbol, once per node and instance.

    >>> from dpo_mixture.notation import beta
    >>> loads(dumps(beta)) is beta
    True
    """
    if len(_SHARED) >= MAX_SHARED:
        _SHARED.clear()
    if not _SHARED:
        _seed_shared()
    try:
        return _SHARED.setdefault(leaf, leaf)
    except TypeError:  # an unhashable argument: nothing to share
        return leaf


def _seed_shared() -> None:
    from .. import notation

    for value in vars(notation).values():
        if isinstance(value, (sp.Symbol, sp.IndexedBase)):
            _SHARED.setdefault(value, value)
            if isinstance(value, sp.IndexedBase):
                _SHARED.setdefault(value.label, value.label)


def dumps(expr: sp.Basic) -> str:
    """The ``srepr`` of ``expr``, with every argument in its stored order."""
    return sp.srepr(expr, order="none")


def _value(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (int, str, bool)) and not isinstance(node.value, bytes):
            return node.value
        raise ValueError(f"constant {node.value!r} is not allowed")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = _value(node.operand)
        if isinstance(value, int) and not isinstance(value, bool):
            return -value
        raise ValueError("only integers can be negated")
    if isinstance(node, ast.Name):
        if node.id in _CONSTRUCTORS and not callable(_CONSTRUCTORS[node.id]) or node.id in ("pi", "E", "oo"):
            return _CONSTRUCTORS[node.id]
        raise ValueError(f"name {node.id!r} is not allowed")
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Call):  # Function('f')(a): a function the author names
            return _undefined_application(node)
        if not isinstance(node.func, ast.Name):
            raise ValueError("only calls of plain names are allowed")
        name = node.func.id
        if name not in _CONSTRUCTORS:
            raise ValueError(f"call of {name!r} is not allowed")
        if name in _AMBIGUOUS:
            raise ValueError(f"two different classes are registered as {name!r}; rename one of them")
        args = [_value(a) for a in node.args]
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise ValueError("keyword unpacking is not allowed")
            kwargs[kw.arg] = _value(kw.value)
        why = _shape_problem(name, args, kwargs)
        if why:  # only what dumps writes: log(x, 2), Rational(0, 5, 1), KL(..., evaluate=False) are not
            raise ValueError(f"a call of {name!r} {why}")
        # SymPy's constructors sympify what they are given, and sympify *parses and evaluates*
        # text (exp('len(...)') runs Python): text stands only where a name is written
        texts = _TEXT_ARGUMENTS.get(name, ())
        if any(i not in texts and _holds_text(a) for i, a in enumerate(args)) \
                or any(_holds_text(v) for v in kwargs.values()):
            raise ValueError(f"text is allowed only as a name (a call of {name!r} holds other text)")
        constructor = _CONSTRUCTORS[name]
        if name == "Pow" and len(args) == 2 and all(isinstance(a, (int, sp.Number)) for a in args):
            base, exp = (sp.sympify(a) for a in args)
            if exp.is_Integer and abs(exp) > MAX_EXPONENT and abs(base) != 1:
                # a number's power is computed when it is built: 3**(10**11) would never finish
                raise ValueError(f"a power of a number with an exponent beyond {MAX_EXPONENT} is not allowed")
        if name == "Integer":
            return sp.Integer(*args)
        if name == "Rational":
            return sp.Rational(*args)
        if name in ("Add", "Mul"):  # exactly the stored arguments, in the stored order
            return _bounded(constructor._from_args(tuple(sp.sympify(a) for a in args)))
        if name in _UNEVALUATED:
            return _bounded(constructor(*args, evaluate=False, **kwargs))
        if isinstance(constructor, type) and issubclass(constructor, sp.Function) and not kwargs:
            try:  # as stored: exp(1) stays exp(1), as the claim parser left it, and is not read as E
                made = constructor(*args, evaluate=False)
            except TypeError:  # a function class that takes no evaluate flag
                pass
            else:
                _bounded(made)
                if not constructor.__module__.startswith("sympy."):
                    # what building the operator checks (an instance's values in their domains,
                    # KL's functions at y) holds for one read back from a report as well
                    constructor.eval(*made.args)
                return made
        made = constructor(*args, **kwargs)
        return _shared(made) if name in _LEAVES else made
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_value(e) for e in node.elts)
    raise ValueError(f"syntax {type(node).__name__} is not allowed")


#: How many arguments each of SymPy's constructors takes in what ``dumps`` writes (a function
#: class of the package's says so itself, by its ``nargs``); ``None``: any number.
_ARITY: dict[str, tuple[int, int | None]] = {
    "Symbol": (1, 1), "Dummy": (1, 1), "DeclaredSymbol": (2, 2), "Str": (1, 1), "Integer": (1, 1),
    "Rational": (2, 2), "Float": (1, 1), "Add": (0, None), "Mul": (0, None), "Pow": (2, 2), "exp": (1, 1),
    "log": (1, 1), "Abs": (1, 1), "Max": (1, None), "Min": (1, None), "Sum": (2, None), "Tuple": (0, None),
    "Indexed": (2, None), "IndexedBase": (1, 1), "Derivative": (2, None), "Limit": (4, 4), "Lambda": (2, 2),
    "Subs": (3, 3), "Equality": (2, 2), "Unequality": (2, 2), "StrictLessThan": (2, 2), "LessThan": (2, 2),
    "StrictGreaterThan": (2, 2), "GreaterThan": (2, 2), "And": (1, None), "Or": (1, None), "Not": (1, 1),
    "Piecewise": (1, None), "sign": (1, 1), "floor": (1, 1), "ceiling": (1, 1),
    "KroneckerDelta": (2, 2), "UnevaluatedExpr": (1, 1),
}
#: The keywords ``dumps`` writes: a symbol's assumptions (and a placeholder's index), a Float's precision.
_KEYWORDS = {"Symbol": "assumptions", "Dummy": "assumptions", "DeclaredSymbol": "assumptions", "Float": "precision"}
#: A Float's text: a short decimal whose exponent stays within 10^4000 (its exact value is built).
_FLOAT_TEXT = re.compile(r"-?(?:\d{1,1000}(?:\.\d{0,1000})?|\.\d{1,1000})(?:[eE][-+]?\d{1,4})?")
MAX_FLOAT_EXPONENT, MAX_PRECISION = 4000, 20_000
#: The most bits a number raised to a power may have (the power is computed when it is built).
MAX_POWER_BITS = 400_000


def _shape_problem(name: str, args: list, kwargs: dict) -> str:
    """Why the call ``name(*args, **kwargs)`` is not one ``dumps`` writes, or ``""``."""
    low, high = _ARITY.get(name, (None, None))
    if low is None:
        constructor = _CONSTRUCTORS[name]
        nargs = getattr(constructor, "nargs", None)
        if isinstance(nargs, sp.FiniteSet) and len(args) not in nargs:
            return f"takes {sorted(int(k) for k in nargs)} arguments, not {len(args)}"
    elif len(args) < low or high is not None and len(args) > high:
        return f"takes {low}{'' if high == low else ' or more' if high is None else f' to {high}'} arguments, not {len(args)}"
    kind = _KEYWORDS.get(name)
    if kwargs and kind is None:
        return "takes no keywords"
    if kind == "assumptions":
        for key, value in kwargs.items():
            if key == "dummy_index" and name == "Dummy":
                if not isinstance(value, int) or isinstance(value, bool):
                    return "has a dummy_index that is not an integer"
            elif key not in _ASSUMPTION_NAMES or not isinstance(value, bool):
                return f"has the keyword {key!r}, which is no assumption"
    if kind == "precision":
        if set(kwargs) - {"precision"} or not all(isinstance(v, int) and 0 < v <= MAX_PRECISION for v in kwargs.values()):
            return f"may say only its precision, at most {MAX_PRECISION} bits"
        text = args[0] if args else None
        m = isinstance(text, str) and _FLOAT_TEXT.fullmatch(text)
        exponent = m and re.search(r"[eE]([-+]?\d+)$", text)
        if not m or exponent and abs(int(exponent.group(1))) > MAX_FLOAT_EXPONENT:
            return f"is no short decimal with an exponent within {MAX_FLOAT_EXPONENT}"
    if name in ("Integer", "Rational") and not all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        return "takes integers"
    if name == "Rational" and args[1] <= 0:
        return "takes a positive denominator"
    if name == "Pow" and len(args) == 2:
        bits, exp = _bits(args[0]), args[1]
        if bits is not None and isinstance(exp, (int, sp.Rational)) and \
                (bits * abs(exp) > MAX_POWER_BITS or not sp.Rational(exp).is_Integer and bits > MAX_POWER_BITS // 20):
            return f"has an exponent that would build a number of more than {MAX_POWER_BITS} bits"
    return ""


def _bounded(made: Any) -> Any:
    """``made``, unless it is an exact number built only from rationals (an unevaluated power,
    product or sum, or an exponential of a logarithm) beyond ``2**MAX_POWER_BITS`` or below its
    inverse: something will compute it exactly one day (``3**(1000*1000000)``,
    ``exp(10**9 log 3)``), in one call no time limit interrupts.  Its size is read in floating
    point, which never builds it; ``e**(10**8)`` stays a power of ``e`` and is kept."""
    import mpmath

    if not isinstance(made, sp.Basic) or made.is_Atom or not made.is_number:
        return made
    exact = not made.atoms(sp.Function, sp.NumberSymbol) and not made.has(sp.Float)
    if not exact and not any(f.args[0].has(sp.log) for f in made.atoms(sp.exp)):
        return made  # e**(10**8) stays a power of e; only rationals, and exp(k log b) = b**k, are built
    try:
        value = made.evalf(15)
    except Exception:  # noqa: BLE001 - no value to read: nothing to build either
        return made
    if isinstance(value, sp.Float) and value != 0:
        if abs(mpmath.log(abs(mpmath.mpf(value._mpf_)), 2)) > MAX_POWER_BITS:
            raise ValueError(f"a number beyond 2**{MAX_POWER_BITS} (or below its inverse) is not allowed")
    return made


def _bits(x: Any) -> int | None:
    """About how many bits the number ``x`` (a rational, or a power of one, however nested:
    a power built unevaluated is computed later) has once computed; None if it is no such number."""
    if isinstance(x, (int, sp.Rational)):
        r = sp.Rational(x)
        return 0 if abs(r) == 1 else max(int(r.p).bit_length(), int(r.q).bit_length())
    if isinstance(x, sp.Pow) and isinstance(x.exp, sp.Rational):
        inner = _bits(x.base)
        return None if inner is None else inner * max(1, int(abs(x.exp)) + 1)
    return None


#: The assumptions a symbol may carry in serialized text.
_ASSUMPTION_NAMES = frozenset(_assume_defined)


#: The arguments (by position) that serialized text may write as text: names, and a Float's digits.
_TEXT_ARGUMENTS: dict[str, tuple[int, ...]] = {
    "Symbol": (0,), "Dummy": (0,), "Str": (0,), "DeclaredSymbol": (0, 1), "Float": (0,),
}


def _holds_text(value: Any) -> bool:
    return isinstance(value, str) or isinstance(value, tuple) and any(_holds_text(v) for v in value)


def _undefined_application(node: ast.Call) -> sp.Basic:
    """``Function('f')(a, ...)``, as ``dumps`` writes a function the author names (a plain
    undefined function, which the kernel reads as an arbitrary one): the name is a plain
    name, the function carries no assumptions, and it is applied to expressions only.

    >>> import sympy as sp
    >>> a = sp.Symbol("a", positive=True)
    >>> loads(dumps(sp.Function("f")(a))) == sp.Function("f")(a)
    True
    >>> loads("Function('f', positive=True)(Symbol('a'))")
    Traceback (most recent call last):
    ...
    ValueError: not a serialized expression: a function the author names is written Function('name'), without assumptions
    >>> loads("Function('exp')(Symbol('a'))")
    Traceback (most recent call last):
    ...
    ValueError: not a serialized expression: the function name 'exp' is not plain (it names one of SymPy's or the package's functions)
    """
    head = node.func
    assert isinstance(head, ast.Call)
    if not (isinstance(head.func, ast.Name) and head.func.id == "Function"):
        raise ValueError("only calls of plain names are allowed")
    if head.keywords or len(head.args) != 1 or not isinstance(head.args[0], ast.Constant) \
            or type(head.args[0].value) is not str:
        raise ValueError("a function the author names is written Function('name'), without assumptions")
    name = head.args[0].value
    why = _function_name_problem(name)
    if why:
        raise ValueError(f"the function name {name!r} is not plain ({why})")
    if node.keywords:
        raise ValueError("a function the author names is applied without keywords")
    args = [_value(a) for a in node.args]
    if not args or not all(isinstance(a, sp.Basic) for a in args):
        raise ValueError(f"the function {name!r} is applied to no expression, or to something else")
    return sp.Function(name)(*args)


def _function_name_problem(name: str) -> str:
    """Why ``name`` may not name a function the author names in a report, or ``""``: it must be a
    plain name (as a quantity's: :func:`~dpo_mixture.proof.verify.plain_name_problem`), with no
    argument list of its own, and name no function or class of SymPy's, of the package's model,
    or that serialized text calls (``exp``, ``Sigmoid``): the kernel reads an opaque application
    of those as ``Function(name)(...)``, and a reader would take it for that function."""
    from .. import model
    from .verify import plain_name_problem

    if not name or len(name) > 100:
        return "it is empty or too long"
    why = plain_name_problem(name)
    if why:
        return why
    if "(" in name:
        return "an argument list in a function's name"
    if any(c in name for c in "^'*") or "prime" in name:
        return "a superscript, a prime or a star in a function's name (its derivative prints f'(a))"
    if name in _CONSTRUCTORS or name == "Function" \
            or any(callable(getattr(where, name, None)) for where in (sp, model)):
        return "it names one of SymPy's or the package's functions"
    return ""


def loads(text: str) -> sp.Basic:
    """Read an expression written by :func:`dumps`; raises ``ValueError`` for anything else."""
    if not isinstance(text, str):
        raise ValueError(f"not a serialized expression: expected text, not {type(text).__name__}")
    return _loads(text, len(_CONSTRUCTORS), len(_AMBIGUOUS))


@functools.lru_cache(maxsize=4096)
def _loads(text: str, _constructors: int, _ambiguous: int) -> sp.Basic:
    """:func:`loads`, cached: the same text reads as the same (immutable) expression for as
    long as the registry of constructors is unchanged (its sizes are part of the key)."""
    if len(text) > MAX_TEXT:
        raise ValueError("not a serialized expression: too long")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        raise ValueError(f"not a serialized expression: {type(exc).__name__}") from None
    try:
        made = _value(tree.body)
        if _holds_text(made):  # what reads it would sympify it: parse and run it
            raise ValueError("text is allowed only as a name")
        return made
    except ValueError as exc:
        raise ValueError(f"not a serialized expression: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - whatever SymPy raises on text no dumps wrote is bad input
        raise ValueError(f"not a serialized expression: {type(exc).__name__}: {str(exc)[:200]}") from None


def _register_model_nodes() -> None:
    from ..model import CovUnif, LogSigmoid, MeanUnif, RelEntr, Sigmoid, SupportMax, SupportMin
    from ..notation import DeclaredSymbol

    register_constructor("DeclaredSymbol", DeclaredSymbol)
    for cls in (SupportMax, SupportMin, MeanUnif, CovUnif, Sigmoid, LogSigmoid, RelEntr):
        register_constructor(cls.__name__, cls)
    register_constructor("Heaviside", sp.Heaviside)


_register_model_nodes()

"""One instance of the mixture model, read from the command line or a JSON file.

An instance is ``alpha``, ``beta``, the rewards ``r`` and the two components ``p_A``, ``p_U``
over a finite support, every value exact (a SymPy number).  The JSON schema is the one of a
counterexample in ``report.json``::

    {"alpha": "1/2", "beta": "1/4", "r": ["0", "1", "2"], "p_A": [...], "p_U": [...]}

Numbers are strings or JSON numbers: integers, decimals and fractions such as ``1/3`` are read
exactly; ``+ - * /``, parentheses, ``exp``, ``log``, ``sqrt``, ``pi`` and ``E`` are allowed too.  Every problem raises a
:class:`~dpo_mixture.cli.UsageError` whose one line names the argument.

>>> inst = parse_flags(alpha="1/2", beta="1/4", r="0,1,2", p_A="0,9/10,1/10", p_U="1/2,3/10,1/5")
>>> inst.n, inst.alpha, inst.p_A[1]
(3, 1/2, 9/10)
"""

from __future__ import annotations

import json
import math
import sys
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from . import UsageError

__all__ = ["Instance", "parse_number", "parse_flags", "from_mapping", "load_json", "EXAMPLE", "KEYS"]

#: The quantities of an instance, in the order they are printed.
KEYS = ("alpha", "beta", "r", "p_A", "p_U")
VECTORS = ("r", "p_A", "p_U")
#: Slack allowed in ``sum(p) == 1`` when a value is irrational (exact sums must be exactly 1).
SUM_TOLERANCE = 1e-12

_NAMES = {"exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "pi": sp.pi, "E": sp.E}
_GLOBALS = {"Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational, "Symbol": sp.Symbol}
_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|([-+*/()]))")


def _double(name: str, value) -> float:
    """``value`` in float64, or a UsageError naming ``name`` when it does not fit (a nonzero
    value that rounds to 0, or one beyond the largest double)."""
    try:
        out = float(value)
    except OverflowError:
        out = math.inf
    shown = str(value) if len(str(value)) <= 24 else sp.sstr(sp.N(value, 4))
    if not math.isfinite(out) or (out == 0 and value != 0):
        raise UsageError(f"{name}: {shown} is outside the range of float64 (it would be {out}), "
                         "and the numeric functions compute in float64")
    if out != 0 and abs(out) < sys.float_info.min:  # subnormal: only a few digits survive
        raise UsageError(f"{name}: {shown} is below float64's normal range (it would be {out!r}, "
                         f"{float(abs(sp.Rational(out) - value) / abs(value)):.2g} off), and the numeric "
                         "functions compute in float64")
    return out


@dataclass(frozen=True)
class Instance:
    """Exact values of one instance; :meth:`arrays` gives the float64 view the numerics use."""

    alpha: sp.Expr
    beta: sp.Expr
    r: tuple[sp.Expr, ...]
    p_A: tuple[sp.Expr, ...]
    p_U: tuple[sp.Expr, ...]

    @property
    def n(self) -> int:
        return len(self.r)

    def arrays(self) -> dict[str, Any]:
        """``alpha``, ``beta`` as floats and ``r``, ``p_A``, ``p_U`` as float64 arrays."""
        return {
            "alpha": _double("alpha", self.alpha),
            "beta": _double("beta", self.beta),
            **{key: np.array([_double(key, v) for v in getattr(self, key)], dtype=np.float64) for key in VECTORS},
        }

    def to_json(self) -> dict[str, Any]:
        """The counterexample schema (exact values as strings)."""
        return {
            "alpha": str(self.alpha),
            "beta": str(self.beta),
            **{key: [str(v) for v in getattr(self, key)] for key in VECTORS},
        }


def _check_tokens(text: str) -> None:
    """Allow numbers, ``+ - * /``, parentheses and one level of ``exp``/``log``/``sqrt`` calls.

    Powers and nested calls are refused: they are how a short string becomes a number too
    large to evaluate (``exp(exp(exp(100)))``).
    """
    if len(text) > 200:
        raise ValueError("longer than 200 characters")
    if "**" in text.replace(" ", ""):
        raise ValueError("powers are not supported")
    pos, depth, call_depth = 0, 0, None  # call_depth: paren depth inside a function call
    after_function = False
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                return
            raise ValueError(f"unexpected {text[pos:pos + 10]!r}")
        number, name, op = m.groups()
        if name is not None:
            if name not in _NAMES:
                raise ValueError(f"unknown name {name!r}")
            if name in ("exp", "log", "sqrt"):
                if call_depth is not None:
                    raise ValueError("nested functions are not supported")
                after_function = True
        elif op == "(":
            depth += 1
            if after_function:
                call_depth = depth
            after_function = False
        elif op == ")":
            if call_depth == depth:
                call_depth = None
            depth -= 1
        pos = m.end()


def parse_number(text: Any, argument: str) -> sp.Expr:
    """An exact real number from ``text`` (a string or a JSON number), or a ``UsageError``.

    >>> parse_number("1/3", "--alpha"), parse_number("0.25", "--beta"), parse_number(2, "r")
    (1/3, 1/4, 2)
    >>> parse_number("exp(1)", "r")
    E
    >>> parse_number("one", "--alpha")
    Traceback (most recent call last):
    ...
    dpo_mixture.cli.UsageError: --alpha: cannot read 'one' as a number (unknown name 'one')
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise UsageError(f"{argument}: expected a number, got {type(text).__name__} {text!r}")
    if isinstance(text, float):
        if not math.isfinite(text):
            raise UsageError(f"{argument}: {text!r} is not a finite number")
        text = repr(text)
    if isinstance(text, int):
        return sp.Integer(text)
    s = text.strip()
    try:
        f = Fraction(s)
    except (ValueError, ZeroDivisionError) as exc:
        if isinstance(exc, ZeroDivisionError):
            raise UsageError(f"{argument}: {text!r} divides by zero") from None
    else:
        return sp.Rational(f.numerator, f.denominator)
    try:
        if not s:
            raise ValueError("empty")
        _check_tokens(s)
        value = sp.parse_expr(s, local_dict=dict(_NAMES), global_dict=_GLOBALS)
    except Exception as exc:  # the parser raises SyntaxError, TokenError, TypeError, ...
        reason = str(exc) if type(exc) is ValueError else "not a formula"
        raise UsageError(f"{argument}: cannot read {text!r} as a number ({reason})") from None
    if not (isinstance(value, sp.Expr) and value.is_number and value.is_real and value.is_finite):
        raise UsageError(f"{argument}: {text!r} is not a finite real number")
    if not math.isfinite(float(value)):
        raise UsageError(f"{argument}: {text!r} is too large for floating point")
    return value


def _split(text: str, argument: str) -> list[str]:
    parts = [p.strip() for p in text.split(",")]
    if not text.strip() or any(p == "" for p in parts):
        raise UsageError(f"{argument}: expected comma-separated numbers such as 0,1/2,1, got {text!r}")
    return parts


def _validate(values: dict[str, Any], names: dict[str, str]) -> Instance:
    alpha, beta = values["alpha"], values["beta"]
    if not bool(sp.And(alpha > 0, alpha < 1)):
        raise UsageError(f"{names['alpha']}: must lie strictly between 0 and 1, got {alpha}")
    if not 0 < float(alpha) < 1:  # the numerics would compute at alpha = 0 or 1 instead
        raise UsageError(f"{names['alpha']}: {alpha} rounds to {float(alpha)} in float64, which is not strictly "
                         "between 0 and 1; the numeric functions compute in float64")
    complement, kept = 1 - alpha, 1 - sp.Rational(float(alpha))
    off = abs(kept - complement) / complement
    if off > COMPLEMENT_TOLERANCE:  # the numerics take 1 - alpha from the float64 alpha
        raise UsageError(f"{names['alpha']}: 1 - alpha = {float(complement):.3g} becomes {float(kept):.3g} once alpha is "
                         f"rounded to float64 ({float(off):.2g} relative error), and the numeric functions compute in "
                         "float64; give an alpha farther from 1")
    if not bool(beta > 0):
        raise UsageError(f"{names['beta']}: must be > 0, got {beta}")
    n = len(values["r"])
    for key in ("p_A", "p_U"):
        if len(values[key]) != n:
            other = names["r"].rsplit(": ", 1)[-1]  # "--r", or "r" inside a file
            raise UsageError(f"{names[key]}: has {len(values[key])} entries but {other} has {n}; lengths must agree")
        negative = [v for v in values[key] if bool(v < 0)]
        if negative:
            raise UsageError(f"{names[key]}: probabilities must be nonnegative, found {negative[0]}")
        total = sp.Add(*values[key])
        exact = all(v.is_Rational for v in values[key])
        if (total != 1) if exact else abs(float(total) - 1.0) > SUM_TOLERANCE:
            raise UsageError(f"{names[key]}: probabilities must sum to 1, they sum to {total if exact else float(total)}")
    off = [i + 1 for i, (a, u) in enumerate(zip(values["p_A"], values["p_U"])) if a == 0 and u == 0]
    if off:  # p_ref = 0 there: the model's support (every sum, max and min) leaves it out
        other = names["p_U"].rsplit(": ", 1)[-1]
        raise UsageError(f"{names['p_A']}: output {off[0]} has probability 0 here and in {other}, so it lies off the "
                         "support (where p_ref > 0), which the model's sums, max and min run over; leave it out")
    for key in KEYS:  # the numerics run in float64: every value must have a float64 near it
        for v in (values[key] if key in VECTORS else [values[key]]):
            _double(names[key], v)
    _check_tilts(values["r"], beta, names["r"])
    return Instance(alpha, beta, tuple(values["r"]), tuple(values["p_A"]), tuple(values["p_U"]))


def _check_tilts(r: list, beta: sp.Expr, name: str) -> None:
    """The numerics tilt by ``(r - max r)/beta`` from the float64 rewards: a difference of
    rewards that float64 cannot hold (``10^20 + 1`` beside ``10^20``) would give other masses
    than the instance printed beside them."""
    if not r:
        return
    top = max(r, key=lambda v: sp.N(v, 30))
    exact = [(v - top) / beta for v in r]
    rounded = [(sp.Rational(float(v)) - sp.Rational(float(top))) / sp.Rational(float(beta)) for v in r]
    for i, (x, xf) in enumerate(zip(exact, rounded)):
        off = abs(sp.N(x - xf, 30))
        if off > TILT_TOLERANCE * max(1, abs(sp.N(x, 30))):
            raise UsageError(f"{name}: entry {i + 1} is tilted by (r - max r)/beta = {float(x):.6g}, which becomes "
                             f"{float(xf):.6g} once the rewards and beta are rounded to float64, and the numeric "
                             "functions compute in float64; give rewards whose differences float64 keeps")


#: Largest error of a tilt ``(r - max r)/beta`` (absolute, relative beyond 1) that rounding the
#: rewards and ``beta`` to float64 may cause.
TILT_TOLERANCE = sp.Rational(1, 10**9)

#: Largest relative error of ``1 - alpha`` that rounding ``alpha`` to float64 may cause.
COMPLEMENT_TOLERANCE = sp.Rational(1, 10**9)

_FLAG = {"alpha": "--alpha", "beta": "--beta", "r": "--r", "p_A": "--p-A", "p_U": "--p-U"}


def parse_flags(**texts: str | None) -> Instance:
    """An instance from the command-line flags ``--alpha --beta --r --p-A --p-U``."""
    missing = [_FLAG[key] for key in KEYS if texts.get(key) is None]
    if missing:
        raise UsageError(f"missing {', '.join(missing)} (give all of --alpha --beta --r --p-A --p-U, or --input FILE.json)")
    values: dict[str, Any] = {}
    for key in KEYS:
        if key in VECTORS:
            values[key] = [parse_number(part, _FLAG[key]) for part in _split(texts[key], _FLAG[key])]
        else:
            values[key] = parse_number(texts[key], _FLAG[key])
    return _validate(values, _FLAG)


def from_mapping(data: Any, where: str) -> Instance:
    """An instance from a decoded JSON object; ``where`` prefixes each error (the file name)."""
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected a JSON object with keys {', '.join(KEYS)}")
    names = {key: f"{where}: {key}" for key in KEYS}
    missing = [key for key in KEYS if key not in data]
    if missing:
        raise UsageError(f"{where}: missing key{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    values: dict[str, Any] = {}
    for key in KEYS:
        raw = data[key]
        if key in VECTORS:
            if not isinstance(raw, list) or not raw:
                raise UsageError(f"{names[key]}: expected a nonempty list of numbers")
            values[key] = [parse_number(v, f"{names[key]}[{i}]") for i, v in enumerate(raw)]
        else:
            values[key] = parse_number(raw, names[key])
    return _validate(values, names)


def load_json(path: str, argument: str = "--input") -> Instance:
    """Read an instance from the JSON file at ``path``."""
    where = f"{argument} {path}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{where}: is a directory, not a JSON file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{where}: not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"{where}: cannot read it ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where}: invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    return from_mapping(data, where)


#: A small example instance (an input, not a result): a three-output support on which the
#: rewards are positively correlated with ``p_A`` and negatively with ``p_U`` (covariance
#: under the uniform distribution), while ``p_U`` puts more mass than ``p_A`` on the best output.
EXAMPLE = Instance(
    alpha=sp.Rational(1, 2),
    beta=sp.Rational(1, 4),
    r=(sp.Integer(0), sp.Integer(1), sp.Integer(2)),
    p_A=(sp.Rational(1, 20), sp.Rational(17, 20), sp.Rational(1, 10)),
    p_U=(sp.Rational(1, 2), sp.Rational(3, 10), sp.Rational(1, 5)),
)

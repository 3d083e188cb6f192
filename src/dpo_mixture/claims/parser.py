"""Parse a claim's text into SymPy relations, against a whitelist of Python syntax.

The text is parsed by :func:`ast.parse` (``mode="eval"``) and never evaluated: a first pass
checks every node against the whitelist (numbers, the vocabulary's names, calls of its
functions, arithmetic, the five relations and ``and``) and reports the leftmost offending
token with its column; a second pass builds SymPy expressions from the accepted tree.

Vectors over the support are expressions in the output ``y``; ``E``, ``sum``, ``max``, ...
bind their own index ``k``.

>>> parse_claim("TPM_A + TPM_U == 1")
Eq(TPM_A + TPM_U, 1)
>>> parse_claim("p_theta <= p_ref")
p_theta[y] <= p_ref[y]
>>> parse_hypotheses("Cov_unif(r, p_A) > 0 and alpha < 1/2")[1]
alpha < 1/2
>>> parse_claim("r.__class__")
Traceback (most recent call last):
...
dpo_mixture.claims.parser.ClaimSyntaxError: attribute access '__class__' at column 3
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import sympy as sp

from ..model import SupportMax, SupportMin
from ..notation import k as _k, n as _n, y as _y
from .vocabulary import FUNCTIONS, SCALARS, VECTORS, Vocabulary

__all__ = [
    "ClaimSyntaxError",
    "parse_claim",
    "parse_hypotheses",
    "parse_expression",
    "parse_labelled",
    "parse_relations",
    "parse_with_conditions",
    "MAX_LENGTH",
]

#: Longest claim text accepted, in characters.
MAX_LENGTH = 2000
#: Largest numeric exponent, and largest number a power of numbers may make, in bits.
_MAX_EXPONENT = 1000
_MAX_BITS = 100_000

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REJECTED_BINOPS = {
    ast.BitXor: ("^", "use ** for powers"),
    ast.FloorDiv: ("//", ""),
    ast.Mod: ("%", ""),
    ast.MatMult: ("@", ""),
    ast.LShift: ("<<", ""),
    ast.RShift: (">>", ""),
    ast.BitAnd: ("&", "join relations with 'and'"),
    ast.BitOr: ("|", ""),
}
_RELATIONS = {ast.Lt: (sp.Lt, "<"), ast.LtE: (sp.Le, "<="), ast.Gt: (sp.Gt, ">"), ast.GtE: (sp.Ge, ">="), ast.Eq: (sp.Eq, "==")}
_REJECTED_RELATIONS = {ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
_CONTAINERS = {
    ast.List: ("list", "["),
    ast.Tuple: ("tuple", "("),
    ast.Set: ("set", "{"),
    ast.Dict: ("dict", "{"),
    ast.ListComp: ("comprehension", "["),
    ast.SetComp: ("comprehension", "{"),
    ast.DictComp: ("comprehension", "{"),
    ast.GeneratorExp: ("comprehension", "("),
}


class ClaimSyntaxError(ValueError):
    """The claim's text is not in the claim language; names the token and its column (1-based).

    >>> try:
    ...     parse_claim("alpha < x")
    ... except ClaimSyntaxError as exc:
    ...     print(exc.token, exc.column)
    x 9
    """

    def __init__(self, what: str, token: str, column: int, hint: str = ""):
        self.what, self.token, self.column, self.hint = what, token, column, hint
        message = f"{what} {token!r} at column {column}"
        super().__init__(message + (f" ({hint})" if hint else ""))


@dataclass(frozen=True)
class _Problem:
    column: int  # 0-based character offset into the (single-line) text
    what: str
    token: str
    hint: str = ""

    def error(self) -> ClaimSyntaxError:
        return ClaimSyntaxError(self.what, self.token, self.column + 1, self.hint)


def _vocabulary_hint(vocab: Vocabulary | None = None) -> str:
    names = [*vocab.scalars, *vocab.vectors] if vocab is not None else [*SCALARS, *VECTORS]
    return "known names: " + ", ".join(names) + " (declare your own with --let NAME:KIND)"


def _functions_hint() -> str:
    return "functions: " + ", ".join(FUNCTIONS)


class _Checker:
    """First pass: every node must be on the whitelist.  Collects every problem."""

    def __init__(self, text: str, vocab: Vocabulary | None = None):
        self.text = text
        self.vocab = vocab or Vocabulary()
        self.problems: list[_Problem] = []

    def flag(self, column: int, what: str, token: str, hint: str = "") -> None:
        self.problems.append(_Problem(column, what, token, hint))

    def between(self, left: ast.AST, right: ast.AST, token: str) -> int:
        """Column of ``token`` in the text between two nodes (for operators, which carry none)."""
        start, end = left.end_col_offset or 0, right.col_offset
        at = self.text.find(token.split()[0], start, max(end, start + len(token)))
        return at if at >= 0 else start

    def segment(self, node: ast.AST, limit: int = 24) -> str:
        seg = self.text[node.col_offset : node.end_col_offset] if node.end_col_offset is not None else ""
        return seg if len(seg) <= limit else seg[: limit - 3] + "..."

    def visit(self, node: ast.AST, callee: bool = False) -> None:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is not None:
            method(node)
            return
        if type(node) in _CONTAINERS:
            kind, token = _CONTAINERS[type(node)]
            self.flag(node.col_offset, kind, token)
        elif isinstance(node, ast.Lambda):
            self.flag(node.col_offset, "lambda", "lambda")
        elif isinstance(node, (ast.JoinedStr, ast.FormattedValue)):
            self.flag(node.col_offset, "string", self.segment(node))
        elif isinstance(node, ast.Subscript):
            self.visit(node.value)
            self.flag(node.value.end_col_offset or node.col_offset, "subscript", "[")
        elif isinstance(node, ast.IfExp):
            self.flag(self.between(node.body, node.test, "if"), "conditional", "if")
        elif isinstance(node, ast.NamedExpr):
            self.flag(self.between(node.target, node.value, ":="), "assignment", ":=")
        elif isinstance(node, ast.Starred):
            self.flag(node.col_offset, "unpacking", "*")
        else:
            self.flag(getattr(node, "col_offset", 0), "unsupported syntax", self.segment(node) or type(node).__name__)

    def visit_Expression(self, node: ast.Expression) -> None:
        self.visit(node.body)

    def visit_Constant(self, node: ast.Constant) -> None:
        v = node.value
        if isinstance(v, bool) or v is None or v is Ellipsis:
            self.flag(node.col_offset, "constant", self.segment(node))
        elif isinstance(v, (str, bytes)):
            self.flag(node.col_offset, "string", self.segment(node))
        elif isinstance(v, complex):
            self.flag(node.col_offset, "imaginary number", self.segment(node))
        elif isinstance(v, int) and v.bit_length() > _MAX_BITS // 300:
            self.flag(node.col_offset, "number too long", self.segment(node))
        elif isinstance(v, float) and (v != 0 and not 1e-300 < abs(v) < 1e300 or _far_exponent(self.segment(node, limit=10**6))):
            # (1e-99999999 is the float 0, but its exact value takes 10**99999999 to build)
            self.flag(node.col_offset, "number out of range", self.segment(node))

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.vocab.scalars or node.id in self.vocab.vectors:
            return
        if node.id in FUNCTIONS:
            self.flag(node.col_offset, "function used without arguments", node.id)
        else:
            self.flag(node.col_offset, "unknown name", node.id, _vocabulary_hint(self.vocab))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)
        end = node.end_col_offset or node.col_offset
        self.flag(end - len(node.attr), "attribute access", node.attr)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in FUNCTIONS:
                what = "call of a name outside the vocabulary" if func.id in self.vocab.scalars or func.id in self.vocab.vectors else "unknown function"
                self.flag(func.col_offset, what, func.id, _functions_hint())
        else:
            self.visit(func)
            if not isinstance(func, (ast.Attribute, ast.Lambda)):
                self.flag(func.end_col_offset or func.col_offset, "call of an expression", "(")
        for i, arg in enumerate(node.args):
            if isinstance(func, ast.Name) and func.id == "limit" and i == 2 and isinstance(arg, ast.Name) and arg.id == "oo":
                continue  # infinity, allowed as a limit point only
            self.visit(arg)
        for kw in node.keywords:
            if kw.arg is None:
                self.flag(kw.value.col_offset - 2, "unpacking", "**")
            else:
                self.flag(kw.col_offset, "keyword argument", kw.arg)
            self.visit(kw.value)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        self.visit(node.left)
        if type(node.op) in _REJECTED_BINOPS:
            token, hint = _REJECTED_BINOPS[type(node.op)]
            self.flag(self.between(node.left, node.right, token), "operator", token, hint)
        elif type(node.op) not in _BINOPS:  # pragma: no cover - every operator is listed
            self.flag(node.col_offset, "operator", type(node.op).__name__)
        self.visit(node.right)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self.flag(node.col_offset, "operator", "not")
        elif isinstance(node.op, ast.Invert):
            self.flag(node.col_offset, "operator", "~")
        self.visit(node.operand)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        if isinstance(node.op, ast.Or):
            self.flag(self.between(node.values[0], node.values[1], "or"), "operator", "or", "only 'and' joins relations")
        for v in node.values:
            self.visit(v)

    def visit_Compare(self, node: ast.Compare) -> None:
        left = node.left
        self.visit(left)
        for op, right in zip(node.ops, node.comparators):
            if type(op) in _REJECTED_RELATIONS:
                token = _REJECTED_RELATIONS[type(op)]
                self.flag(self.between(left, right, token), "relation", token, "use <, <=, >, >= or ==")
            self.visit(right)
            left = right


class _Builder:
    """Second pass: the checked tree to SymPy.  Vectors are expressions in ``y``."""

    def __init__(self, text: str, vocab: Vocabulary | None = None):
        self.text = text
        self.vocab = vocab or Vocabulary()
        self.checker = _Checker(text, self.vocab)
        #: definedness conditions met while building, before SymPy may simplify them away
        self.conditions: list[sp.Basic] = []
        #: every condition asked, in order, repeats included (see _calculus)
        self.asked: list[sp.Basic] = []
        #: each limit and derivative built, with its node: SymPy must not cancel one away
        self.calculus_built: list[tuple[sp.Basic, ast.AST]] = []

    def condition(self, expr: sp.Expr, op: str, node: ast.AST | None = None) -> None:
        if expr.is_number:
            # decided by SymPy's assumptions on the number itself (exp(0) - 1 is zero); a number
            # they cannot place counts as undefined, never as fine
            from ..proof.kernel import open_operators

            value = open_operators(expr).doit()  # (sigmoid(1) is what it stands for, 1/(1 + e^{-1}))
            ok = {">": value.is_positive, ">=": value.is_nonnegative}.get(op, value.is_zero is False and value.is_real)
            if ok is None:  # too large or too close for certified evaluation: the kernel's sign rules
                from ..proof.sign import sign, sign_meets  # (1 + e^{-10^30}: a sum of positive terms)

                found = sign(value)
                ok = True if (found in ("pos", "neg") if op == "!=" else sign_meets(found, op)) else None
            if ok is not True:
                hint = ("a logarithm needs a positive argument, a denominator a nonzero one, a fractional "
                        "power a nonnegative base")
                # a number too large or too close to a bound for certified evaluation to place
                # (1 + e^{-10^30}) is no undefined value: the claim cannot be read, and says why
                what = "undefined value" if ok is False else "a value whose sign certified evaluation cannot settle"
                if ok is None:
                    hint = f"{sp.sstr(expr)[:60]} {op} 0 is needed here; write the number another way"
                if node is None:
                    raise ClaimSyntaxError(what, sp.sstr(expr), 1, hint)
                raise self.fail(node, what, hint=hint)
            return
        rel = {">": sp.Gt, ">=": sp.Ge}.get(op, sp.Ne)(expr, 0, evaluate=False)
        self.asked.append(rel)  # every time (a limit's body asks again what the statement asked)
        if rel not in self.conditions:
            self.conditions.append(rel)

    def fail(self, node: ast.AST, what: str, token: str | None = None, hint: str = "") -> ClaimSyntaxError:
        return ClaimSyntaxError(what, token if token is not None else self.checker.segment(node), node.col_offset + 1, hint)

    # -- relations
    def relations(self, node: ast.AST) -> list[tuple[str, sp.Basic]]:
        """Each relation with the text it was written as (a chain gives one per link)."""
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            out: list[tuple[str, sp.Basic]] = []
            for v in node.values:
                out += self.relations(v)
            return out
        if isinstance(node, ast.Compare):
            out = []
            left, left_node = self.expr(node.left), node.left
            for op, right_node in zip(node.ops, node.comparators):
                right = self.expr(right_node)
                func, _ = _RELATIONS[type(op)]
                label = self.text[left_node.col_offset : right_node.end_col_offset].strip()
                out.append((label, func(left, right, evaluate=False)))
                left, left_node = right, right_node
            return out
        raise self.fail(node, "not a relation", hint="a claim compares two sides with <, <=, >, >= or ==")

    # -- expressions
    def expr(self, node: ast.AST) -> sp.Expr:
        start = len(self.calculus_built)
        out = self._expr(node)
        lost = next((where for made, where in self.calculus_built[start:] if not out.has(made)), None)
        if lost is not None:  # L - L, 0*L: the limit's (or derivative's) existence would never be asked
            raise self.fail(lost, "a limit or derivative that cancels out of the claim as written",
                            hint="its value must exist for the claim to mean anything; state the claim without it")
        bare = out.replace(lambda e: isinstance(e, sp.Limit), lambda e: sp.Dummy()) if out.has(sp.Limit) else out
        if bare.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise self.fail(node, "undefined value (division by zero?)")
        if out.has(sp.I):
            raise self.fail(node, "not a real number")
        return out

    def _expr(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, int):
                return sp.Integer(node.value)
            return sp.Rational(self.checker.segment(node, limit=10**6).replace("_", ""))
        if isinstance(node, ast.Name):
            if node.id in self.vocab.scalars:
                return self.vocab.scalars[node.id]
            return self.vocab.vectors[node.id][_y]
        if isinstance(node, ast.UnaryOp):
            value = self.expr(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            a, b = self.expr(node.left), self.expr(node.right)
            op = type(node.op)
            if op is ast.Add:
                return a + b
            if op is ast.Sub:
                return a - b
            if op is ast.Mult:
                return a * b
            if op is ast.Div:
                if b == 0:
                    at = self.checker.between(node.left, node.right, "/")
                    raise ClaimSyntaxError("division by zero", "/", at + 1)
                self.condition(b, "!=", node.right)
                if a.is_number and b.is_number:
                    return a / b
                # unevaluated: p_A/p_A must not become 1 before its condition is recorded
                return sp.Mul(a, sp.Pow(b, -1, evaluate=False), evaluate=False)
            if b.is_Number and abs(b) > _MAX_EXPONENT:
                raise self.fail(node.right, "exponent too large")
            if a.is_Rational and b.is_Integer and max(int(a.p).bit_length(), int(a.q).bit_length()) * abs(int(b)) > _MAX_BITS:
                raise self.fail(node, "number too large")
            if a.is_number:  # a number's power is defined where any other base's is
                if b.is_integer:  # an integer exponent, 3 or 2*m: only a negative one divides
                    if not b.is_nonnegative:
                        self.condition(a, "!=", node)
                else:
                    self.condition(a, ">=" if (b.is_number and b.is_positive) else ">", node)
            if a.is_number and b.is_number and _power_bits(a if not a.atoms(sp.Function, sp.NumberSymbol)
                                                          else a.as_coeff_Mul()[0], b) > _MAX_BITS:
                # a power of rationals, (10**333)**(999/1000), is computed exactly, however it is
                # nested, and so is the rational factor of any other number (e 10^333): read its
                # size first (e^{10^100} - 1 stays a power of e and is not built)
                raise self.fail(node, "number too large")
            if a.is_Number and b.is_Number and abs(a) > 1 and not b.is_Integer:
                return sp.Pow(a, b)
            if a.is_number:
                return a**b
            inner = max((abs(int(x.exp)) for x in sp.preorder_traversal(a) if isinstance(x, sp.Pow) and x.exp.is_Integer), default=1)
            if b.is_Integer and inner * abs(int(b)) > _MAX_EXPONENT:
                raise self.fail(node, "nested powers too large", hint=f"the exponents multiply past {_MAX_EXPONENT}")
            if b.is_integer:
                if not b.is_nonnegative:
                    self.condition(a, "!=")
            else:
                self.condition(a, ">=" if (b.is_number and b.is_positive) else ">")
            # unevaluated: (p_A**-1)**-1 must not become p_A before its condition is recorded
            return sp.Pow(a, b, evaluate=False)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, (ast.Compare, ast.BoolOp)):
            raise self.fail(node, "relation inside an expression", hint="relations may only be joined by 'and' at the top")
        raise self.fail(node, "unsupported syntax")  # pragma: no cover - the checker rejects it first

    def calculus(self, node: ast.Call, name: str) -> sp.Expr:
        return _calculus(self, node, name)

    def call(self, node: ast.Call) -> sp.Expr:
        name = node.func.id  # the checker made sure of it
        arity = FUNCTIONS[name]
        if (arity is not None and len(node.args) not in arity) or not node.args:
            expected = " or ".join(map(str, arity)) if arity else "at least 1"
            raise self.fail(node.func, f"wrong number of arguments ({len(node.args)}, expected {expected}) to", name)
        if name in ("diff", "limit"):
            return self.calculus(node, name)
        args = [self.expr(a) for a in node.args]
        if name == "sigmoid":
            from ..model import Sigmoid

            return Sigmoid(args[0])
        if name == "logsigmoid":
            from ..model import LogSigmoid

            return LogSigmoid(args[0])
        if name == "Var":
            from ..model import variance

            return variance(args[0].xreplace({_y: _k}), args[1].xreplace({_y: _k}), _k)
        if name == "exp":
            return sp.exp(args[0], evaluate=False)
        if name == "log":
            self.condition(args[0], ">", node)
            return sp.log(args[0], evaluate=False)
        if name == "E":
            return _sum(args[0] * args[1])
        if name == "sum":
            return _sum(args[0])
        if name == "E_unif":
            return _sum(args[0]) / _n
        if name == "Cov_unif":
            f, g = args
            return _sum(f * g) / _n - _sum(f) * _sum(g) / _n**2
        if name == "KL":
            p, q = args
            self.condition(q, ">")
            self.condition(p / q, ">")
            return _sum(p * sp.log(p / q))
        # max / min
        if len(args) > 1:
            return (sp.Max if name == "max" else sp.Min)(*args)
        (f,) = args
        if _y not in f.free_symbols:
            return f
        return (SupportMax if name == "max" else SupportMin)(f.xreplace({_y: _k}), _k)


def _calculus(builder: "_Builder", node: ast.Call, name: str) -> sp.Expr:
    """``diff(f, s)`` and ``limit(f, s, point)``: ``s`` must be a scalar name of the vocabulary."""
    var_node = node.args[1]
    if not (isinstance(var_node, ast.Name) and var_node.id in builder.vocab.scalars):
        raise builder.fail(var_node, f"the variable of {name} must be a scalar name, not")
    var = builder.vocab.scalars[var_node.id]
    if var.is_integer:
        raise builder.fail(var_node, f"{name} needs a real variable, not the integer")
    from ..proof.facts import Definition
    from .vocabulary import FACTS

    if any(isinstance(f, Definition) and f.target == var for f in FACTS):
        raise builder.fail(var_node, f"the variable of {name} must be a free quantity of the model, not the defined")
    before, asked = len(builder.conditions), len(builder.asked)
    f = builder.expr(node.args[0])
    # the body's conditions that involve the variable, through the model's definitions too
    # (TPM_A speaks of beta): SymPy's arithmetic may have taken them out of the body (log(-beta)
    # - log(-beta) is 0, and so is sqrt(beta - 1) - sqrt(beta - 1)), and then no rule of the
    # kernel would ask them where the body must be defined, near the point or around it
    from ..proof.definedness import conditions as body_conditions
    from ..proof.facts import unfold

    def involves(c: sp.Basic) -> bool:
        return var in c.free_symbols or var in unfold(c, FACTS).free_symbols

    inside = [c for c in dict.fromkeys(builder.asked[asked:]) if involves(c)]
    seen = {c.relation() for c in body_conditions(f)}
    lost = [c for c in inside if c not in seen and not _holds_by_assumptions(c)]
    if lost:
        what = "derivative" if name == "diff" else "limit"
        raise builder.fail(node, f"a {what} whose body SymPy has simplified", hint=(
            f"the body needs {sp.sstr(lost[0])} {'around' if name == 'diff' else 'near'} the point, which SymPy's "
            "arithmetic took out of it; write the body without the terms that cancel"))
    if name == "diff":
        made = sp.Derivative(f, var)
        if isinstance(f, sp.Derivative) and not made.has(f):  # d/dv (d/du g) is one derivative of g
            builder.calculus_built[:] = [(made if m == f else m, w) for m, w in builder.calculus_built]
        builder.calculus_built.append((made, node))
        return made
    # inside a limit the variable is bound: a condition on it speaks of the points near the
    # limit's, not of the free quantity of the same name (the kernel's own definedness rule
    # takes the body near the point, its definitions unfolded), so it is not the statement's
    builder.conditions[before:] = [c for c in builder.conditions[before:] if not involves(c)]
    point_node = node.args[2]
    if isinstance(point_node, ast.Name) and point_node.id == "oo":
        point = sp.oo
    else:
        point = builder.expr(point_node)
        if not point.is_number:
            raise builder.fail(point_node, "the limit point must be a number or oo, not")
    # approach from inside the variable's domain: from below at the top of (0, 1) or at 0 for a
    # negative variable, else from above (the claim language has no two-sided limits)
    from ..notation import Domain
    from ..proof.theory import domain_of

    below = (point == 1 and domain_of(var) is Domain.UNIT_INTERVAL) or (point == 0 and bool(var.is_nonpositive))
    above = point == 0 and (bool(var.is_nonnegative) or domain_of(var) is Domain.UNIT_INTERVAL)
    # inside the domain the limit is two-sided: limit(sigmoid(1/t), t, 0) has none for a real t
    direction = "-" if below or point == sp.oo else "+" if above else "+-"
    made = sp.Limit(f, var, point, direction)
    builder.calculus_built.append((made, node))
    return made


def _power_bits(a: sp.Expr, b: sp.Expr) -> float:
    """About how many bits the number ``a**b`` spans (``|b log2 |a||``), read in floating point,
    which never builds it; 0 when that cannot be read (a value that is 0, or no number)."""
    import mpmath

    try:
        base, power = a.evalf(15), b.evalf(15)
        if not (isinstance(base, sp.Float) and isinstance(power, sp.Number)) or base == 0:
            return 0.0
        return abs(float(power) * float(mpmath.log(abs(mpmath.mpf(base._mpf_)), 2)))
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return 0.0


def _holds_by_assumptions(c: sp.Basic) -> bool:
    """Whether SymPy's assumptions alone show the condition ``c`` (``x > 0`` for a positive ``x``)."""
    e = c.lhs - c.rhs
    return bool({sp.StrictGreaterThan: e.is_positive, sp.GreaterThan: e.is_nonnegative,
                 sp.Unequality: e.is_zero is False}.get(type(c)))


def _sum(f: sp.Expr) -> sp.Expr:
    """The sum over the support of the vector ``f`` (in ``y``), over the bound index ``k``."""
    return sp.Sum(f.xreplace({_y: _k}), (_k, 1, _n))


def _far_exponent(text: str) -> bool:
    """Whether a decimal's exact value needs a power of ten beyond ``10**4000`` to build."""
    import decimal

    try:
        return abs(decimal.Decimal(text.replace("_", "")).as_tuple().exponent) > 4000
    except (decimal.InvalidOperation, ValueError, TypeError):
        return True


def _tree(text: str) -> ast.Expression:
    """Parse ``text`` (no leading blanks) as one Python expression; columns are 1-based."""
    if "\n" in text or "\r" in text:
        column = min(i for i in (text.find("\n"), text.find("\r")) if i >= 0)
        raise ClaimSyntaxError("line break", "\\n", column + 1, "write the claim on one line")
    if not text.strip():
        raise ClaimSyntaxError("empty claim", "", 1)
    if not text.isascii():  # ast columns are UTF-8 byte offsets: ASCII keeps them characters
        column = next(i for i, c in enumerate(text) if not c.isascii())
        raise ClaimSyntaxError("non-ASCII character", text[column], column + 1)
    if "#" in text:  # Python would drop the rest of the line as a comment, unread
        raise ClaimSyntaxError("comment", "#", text.index("#") + 1, "a claim has no comments")
    try:
        return ast.parse(text, mode="eval")
    except SyntaxError as exc:
        column = exc.offset if exc.offset and 0 < exc.offset <= len(text) else len(text) + 1
        token = text[column - 1 : column] or "end of text"
        hint = "use == for equality" if token == "=" else ""
        raise ClaimSyntaxError(f"syntax error ({exc.msg}) near", token, column, hint) from None
    except (RecursionError, MemoryError, ValueError):
        raise ClaimSyntaxError("claim nested too deeply or malformed", text[:20], 1) from None


def _build(text: str, what, vocab: Vocabulary | None = None) -> object:
    """Check ``text`` against the whitelist, then build it with ``what(builder, body)``."""
    if not isinstance(text, str):
        raise TypeError(f"a claim is text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ClaimSyntaxError("claim too long", text[:20] + "...", 1, f"at most {MAX_LENGTH} characters")
    body = text.lstrip()
    lead = len(text) - len(body)
    try:
        tree = _tree(body)
        builder = _Builder(body, vocab)
        builder.checker.visit(tree)
        if builder.checker.problems:
            raise min(builder.checker.problems, key=lambda p: p.column).error()
        return what(builder, tree.body)
    except ClaimSyntaxError as exc:
        if lead:
            raise ClaimSyntaxError(exc.what, exc.token, exc.column + lead, exc.hint) from None
        raise
    except RecursionError:
        raise ClaimSyntaxError("claim nested too deeply", text[:20], 1) from None


def parse_with_conditions(text: str, vocab: Vocabulary | None = None) -> tuple[tuple[tuple[str, sp.Basic], ...], tuple[sp.Basic, ...]]:
    """The labelled relations of ``text`` and the definedness conditions met while building
    them (denominators nonzero, logarithms of positive arguments, ...), in the output ``y``.

    >>> parse_with_conditions("p_A/p_A == 1")[1]
    (Ne(p_A[y], 0),)
    """

    def both(builder: _Builder, body: ast.AST):
        rels = tuple(builder.relations(body))
        return rels, tuple(builder.conditions)

    return _build(text, both, vocab)


def parse_labelled(text: str, vocab: Vocabulary | None = None) -> tuple[tuple[str, sp.Basic], ...]:
    """The relations of ``text`` (joined by ``and`` or chained), each with its own text.

    >>> parse_labelled("0 < TPM_U <= 1")
    (('0 < TPM_U', 0 < TPM_U), ('TPM_U <= 1', TPM_U <= 1))
    """
    return tuple(_build(text, _Builder.relations, vocab))


def parse_relations(text: str, vocab: Vocabulary | None = None) -> tuple[sp.Basic, ...]:
    """The relations of ``text`` (one or more, joined by ``and`` or chained)."""
    return tuple(rel for _, rel in parse_labelled(text, vocab))


def parse_claim(text: str, vocab: Vocabulary | None = None) -> sp.Basic:
    """A claim: one relation, or an ``And`` of several.

    >>> sorted(map(str, parse_claim("0 < TPM_U <= 1").args))
    ['0 < TPM_U', 'TPM_U <= 1']
    """
    rels = parse_relations(text, vocab)
    return rels[0] if len(rels) == 1 else sp.And(*rels, evaluate=False)


def parse_hypotheses(text: str, vocab: Vocabulary | None = None) -> tuple[sp.Basic, ...]:
    """Hypotheses joined by ``and``, one relation each."""
    return parse_relations(text, vocab)


def parse_expression(text: str, vocab: Vocabulary | None = None) -> sp.Expr:
    """A single expression (no relation), for instance to evaluate it at a counterexample.

    >>> parse_expression("E(p_A, r)")
    Sum(p_A[k]*r[k], (k, 1, n))
    """
    return _build(text, _Builder.expr, vocab)

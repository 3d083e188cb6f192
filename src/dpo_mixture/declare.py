"""Declare the quantities of your own derivation once: their domain, their printed name.

Each function makes the SymPy object with the right assumptions and registers its domain, so
the sign rules, the kernel's domain checks and the counterexample search all know it, and its
LaTeX name, so the documents print it.  Nothing needs repeating on every step.

>>> from dpo_mixture import declare
>>> pi = declare.distribution("pi", latex=r"\\pi")
>>> R = declare.reward("R")
>>> b = declare.temperature("b")
>>> a = declare.probability("a")
>>> j = declare.index("j")
>>> pi[j].is_positive, R[j].is_real, b.is_positive, a.is_positive
(True, True, True, True)
>>> from dpo_mixture.notation import DOMAINS
>>> DOMAINS[a].name, DOMAINS[pi].name
('UNIT_INTERVAL', 'DISTRIBUTION')
>>> import sympy as sp
>>> a == sp.Symbol("a", positive=True)  # a symbol someone else names a is not this probability
False
"""

from __future__ import annotations

import re

import sympy as sp

from .notation import DOMAINS, INDEXED_LATEX, LATEX_NAMES, DeclaredSymbol, Domain

__all__ = [
    "latex_name_problem",
    "distribution",
    "reward",
    "temperature",
    "probability",
    "index",
    "scalar",
    "vector",
]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"{what} name must be an identifier (letters, digits, '_'), not {name!r}")
    return name


#: What a declared name's LaTeX may be made of: letters and digits, sub- and superscripts,
#: primes, brackets (``Z(t)``), the Greek letters, accents and font commands; nothing that typesets as something
#: else (``\mathord``, ``\text``, ``\mbox``, spacing), so that two names print alike exactly
#: when their normalised forms agree (see ``proof.verify.name_clash``).
_LATEX_COMMANDS = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi "
    "rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
    "Upsilon Phi Psi Omega hat tilde bar check breve dot ddot vec widehat widetilde overline mathrm mathbf "
    "mathcal mathbb mathsf mathit boldsymbol prime star ast dagger ell max min text operatorname bm".split())
_LATEX_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z0-9]|[_^{}'*,()+-]")
_FONTS = re.compile(r"\\(?:mathrm|mathit|mathsf|mathbf|boldsymbol|bm|text|operatorname)(?![A-Za-z])")


def latex_name_problem(latex: str) -> str:
    r"""Why ``latex`` is not a plain printed name, or ``""``.

    >>> latex_name_problem(r"\pi^{*}")
    ''
    >>> latex_name_problem(r"\mathord{\pi}").split(" is not")[0]
    'the command \\mathord'
    """
    pos, depth = 0, 0
    if not latex or not (latex[0].isalpha() or latex[0] in "\\{"):
        return "a name starts with a letter or a command, not a digit, a symbol or nothing"
    while pos < len(latex):
        m = _LATEX_TOKEN.match(latex, pos)
        if m is None:
            return f"{latex[pos]!r} is not allowed in a name (no spaces, operators or punctuation)"
        token = m.group(0)
        if token.startswith("\\") and token[1:] not in _LATEX_COMMANDS:
            return (f"the command {token} is not allowed in a name (letters, digits, _ ^ {{ }} ( ) ' * , "
                    "Greek letters, accents, fonts)")
        if token in "+-" and depth == 0:
            return f"{token!r} outside a sub- or superscript would read as an operation"
        if token == "," and depth == 0:
            return "',' outside a sub- or superscript or brackets would read as a list"
        if token == "*" and depth == 0 and latex[m.end():m.end() + 1] not in ("", "*", "'", "_", "^"):
            return "'*' between two parts of a name would read as a product (p^{*} and p* are names)"
        depth += token in "{("
        depth -= token in "})"
        if depth < 0:
            return "unbalanced braces"
        pos = m.end()
    if depth:
        return "unbalanced braces"
    visible = re.sub(r"[{}\s]", "", _FONTS.sub("", latex))  # what shows: fonts and groups aside
    if not visible or not (visible[0].isalpha() or visible[0] == "\\"):
        return "a name shows a letter first, not a bracket, a digit or nothing"
    if re.search(r"[_^](?=$|[_^])", visible):
        return "an empty sub- or superscript"
    return ""


_GREEK_LETTERS = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi "
    "rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
    "Upsilon Phi Psi Omega ell".split())
#: Commands that dress one letter (an accent, a font that keeps it one symbol and sets it apart
#: from the plain letter: \\mathit and \\mathrm do not).
_DRESSINGS = frozenset("hat tilde bar check breve dot ddot vec widehat widetilde overline mathbf mathcal mathbb "
                       "mathsf boldsymbol bm".split())
#: Commands that set a whole word upright (``\\mathrm{ref}``): a word in them reads as one name.
_WORD_FONTS = frozenset("mathrm text textrm operatorname mathup".split())


def _letter_end(tokens: list, i: int) -> int | None:
    """Where one letter of a name ends (a Latin or Greek letter, dressed or grouped, or an
    upright word), if ``tokens[i:]`` starts with one."""
    if i >= len(tokens):
        return None
    t = tokens[i]
    if t == "{":
        j = _letter_end(tokens, i + 1)
        return j + 1 if j is not None and j < len(tokens) and tokens[j] == "}" else None
    if len(t) == 1 and t.isascii() and t.isalpha() or t[1:] in _GREEK_LETTERS:
        return i + 1
    if t[1:] in _DRESSINGS:
        return _letter_end(tokens, i + 1)
    if t[1:] in _macros():  # an operator name the documents set upright (\\TPM)
        return i + 1
    if t[1:] in _WORD_FONTS and tokens[i + 1:i + 2] == ["{"]:
        j = i + 2
        while j < len(tokens) and (len(tokens[j]) == 1 and tokens[j].isascii() and tokens[j].isalnum()):
            j += 1
        # one upright letter looks like the plain one (\\mathrm{m} beside m): a word has two
        ok = j > i + 3 and tokens[i + 2].isalpha() and tokens[j:j + 1] == ["}"]
        return j + 1 if ok else None
    return None


def _macros() -> dict:
    from .render.printer import MACROS

    return MACROS


def _group_end(tokens: list, i: int, opening: str, closing: str) -> int | None:
    """Where the bracket opened at ``tokens[i]`` closes (one past it), or None."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += (tokens[j] == opening) - (tokens[j] == closing)
        if depth == 0:
            return j + 1
    return None


def juxtaposition_problem(latex: str) -> str:
    r"""Why the print ``latex`` of one quantity reads as several things side by side, or ``""``.

    TeX sets ``ab`` exactly as the product ``a b``, ``a2`` as ``a \cdot 2`` and ``a\sigma(u)``
    as ``a`` times a function's value, so a name shows one letter (Latin or Greek, perhaps
    with an accent or in another font, or a word set upright such as ``\mathrm{KL}``), then
    sub- and superscripts, primes or stars, then perhaps an argument list of such names.

    >>> juxtaposition_problem(r"p_{\mathrm{ref}}(y)"), juxtaposition_problem(r"\hat{\pi}^{*}")
    ('', '')
    >>> juxtaposition_problem("ab")
    "it shows 'a' and then 'b' beside it, which reads as a product"
    """
    tokens = re.findall(r"\\[A-Za-z]+|\\.|\S", latex)
    end = _letter_end(tokens, 0)
    if end is None:
        return "it does not start with one letter (Latin or Greek) or an upright word"
    i = end
    while i < len(tokens) and tokens[i] in ("_", "^", "'", "*"):
        if tokens[i] in "'*":
            i += 1
        elif tokens[i + 1:i + 2] == ["{"]:
            closed = _group_end(tokens, i + 1, "{", "}")
            if closed is None:
                return "unbalanced braces"
            i = closed
        elif i + 1 < len(tokens) and tokens[i + 1] not in "{}()_^":
            i += 2
        else:
            return "an empty or broken sub- or superscript"
    if i < len(tokens) and tokens[i] == "(":
        closed = _group_end(tokens, i, "(", ")")
        if closed != len(tokens):
            return "something follows its argument list, or its brackets do not close"
        inner, start, depth = tokens[i + 1:closed - 1], 0, 0
        for j, t in enumerate(inner + [","]):
            depth += t in "({" and len(t) == 1
            depth -= t in ")}" and len(t) == 1
            if depth == 0 and t in (",", ";", r"\mid"):
                why = juxtaposition_problem(" ".join(inner[start:j]))
                if why:
                    return f"an argument of it: {why}"
                start = j + 1
        return ""
    if i < len(tokens):
        shown = "".join(tokens[:i])
        return f"it shows {shown!r} and then {tokens[i]!r} beside it, which reads as a product"
    return ""


def _shown(name: str, latex: str | None) -> str:
    """How the quantity ``name`` prints: its ``latex``, or as it is already printed."""
    from .render.printer import latex as print_

    return latex if latex is not None else (LATEX_NAMES.get(name) or print_(sp.Symbol(name)))


def _reads_as_expression(name: str, latex: str | None, pattern: str | None) -> str:
    """Why the quantity ``name``, printed ``latex`` (or as SymPy prints its name), reads as an
    expression rather than as a name, or ``""``: its print is a function applied
    (``\\sigma(u)``), a vector whose entries print as a function of the output (``log(y)``,
    ``\\sigma(y)``), an operator with a script (``\\max_{y}``) or a power (``e^{u}``).  The
    checks that ``check``, ``build`` and ``verify`` make again (``proof.verify.name_clash``)."""
    from .proof.verify import _function_heads, _reads_as_expression as reads

    if latex is not None and not isinstance(latex, str):
        return ""  # _register says what is wrong with it
    shown = _shown(name, latex)
    if pattern is not None:
        shown = pattern.format(name=shown, i="y")
    return reads(shown, _function_heads())


def _register(obj: sp.Basic, name: str, domain: Domain | None, latex: str | None, pattern: str | None = None) -> None:
    problem = latex_name_problem(latex) if isinstance(latex, str) else ""
    if problem:
        raise ValueError(f"latex of {name}: {problem}")
    problem = _reads_as_expression(name, latex, pattern)
    if problem:
        raise ValueError(f"{name} would print as an expression, not a name ({problem}): rename it")
    shown = _shown(name, latex)
    problem = juxtaposition_problem(shown)
    if problem:
        raise ValueError(f"{name} would print as {shown!r}, which reads as several things side by side ({problem}): "
                         "give it latex= of one letter, with a subscript if need be (p_{A}), or an upright word "
                         "(\\mathrm{temp})")
    if domain is not None:
        known = DOMAINS.get(obj)
        if known is not None and known is not domain:
            raise ValueError(f"{name} is already declared as {known.value}, not {domain.value}")
        DOMAINS[obj] = domain
    if latex is not None:
        if not isinstance(latex, str):
            raise ValueError(f"latex must be a string, not {type(latex).__name__}")
        problem = latex_name_problem(latex)
        if problem:
            raise ValueError(f"latex of {name}: {problem}")
        LATEX_NAMES[name] = latex
    if pattern is not None:
        INDEXED_LATEX.setdefault(name, pattern)


def distribution(name: str, *, zeros: bool = False, latex: str | None = None) -> sp.IndexedBase:
    """A distribution over the support: positive at every output (or, with ``zeros=True``,
    nonnegative), summing to one.  Use it as ``pi[y]``."""
    _check_name(name, "distribution")
    if zeros:
        base = sp.IndexedBase(DeclaredSymbol(name, "SPARSE_DISTRIBUTION", nonnegative=True))
    else:
        base = sp.IndexedBase(DeclaredSymbol(name, "DISTRIBUTION", positive=True))
    _register(base, name, Domain.SPARSE_DISTRIBUTION if zeros else Domain.DISTRIBUTION, latex, "{name}({i})")
    return base


def reward(name: str, *, latex: str | None = None) -> sp.IndexedBase:
    """A real function over the support (a reward, a score, a log-probability)."""
    _check_name(name, "reward")
    base = sp.IndexedBase(DeclaredSymbol(name, "REAL_VECTOR", real=True))
    _register(base, name, Domain.REAL_VECTOR, latex, "{name}({i})")
    return base


def vector(name: str, *, positive: bool = False, nonnegative: bool = False, latex: str | None = None) -> sp.IndexedBase:
    """A function over the support, real, positive or nonnegative."""
    _check_name(name, "vector")
    if positive:
        domain, assumptions = Domain.POSITIVE_VECTOR, {"positive": True}
    elif nonnegative:
        domain, assumptions = Domain.NONNEGATIVE_VECTOR, {"nonnegative": True}
    else:
        domain, assumptions = Domain.REAL_VECTOR, {"real": True}
    base = sp.IndexedBase(DeclaredSymbol(name, domain.name, **assumptions))
    _register(base, name, domain, latex, "{name}({i})")
    return base


def temperature(name: str, *, latex: str | None = None) -> sp.Symbol:
    """A positive scalar (a temperature such as ``beta``, a rate, a scale)."""
    _check_name(name, "temperature")
    sym = DeclaredSymbol(name, "POSITIVE", positive=True)
    _register(sym, name, Domain.POSITIVE, latex)
    return sym


def probability(name: str, *, latex: str | None = None) -> sp.Symbol:
    """A scalar in the open interval ``(0, 1)`` (a mixture weight)."""
    _check_name(name, "probability")
    sym = DeclaredSymbol(name, "UNIT_INTERVAL", positive=True)
    _register(sym, name, Domain.UNIT_INTERVAL, latex)
    return sym


def index(name: str, *, latex: str | None = None) -> sp.Symbol:
    """An output of the support, to index functions over it or to sum over
    (``sp.Sum(f[j], (j, 1, n))``, or :func:`dpo_mixture.notation.support_sum`)."""
    _check_name(name, "index")
    sym = DeclaredSymbol(name, "OUTPUT", integer=True, positive=True)
    _register(sym, name, None, latex)
    return sym


def scalar(name: str, *, positive: bool = False, nonnegative: bool = False, negative: bool = False,
           integer: bool = False, latex: str | None = None) -> sp.Symbol:
    """A real scalar, with an optional sign or integrality."""
    _check_name(name, "scalar")
    if sum((positive, nonnegative, negative)) > 1:
        raise ValueError("scalar: give at most one of positive, nonnegative, negative")
    if integer and (nonnegative or negative):  # no domain holds them: the engine could not reason with it
        raise ValueError("scalar: an integer scalar is any integer (integer=True) or a positive one "
                         "(integer=True, positive=True); nonnegative or negative integers have no domain")
    assumptions = {"real": True}
    domain = Domain.REAL
    if integer:
        assumptions["integer"] = True
        domain = Domain.POSITIVE_INTEGER if positive else Domain.INTEGER
    if positive:
        assumptions["positive"] = True
        domain = Domain.POSITIVE_INTEGER if integer else Domain.POSITIVE
    elif nonnegative:
        assumptions["nonnegative"] = True
        domain = Domain.NONNEGATIVE
    elif negative:
        assumptions["negative"] = True
        domain = Domain.NEGATIVE
    sym = DeclaredSymbol(name, domain.name, **assumptions)
    _register(sym, name, domain, latex)
    return sym

"""The model as pure SymPy: objective, closed form, mixture weights, masses, bounds, DPO.

Every formula that the documents display or the numeric backend compiles is built here, once.
Sums run over the support ``y = 1..n``; definitions that are used *inside* other sums (such as
``Z``) are written with the second index ``k`` so they never capture ``y``.

>>> partition_function()
Sum(exp(r[k]/beta)*p_ref[k], (k, 1, n))
>>> closed_form()
exp(r[y]/beta)*p_ref[y]/Z
"""

from __future__ import annotations

import sympy as sp

from .notation import (
    M_A,
    M_U,
    Z,
    alpha,
    beta,
    k,
    n,
    p_A,
    p_ref,
    p_U,
    r,
    support_sum,
    t,
    y,
)

__all__ = [
    "SupportMax",
    "SupportMin",
    "tilt",
    "objective",
    "kl",
    "partition_function",
    "closed_form",
    "mixture_reference",
    "weight_A",
    "weight_U",
    "component_moment",
    "tpm_A",
    "tpm_U",
    "tpm_gap",
    "residual_bound",
    "pointwise_floor",
    "reward_range",
    "tilted_mean",
    "tpm_sensitivity",
    "kl_to_reference",
    "implicit_reward",
    "bradley_terry",
    "dpo_loss",
    "cov_unif",
    "mean_unif",
    "MeanUnif",
    "CovUnif",
]


class _SupportExtremum(sp.Function):
    """``max``/``min`` of ``expr(k)`` over the support; the index ``k`` is bound."""

    nargs = 2

    @property
    def free_symbols(self):  # the second argument is a bound index
        index = self.args[1]
        return {
            s for s in self.args[0].free_symbols
            if s != index and not (isinstance(s, sp.Indexed) and index in s.indices)
        }

    def _latex(self, printer, exp=None) -> str:
        index = printer._print(self.args[1])
        body = printer._print(self.args[0])
        if isinstance(self.args[0], (sp.Add, sp.Mul)) and not self.args[0].is_Number:
            body = rf"\left({body}\right)"  # max (f + g), never read as (max f) + g
        tex = rf"\{self._op}_{{{index}}} {body}"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


class SupportMax(_SupportExtremum):
    """``max_{y'} expr(y')`` over the support.

    >>> SupportMax(r[k], k).free_symbols
    {r}
    """

    _op = "max"


class SupportMin(_SupportExtremum):
    """``min_{y'} expr(y')`` over the support."""

    _op = "min"


def tilt() -> sp.Expr:
    """The exponential tilt ``e^{r(y)/beta}`` at the output ``y``."""
    return sp.exp(r[y] / beta)


def objective(policy: sp.Expr, reference: sp.Expr = p_ref[y]) -> sp.Expr:
    """KL-regularized expected reward of ``policy`` (an expression in ``y``).

    >>> from dpo_mixture.notation import p
    >>> objective(p[y])
    -beta*Sum(log(p[y]/p_ref[y])*p[y], (y, 1, n)) + Sum(p[y]*r[y], (y, 1, n))
    """
    return support_sum(policy * r[y]) - beta * support_sum(policy * sp.log(policy / reference))


def kl(first: sp.Expr, second: sp.Expr) -> sp.Expr:
    """``KL(first || second)`` as a sum over the support, both given as expressions in ``y``."""
    return support_sum(first * sp.log(first / second))


def partition_function(reference: sp.Expr = p_ref[k]) -> sp.Expr:
    """``Z = sum_y p_ref(y) e^{r(y)/beta}`` (summed over the bound index ``k``)."""
    return support_sum(reference * sp.exp(r[k] / beta), k)


def closed_form() -> sp.Expr:
    """The maximizer ``p*(y) = p_ref(y) e^{r(y)/beta} / Z``."""
    return p_ref[y] * tilt() / Z


def mixture_reference(index: sp.Symbol = y) -> sp.Expr:
    """``p_ref = alpha p_A + (1 - alpha) p_U`` at ``index``."""
    return alpha * p_A[index] + (1 - alpha) * p_U[index]


def weight_A() -> sp.Expr:
    """Lemma 1's weight ``alpha_A(y) = alpha e^{r(y)/beta} / Z``."""
    return alpha * tilt() / Z


def weight_U() -> sp.Expr:
    """Lemma 1's weight ``alpha_U(y) = (1 - alpha) e^{r(y)/beta} / Z``."""
    return (1 - alpha) * tilt() / Z


def component_moment(component: sp.IndexedBase, rate: sp.Expr = 1 / beta) -> sp.Expr:
    """``M = E_component[e^{rate * r}]``, summed over the bound index ``k``.

    >>> component_moment(p_A)
    Sum(exp(r[k]/beta)*p_A[k], (k, 1, n))
    """
    return support_sum(component[k] * sp.exp(rate * r[k]), k)


def tpm_A(moment_A: sp.Expr = M_A, moment_U: sp.Expr = M_U) -> sp.Expr:
    """``TPM(A) = alpha M_A / (alpha M_A + (1 - alpha) M_U)``."""
    return alpha * moment_A / (alpha * moment_A + (1 - alpha) * moment_U)


def tpm_U(moment_A: sp.Expr = M_A, moment_U: sp.Expr = M_U) -> sp.Expr:
    """``TPM(U) = (1 - alpha) M_U / (alpha M_A + (1 - alpha) M_U)``."""
    return (1 - alpha) * moment_U / (alpha * moment_A + (1 - alpha) * moment_U)


def tpm_gap() -> sp.Expr:
    """The exact gap ``TPM(A) - alpha = alpha (1 - alpha) (M_A - M_U) / Z``."""
    return alpha * (1 - alpha) * (M_A - M_U) / Z


def reward_range() -> sp.Expr:
    """``r_max - r_min`` over the support."""
    return SupportMax(r[k], k) - SupportMin(r[k], k)


def residual_bound() -> sp.Expr:
    """The floor ``(1 - alpha) e^{-(r_max - r_min)/beta}`` under ``TPM(U)``."""
    return (1 - alpha) * sp.exp(-reward_range() / beta)


def pointwise_floor() -> sp.Expr:
    """The floor ``p_ref(y) e^{-(r_max - r_min)/beta}`` under ``p_theta(y)``."""
    return p_ref[y] * sp.exp(-reward_range() / beta)


def tilted_mean(component: sp.IndexedBase, rate: sp.Expr = t) -> sp.Expr:
    """``E_{component,t}[r]``: the mean reward under ``component * e^{t r} / M``."""
    return support_sum(component[k] * r[k] * sp.exp(rate * r[k]), k) / component_moment(component, rate)


def tpm_sensitivity(rate: sp.Expr = t) -> sp.Expr:
    """``TPM(A) TPM(U) (E_{A,t}[r] - E_{U,t}[r])``, the claimed ``d TPM(A) / dt``."""
    mA, mU = component_moment(p_A, rate), component_moment(p_U, rate)
    return tpm_A(mA, mU) * tpm_U(mA, mU) * (tilted_mean(p_A, rate) - tilted_mean(p_U, rate))


def kl_to_reference(policy: sp.Expr) -> sp.Expr:
    """``E_{policy}[r] / beta - log Z``, the claimed ``KL(p_theta || p_ref)``."""
    return support_sum(policy * r[y]) / beta - sp.log(Z)


def implicit_reward(log_policy: sp.Expr, log_reference: sp.Expr) -> sp.Expr:
    """DPO's implicit reward ``beta log(p_theta / p_ref)`` (up to ``beta log Z``)."""
    return beta * (log_policy - log_reference)


def bradley_terry(reward_w: sp.Expr, reward_l: sp.Expr) -> sp.Expr:
    """``P(y_w > y_l) = sigmoid(r(y_w) - r(y_l))``."""
    return 1 / (1 + sp.exp(-(reward_w - reward_l)))


def dpo_loss(
    policy_chosen: sp.Expr, policy_rejected: sp.Expr, ref_chosen: sp.Expr, ref_rejected: sp.Expr
) -> sp.Expr:
    """``-log sigmoid(beta (log-ratio chosen) - beta (log-ratio rejected))``, from log-probabilities."""
    margin = implicit_reward(policy_chosen, ref_chosen) - implicit_reward(policy_rejected, ref_rejected)
    return -sp.log(bradley_terry(margin, 0))


class _UniformOperator(sp.Function):
    """An operator under the uniform distribution on the support.

    Its arguments are expressions in the output ``y``, which the operator binds; it prints as
    the operator (``E_unif[.]``, ``Cov_unif(.,.)``) and :meth:`unfold` gives the sums it stands
    for, which is what the engine and the search work with.
    """

    @property
    def free_symbols(self):  # the output y is bound by the operator
        return {
            s for a in self.args for s in a.free_symbols
            if s != y and not (isinstance(s, sp.Indexed) and y in s.indices)
        }

    @staticmethod
    def _operand(printer, arg: sp.Expr) -> str:
        # a function over the support prints by its name: Cov(r, p_A), not Cov(r(y;x), ...)
        def is_entry(e: sp.Basic) -> bool:
            return isinstance(e, sp.Indexed) and e.indices == (y,)

        return printer._print(arg.replace(is_entry, lambda e: e.base))


class MeanUnif(_UniformOperator):
    """``E_unif[f] = (1/n) sum_y f(y)``.

    >>> MeanUnif(p_A[y]).unfold()
    Sum(p_A[y], (y, 1, n))/n
    """

    nargs = 1

    def unfold(self) -> sp.Expr:
        return support_sum(self.args[0]) / n

    def _latex(self, printer) -> str:
        return r"\mathbb{E}_{\unif}\left[%s\right]" % self._operand(printer, self.args[0])


class CovUnif(_UniformOperator):
    """``Cov_unif(f, g) = E_unif[f g] - E_unif[f] E_unif[g]``."""

    nargs = 2

    def unfold(self) -> sp.Expr:
        f, g = self.args
        return support_sum(f * g) / n - support_sum(f) * support_sum(g) / n**2

    def _latex(self, printer) -> str:
        f, g = (self._operand(printer, a) for a in self.args)
        return r"\operatorname{Cov}_{\unif}\left(%s, %s\right)" % (f, g)


def mean_unif(f: sp.Expr) -> sp.Expr:
    """``E_unif[f]`` under the uniform distribution on the support (``f`` an expression in ``y``)."""
    return MeanUnif(f)


def cov_unif(f: sp.Expr, g: sp.Expr) -> sp.Expr:
    """``Cov_unif(f, g) = E_unif[f g] - E_unif[f] E_unif[g]``.

    >>> cov_unif(r[y], p_A[y]).unfold()
    Sum(p_A[y]*r[y], (y, 1, n))/n - Sum(p_A[y], (y, 1, n))*Sum(r[y], (y, 1, n))/n**2
    """
    return CovUnif(f, g)


# --- named functions: printed as themselves, unfolded by the engine -----------------------------
class _RealOfReal(sp.Function):
    """A function of one argument that is real where its argument is, with the value of its
    :meth:`unfold` (so that a number such as ``Sigmoid(1/2)`` compares inside ``Max``)."""

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.unfold()._eval_evalf(prec)


class Sigmoid(_RealOfReal):
    """The logistic function ``sigma(x) = 1 / (1 + e^{-x})``.

    >>> Sigmoid(beta).unfold()
    1/(1 + exp(-beta))
    """

    nargs = 1

    def unfold(self) -> sp.Expr:
        return 1 / (1 + sp.exp(-self.args[0]))

    def _latex(self, printer) -> str:
        return r"\sigma\left(%s\right)" % printer._print(self.args[0])


class LogSigmoid(_RealOfReal):
    """``log sigma(x) = -log(1 + e^{-x})``."""

    nargs = 1

    def unfold(self) -> sp.Expr:
        return -sp.log(1 + sp.exp(-self.args[0]))

    def _latex(self, printer) -> str:
        return r"\log\sigma\left(%s\right)" % printer._print(self.args[0])


class RelEntr(sp.Function):
    """``x log(x / c)`` with the convention ``0 log 0 = 0``: the term of a KL divergence whose
    first distribution may vanish.  It is ``0`` at ``x = 0`` and ``x log(x/c)`` for ``x > 0``.

    >>> x = sp.Symbol("x", positive=True)
    >>> RelEntr(0, beta), RelEntr(x, beta)
    (0, x*log(x/beta))
    """

    nargs = 2

    @classmethod
    def eval(cls, x, c):
        if x.is_zero:
            return sp.Integer(0)
        if x.is_positive:
            return x * sp.log(x / c)
        return None

    def unfold(self) -> sp.Expr:
        return self  # stays itself until its first argument is known to be 0 or positive

    def _latex(self, printer) -> str:
        from .render.printer import closed_value

        x, c = (printer._print(a) for a in self.args)
        # (a + b) log((a + b)/c): a first argument that is not one closed value is bracketed,
        # as "a + b log(...)" reads a + (b log(...)) and "sum_y g(y) log(...)" as a sum of logs
        first = x if closed_value(self.args[0]) else r"\left(%s\right)" % x
        return r"%s \log\frac{%s}{%s}" % (first, x, c)


def kl_with_zeros(first: sp.Expr, second: sp.Expr, index: sp.Symbol = y) -> sp.Expr:
    """``KL(first || second) = sum_y first(y) log(first(y)/second(y))`` with ``0 log 0 = 0``,
    for a first distribution that may vanish (``first``, ``second`` expressions in ``index``)."""
    return sp.Sum(RelEntr(first, second), (index, 1, n))


def variance(weights: sp.Expr, f: sp.Expr, index: sp.Symbol = y) -> sp.Expr:
    """``Var_w[f] = sum_y w(y) (f(y) - E_w[f])^2`` (``weights``, ``f`` expressions in ``index``)."""
    j = sp.Dummy("j", integer=True, positive=True)
    mean = sp.Sum(weights.xreplace({index: j}) * f.xreplace({index: j}), (j, 1, n))
    return sp.Sum(weights * (f - mean) ** 2, (index, 1, n))


__all__ += ["Sigmoid", "LogSigmoid", "RelEntr", "kl_with_zeros", "variance"]

"""Named operators and symbols that the paper writes in words and formulas.

Each operator prints in the paper's notation (its ``_latex``) and stands for an expression the
engine already understands: ``unfold`` gives that expression, and the engine opens every
operator with an ``unfold`` before it decides a step.  So the documents can say
``KL(p || q)`` or ``E_{A,t}[r]`` while the engine works on the sums they abbreviate.
"""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import beta, p_A, p_ref, p_U, support_sum, y

__all__ = [
    "KL", "Objective", "ImplicitReward", "Sigmoid", "Mass", "Moment", "DataMean", "Mean", "TiltedMean", "CovRef", "TopMass", "AtInstance",
    "COMPONENT_A", "COMPONENT_U", "S_STAR", "PROMPT", "OBJECTIVE_NAME", "y_w", "y_l", "j", "g",
]

#: The aligned and the unaligned component, as names ("the component A").
COMPONENT_A = sp.Symbol(r"\mathcal{A}")
COMPONENT_U = sp.Symbol(r"\mathcal{U}")
#: The outputs of largest reward on the support.
S_STAR = sp.Symbol("S^*")
#: The prompt.
PROMPT = sp.Symbol("x")
#: The objective, by name.
OBJECTIVE_NAME = sp.Symbol(r"\mathcal{L}(p)")
#: The preferred and the rejected output of a comparison.
y_w = sp.Symbol("y_w", integer=True, positive=True)
y_l = sp.Symbol("y_l", integer=True, positive=True)
#: A second output of the support.
j = sp.Symbol("j", integer=True, positive=True)
#: The gap of the logarithm below its tangent, g(t) = t - 1 - log t, by name.
g = sp.Function("g")


def _name(printer, arg: sp.Expr) -> str:
    """A function over the support prints by its name: ``p``, not ``p(y)``."""
    if isinstance(arg, sp.Indexed) and arg.indices == (y,):
        return printer._print(arg.base)
    return printer._print(arg)


class _OverSupport(sp.Function):
    """An operator whose arguments are functions over the support given at ``y`` (it sums over
    ``y``), printed by their names: an argument at another output (``p(k)``) would print as a
    function and be read as a number, so it is refused."""

    @classmethod
    def eval(cls, *args):
        for a in args:
            other = {i for x in sp.sympify(a).atoms(sp.Indexed) for i in x.indices} - {y}
            if other:
                raise ValueError(f"{cls.__name__}: its arguments are functions over the support given at y, "
                                 f"not at {', '.join(sorted(map(str, other)))}")


class KL(_OverSupport):
    """``KL(f || g) = sum_y f(y) log(f(y)/g(y))`` for functions over the support (given at ``y``).

    >>> from dpo_mixture.notation import p, q
    >>> from dpo_mixture.render import latex
    >>> latex(KL(p[y], q[y]))
    '\\\\KL\\\\left(p \\\\,\\\\Vert\\\\, q\\\\right)'
    """

    nargs = 2

    def unfold(self) -> sp.Expr:
        return model.kl(*self.args)

    def _latex(self, printer) -> str:
        return r"\KL\left(%s \,\Vert\, %s\right)" % (_name(printer, self.args[0]), _name(printer, self.args[1]))


class Objective(sp.Function):
    """The KL-regularized objective ``L(p)`` of a distribution ``p`` over the support (given by its base)."""

    nargs = 1

    def unfold(self) -> sp.Expr:
        return model.objective(self.args[0][y])

    def _latex(self, printer) -> str:
        return r"\mathcal{L}(%s)" % printer._print(self.args[0])


class ImplicitReward(sp.Function):
    """DPO's reward written through the tuned model: ``beta log(p_theta/p_ref) + beta log Z`` at an output."""

    nargs = 1

    def unfold(self) -> sp.Expr:
        from dpo_mixture.notation import Z, beta, p_theta

        index = self.args[0]
        return beta * sp.log(p_theta[index] / p_ref[index]) + beta * sp.log(Z)

    def _latex(self, printer) -> str:
        return r"\hat{r}(%s;x)" % printer._print(self.args[0])


_COMPONENT_NAMES = {p_A: r"\mathcal{A}", p_U: r"\mathcal{U}"}


class _AtRate(sp.Function):
    """An operator of a component and a tilt rate, printed with ``template`` (component, rate)."""

    nargs = 2
    template = "%s(%s)"

    def _latex(self, printer) -> str:
        component, rate = self.args
        return self.template % (_COMPONENT_NAMES.get(component, printer._print(component)), printer._print(rate))


class Moment(_AtRate):
    """``M(rate) = sum_y p(y) e^{rate r(y)}``, the tilted moment of a component at a given rate."""

    template = r"M_{%s}(%s)"

    def unfold(self) -> sp.Expr:
        return model.component_moment(*self.args)


class Mass(sp.Function):
    """The total mass ``TPM`` of a component when the tilt has the given rate (``1/beta``, or ``t``)."""

    nargs = 2

    @classmethod
    def eval(cls, component, rate):
        if component not in (p_A, p_U):  # it prints as one of the two components: it is one of them
            raise ValueError(f"Mass: the component must be p_A or p_U, not {component}")

    def unfold(self) -> sp.Expr:
        component, rate = self.args
        moments = (model.component_moment(p_A, rate), model.component_moment(p_U, rate))
        return model.tpm_A(*moments) if component == p_A else model.tpm_U(*moments)

    def _latex(self, printer) -> str:
        # the model's rate 1/beta prints as TPM itself; any other is shown: it is another number
        name = r"\mathcal{A}" if self.args[0] == p_A else r"\mathcal{U}"
        rate = "" if self.args[1] == 1 / beta else "_{%s}" % printer._print(self.args[1])
        return r"\TPM%s(%s;x)" % (rate, name)


#: The logistic function (the model's: one class of this name, so reports read it back unambiguously).
Sigmoid = model.Sigmoid


class DataMean(sp.Function):
    """The expectation over comparisons ``(x, y_w, y_l)`` drawn from the preference data.

    It has no ``unfold``: the engine treats it as an opaque function of its argument, so it can
    only show that equal arguments give equal means, which is all the DPO section needs.
    """

    nargs = 1

    def _latex(self, printer) -> str:
        return r"\mathbb{E}_{(x, y_w, y_l) \sim \mathcal{D}}\left[%s\right]" % printer._print(self.args[0])


class Mean(_OverSupport):
    """``E_p[f] = sum_y p(y) f(y)``, for a distribution ``p`` over the support."""

    nargs = 2

    def unfold(self) -> sp.Expr:
        component, f = self.args
        return support_sum(component[y] * f)

    def _latex(self, printer) -> str:
        component, f = self.args
        return r"\mathbb{E}_{%s}\left[%s\right]" % (printer._print(component), _name(printer, f))


class TiltedMean(_AtRate):
    """``E_{A,t}[r]``: the mean reward under the tilted component ``p_A e^{t r} / M_A(t)``."""

    template = r"\mathbb{E}_{%s,%s}\left[r\right]"

    def unfold(self) -> sp.Expr:
        return model.tilted_mean(*self.args)


class CovRef(_OverSupport):
    """The covariance of two functions over the support under ``p_ref``."""

    nargs = 2

    def unfold(self) -> sp.Expr:
        f, g = self.args
        return support_sum(p_ref[y] * f * g) - support_sum(p_ref[y] * f) * support_sum(p_ref[y] * g)

    def _latex(self, printer) -> str:
        f, g = (_name(printer, a) for a in self.args)
        return r"\operatorname{Cov}_{p_{\mathrm{ref}}}\left(%s, %s\right)" % (f, g)


class TopMass(sp.Function):
    """``p(S*)``: the mass a distribution puts on the outputs of largest reward.  A name only:
    nonnegative, and positive for the reference model, which is positive on its support."""

    nargs = 1

    def _eval_is_nonnegative(self):
        return True

    def _eval_is_positive(self):
        return True if self.args[0] == p_ref else None

    def _latex(self, printer) -> str:
        return r"%s(S^{*})" % printer._print(self.args[0])


class AtInstance(sp.Function):
    """A quantity at one concrete instance: prints as the quantity, unfolds to its value there.

    ``AtInstance(shown, instance)`` prints ``shown``; ``instance`` holds ``(quantity, value)``
    pairs (a vector's values as a tuple).  The engine sees ``shown`` with the paper's model
    definitions opened and the instance's values put in (:func:`~.example.at_instance`), worked
    out here, never taken from the caller; a report shows the instance beside the statement.
    """

    nargs = 2

    @classmethod
    def eval(cls, shown, instance):
        from .example import instance_problem

        problem = instance_problem(shown, instance)
        if problem:
            raise ValueError(f"AtInstance: {problem}")

    def unfold(self) -> sp.Expr:
        from .example import at_instance

        return at_instance(*self.args)

    def fixes(self) -> dict:
        """The values the instance gives its quantities: a statement may not also hold them
        free, nor at another instance (alpha < alpha would be shown for 0 < alpha, or for
        1/4 < 1/2)."""
        return dict(self.args[1])

    def _latex(self, printer) -> str:
        return printer._print(self.args[0])

    def shown_in_model(self, printer) -> str:
        """The instance, as a report shows it beside the statement."""
        return r"\text{at the instance } " + ", ".join(
            f"{printer(q.label if isinstance(q, sp.IndexedBase) else q)} = {printer(v)}" for q, v in self.args[1])


def _register_for_reports() -> None:
    """Let a report that mentions these operators be read back and re-checked (``dpo-mixture verify``)."""
    from dpo_mixture.proof.serial import register_constructor

    for cls in (KL, Objective, ImplicitReward, Moment, Mass, DataMean, Mean, TiltedMean, CovRef, TopMass,
                AtInstance):
        register_constructor(cls.__name__, cls)


_register_for_reports()

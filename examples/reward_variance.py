"""The variance of the reward under the tilted policy is the curvature of log Z.

With ``t = 1/beta``, the second derivative of ``log Z(t)`` is the variance of the reward under
the tilted policy ``pi_t``.  So ``log Z`` is convex, and the divergence of ``pi_t`` from the
reference grows with ``t`` at the rate ``t Var_{pi_t}[r]``.  The module also exports the variance
as a numeric function (``EXPORTS``), compiled from the same expression the proof checks.

``dpo-mixture check examples/reward_variance.py``
``dpo-mixture export examples/reward_variance.py --backend numpy``
"""

import sympy as sp

from dpo_mixture import (
    Certificate, Citation, Definition, Derivation, Differentiate, Paper, Ref, Reference, Step, Using, Verdict,
    declare, numeric, prose,
)
from dpo_mixture.derivations import library as lib
from dpo_mixture.notation import support_sum

pi_ref = declare.distribution("pi_ref", latex=r"\pi_{\mathrm{ref}}")
pi_t = declare.distribution("pi_t", latex=r"\pi_{t}")
r = declare.reward("r")
t = declare.temperature("t")
Z = declare.scalar("Z_t", positive=True, latex=r"Z(t)")
y = declare.index("y")
k = declare.index("k")

DEF_Z = Definition("the partition function", Z, support_sum(pi_ref[k] * sp.exp(t * r[k]), k))
DEF_TILT = Definition("the tilted policy", pi_t[y], pi_ref[y] * sp.exp(t * r[y]) / Z)
CONTEXT = (DEF_Z, DEF_TILT)

MEAN = support_sum(pi_t[k] * r[k], k)
SECOND_MOMENT = support_sum(pi_t[y] * r[y] ** 2)
VARIANCE = support_sum(pi_t[y] * (r[y] - MEAN) ** 2)
KL = support_sum(pi_t[y] * sp.log(pi_t[y] / pi_ref[y]))
CURVATURE = sp.Derivative(sp.log(Z), (t, 2))

CURVATURE_DERIVATION = Derivation(
    id="curvature",
    title="The curvature of the log-partition function",
    kind="Proposition",
    label="curvature",
    context=CONTEXT,
    statement=(sp.Eq(CURVATURE, VARIANCE), sp.Ge(CURVATURE, 0)),
    statement_text=prose(
        "The second derivative of ", sp.log(Z), " in the inverse temperature is the variance of the reward under "
        "the tilted policy; in particular it is nonnegative, and ", sp.log(Z), " is convex in ", t, ":",
    ),
    intro=prose(
        "As in the note on the slope of ", sp.log(Z), ", let ", sp.Eq(Z, DEF_Z.expr, evaluate=False),
        " and ", sp.Eq(pi_t[y], DEF_TILT.expr, evaluate=False), ", for a reference policy ", pi_ref,
        " positive on a finite support, a real reward ", r[y], " and ", sp.Gt(t, 0, evaluate=False), ".",
    ),
    steps=(
        Step(
            "slope", "The first derivative",
            sp.Eq(sp.Derivative(sp.log(Z), t), MEAN),
            prose("The first derivative is the mean reward under the tilted policy,"),
            strategy=Differentiate(),
        ),
        Step(
            "second-derivative", "The second derivative",
            sp.Eq(CURVATURE, SECOND_MOMENT - MEAN**2),
            prose("and differentiating once more, with the quotient rule on the mean,"),
            strategy=Differentiate(),
        ),
        Step(
            "variance-identity", "The variance as second moment minus squared mean",
            sp.Eq(VARIANCE, SECOND_MOMENT - MEAN**2),
            prose("The library's identity for a variance, at the tilted policy, turns the right-hand side into a "
                  "variance:"),
            strategy=Certificate((1,)),
            given=("lib.variance-identity",),
            instantiate={lib.u: pi_t, lib.f: r},
        ),
        Step(
            "curvature-is-variance", "The curvature is the variance",
            sp.Eq(CURVATURE, VARIANCE),
            prose("Together,"),
            strategy=Certificate((1, -1)),
            given=("second-derivative", "variance-identity"),
        ),
        Step(
            "convex", "The log-partition function is convex",
            sp.Ge(CURVATURE, 0),
            prose("A variance is a sum of squares with nonnegative weights, so the curvature is nonnegative:"),
            strategy=Using("lib.variance-nonnegative", {lib.u: pi_t, lib.f: r}, Certificate((1, 1))),
            given=("curvature-is-variance",),
        ),
        Step(
            "divergence-slope", "The divergence grows with the inverse temperature",
            sp.Eq(sp.Derivative(KL, t), t * VARIANCE),
            prose("The divergence of the tilted policy from the reference, ", KL, ", has the derivative ", t,
                  " times the same variance, so it grows as the temperature falls:"),
            strategy=Differentiate(),
        ),
    ),
)

FORGOTTEN_MEAN = Derivation(
    id="forgotten-mean",
    title="A slip: the second moment in place of the variance",
    kind="Section",
    context=CONTEXT,
    intro=prose(
        "Differentiating the mean ", MEAN, " but forgetting that its normalizer ", Z, " depends on ", t,
        " leaves the second moment alone:",
    ),
    steps=(
        Step(
            "second-moment", "The curvature as the second moment",
            sp.Eq(CURVATURE, SECOND_MOMENT),
            prose(""),
            strategy=Differentiate(),
            expected=Verdict.REFUTED,
        ),
    ),
    outro=prose(
        "The engine evaluates the second derivative at the instance in the table and refutes the claim; the two "
        "sides differ by the squared mean, as ", Ref("curvature"), " says.",
    ),
)

DERIVATIONS = (CURVATURE_DERIVATION, FORGOTTEN_MEAN)

#: The variance as a numeric function of the reference policy, the reward and the temperature, compiled
#: from the expression the proof checks with the definitions of the tilted policy and Z substituted.
#: The function takes the inverse temperature ``t`` itself, as the proof does.
VARIANCE_OF_INPUTS = VARIANCE.xreplace({pi_t[k]: DEF_TILT.expr.xreplace({y: k})}).xreplace(
    {pi_t[y]: DEF_TILT.expr}).xreplace({Z: DEF_Z.expr})
EXPORTS = {
    "reward_variance": numeric.compile(
        VARIANCE_OF_INPUTS, args=[("pi_ref", "dist"), ("r", "reward"), ("t", "scale")], name="reward_variance",
    ),
}

PAPER = Paper(
    title="The reward variance is the curvature of the log-partition function",
    authors=("dpo-mixture examples",),
    abstract=prose(
        "For the policy produced by KL-regularized reward maximization at inverse temperature ", t,
        ", we check by machine that the second derivative of ", sp.log(Z), " is the variance of the reward under "
        "that policy, hence that ", sp.log(Z), " is convex, and that the divergence from the reference has the "
        "derivative ", t, " times the variance. The variance and the curvature come from the package's library "
        "of proved lemmas; a version without the squared mean is refuted by the engine.",
    ),
    introduction=(
        prose(
            "The log-partition function of an exponential family generates the moments of its sufficient "
            "statistic ", Citation("wainwright2008"), ". For the tilted policy of RLHF and DPO ",
            Citation("rafailov2023"), " the statistic is the reward, so its variance measures how quickly the tuned "
            "policy moves away from the reference as the temperature falls.",
        ),
        prose(Ref("curvature"), " is the result; the last section refutes a common slip."),
    ),
    references=(
        Reference("wainwright2008", "Martin J. Wainwright, Michael I. Jordan",
                  "Graphical models, exponential families, and variational inference",
                  "Foundations and Trends in Machine Learning 1(1-2), 1-305", "2008"),
        Reference(
            "rafailov2023",
            "Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn",
            "Direct preference optimization: your language model is secretly a reward model",
            "Advances in Neural Information Processing Systems 36", "2023",
        ),
    ),
    tags=("variance", "exponential-family", "rlhf"),
    stem="reward_variance",
)

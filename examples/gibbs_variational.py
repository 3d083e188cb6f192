"""The Gibbs variational principle and the Donsker-Varadhan bound, on a finite set.

For a distribution ``q`` and a real function ``f``, the log-moment ``log E_q[e^f]`` is the
largest value of ``E_p[f] - KL(p || q)`` over distributions ``p``, attained at the tilt of ``q``
by ``e^f``.  Read the other way round, the same inequality bounds a divergence from below by
any test function: the Donsker-Varadhan bound.  The KL-regularized objective of preference
tuning is the case ``f = r/beta``.

``dpo-mixture check examples/gibbs_variational.py``
"""

import sympy as sp

from dpo_mixture import (
    Certificate, Citation, Definition, Derivation, Identity, Paper, Ref, Reference, Step, Verdict, declare, prose,
)
from dpo_mixture.derivations import library as lib
from dpo_mixture.notation import support_sum

p = declare.distribution("p")
q = declare.distribution("q")
q_f = declare.distribution("q_f", latex=r"q_{f}")
f = declare.reward("f")
M = declare.scalar("M_f", positive=True, latex=r"M_{f}")
y = declare.index("y")
k = declare.index("k")

DEF_M = Definition("the exponential moment", M, support_sum(q[k] * sp.exp(f[k]), k))
DEF_TILT = Definition("the tilted distribution", q_f[y], q[y] * sp.exp(f[y]) / M)
CONTEXT = (DEF_M, DEF_TILT)
P_SUMS_TO_ONE = Identity("p sums to one", support_sum(p[y]), 1)


def kl(a: sp.IndexedBase, b: sp.IndexedBase) -> sp.Expr:
    """``KL(a || b)`` over the support."""
    return support_sum(a[y] * sp.log(a[y] / b[y]))


def mean(a: sp.IndexedBase, g: sp.Expr) -> sp.Expr:
    """``E_a[g]``, with ``g`` an expression in the response ``y``."""
    return support_sum(a[y] * g)


VALUE = mean(p, f[y]) - kl(p, q)

PRINCIPLE = Derivation(
    id="principle",
    title="The variational principle",
    kind="Theorem",
    label="principle",
    context=CONTEXT,
    statement=(sp.Le(VALUE, sp.log(M)), sp.Eq(mean(q_f, f[y]) - kl(q_f, q), sp.log(M))),
    statement_text=prose(
        "For every distribution ", p, " positive on the support, ", VALUE, " is at most the log-moment ",
        sp.log(M), ", and the tilted distribution ", q_f, " attains it:",
    ),
    intro=prose(
        "Let ", p, " and ", q, " be distributions that are positive on a finite support and ", f[y],
        " a real function on it. Write ", sp.Eq(M, DEF_M.expr, evaluate=False), " for the exponential moment of ",
        f, " under ", q, " and ", sp.Eq(q_f[y], DEF_TILT.expr, evaluate=False), " for the tilt of ", q, " by ",
        sp.exp(f[y]), ".",
    ),
    steps=(
        Step(
            "value-as-divergence", "The value as a divergence from the tilt",
            sp.Eq(VALUE, sp.log(M) - kl(p, q_f)),
            prose("Expanding the logarithm of the tilt and using ", sp.Eq(support_sum(p[y]), 1, evaluate=False),
                  " turns the value into the log-moment minus a divergence:"),
            facts=(DEF_TILT, P_SUMS_TO_ONE),
        ),
        Step(
            "divergence-from-tilt", "Gibbs' inequality for the tilt",
            sp.Ge(kl(p, q_f), 0),
            prose("By Gibbs' inequality from the library ", Citation("cover2006"), ", that divergence is "
                  "nonnegative,"),
            strategy=Certificate((1,)),
            given=("lib.gibbs",),
            instantiate={lib.w: p, lib.v: q_f},
        ),
        Step(
            "upper-bound", "The log-moment bounds the value",
            sp.Le(VALUE, sp.log(M)),
            prose("so the value never exceeds the log-moment:"),
            strategy=Certificate((-1, 1)),
            given=("value-as-divergence", "divergence-from-tilt"),
        ),
        Step(
            "attained", "The tilt attains the bound",
            sp.Eq(mean(q_f, f[y]) - kl(q_f, q), sp.log(M)),
            prose("At ", sp.Eq(p, q_f, evaluate=False), " the log-ratio ", sp.log(q_f[y] / q[y]), " equals ",
                  f[y] - sp.log(M), " and ", q_f, " sums to one, so equality holds:"),
            facts=(DEF_TILT, DEF_M),
        ),
    ),
)

DUALITY = Derivation(
    id="donsker-varadhan",
    title="The Donsker-Varadhan bound",
    kind="Corollary",
    label="donsker-varadhan",
    context=CONTEXT,
    statement=(sp.Ge(kl(p, q), mean(p, f[y]) - sp.log(M)),),
    statement_text=prose(
        "Every real function ", f, " bounds the divergence of ", p, " from ", q, " from below:",
    ),
    steps=(
        Step(
            "dv-bound", "The bound",
            sp.Ge(kl(p, q), mean(p, f[y]) - sp.log(M)),
            prose("This is ", Ref("principle"), " with the divergence moved to the other side:"),
            strategy=Certificate((1,)),
            given=("upper-bound",),
        ),
        Step(
            "dv-tight", "The log-ratio makes it tight",
            sp.Eq(mean(p, sp.log(p[y] / q[y])) - sp.log(mean(q, p[y] / q[y])), kl(p, q)),
            prose("The bound is tight: at the log-ratio ", sp.Eq(f[y], sp.log(p[y] / q[y]), evaluate=False),
                  " the exponential moment is the total mass of ", p, ", which is one, and the right-hand side is "
                  "the divergence itself:"),
            facts=(P_SUMS_TO_ONE,),
        ),
    ),
    outro=prose(
        "So the divergence is the largest value of ", mean(p, f[y]) - sp.log(M), " over real functions ", f,
        " on the support ", Citation("donsker1975"), ".",
    ),
)

LOG_INSIDE = Derivation(
    id="log-inside",
    title="A slip: the logarithm moved inside the expectation",
    kind="Section",
    context=CONTEXT,
    intro=prose(
        "Replacing the log-moment ", sp.log(M), " by the mean ", mean(q, f[y]), " would give a bound that is "
        "easier to estimate. By Jensen's inequality the mean is the smaller of the two, so the claim",
    ),
    steps=(
        Step(
            "dv-without-exponential", "The bound with the mean in place of the log-moment",
            sp.Ge(kl(p, q), mean(p, f[y]) - mean(q, f[y])),
            prose(""),
            expected=Verdict.REFUTED,
        ),
    ),
    outro=prose(
        "asks for more than ", Ref("donsker-varadhan"), " gives, and the engine refutes it: the table shows a function for which "
        "the difference of the means exceeds the divergence.",
    ),
)

DERIVATIONS = (PRINCIPLE, DUALITY, LOG_INSIDE)

PAPER = Paper(
    title="The Gibbs variational principle on a finite set",
    authors=("dpo-mixture examples",),
    abstract=prose(
        "On a finite set, the logarithm of an exponential moment is the maximum over distributions of a mean "
        "minus a divergence, and the maximizer is the exponentially tilted distribution. Read as a bound on the "
        "divergence, the same inequality is the Donsker-Varadhan representation. We check both by machine, "
        "with Gibbs' inequality cited from the package's library, and let the engine refute a tempting variant "
        "without the exponential.",
    ),
    introduction=(
        prose(
            "The closed form of the policy that maximizes reward under a divergence penalty, on which RLHF and DPO "
            "rest ", Citation("rafailov2023"), ", is one reading of an older identity: the Gibbs variational "
            "principle of statistical mechanics, whose dual form Donsker and Varadhan used for large deviations ",
            Citation("donsker1975"), ".",
        ),
        prose(
            Ref("principle"), " proves the principle and ", Ref("donsker-varadhan"), " its dual; the last section refutes a "
            "variant of the dual that drops the exponential.",
        ),
    ),
    references=(
        Reference("donsker1975", "Monroe D. Donsker, S. R. Srinivasa Varadhan",
                  "Asymptotic evaluation of certain Markov process expectations for large time, I",
                  "Communications on Pure and Applied Mathematics 28(1), 1-47", "1975"),
        Reference("cover2006", "Thomas M. Cover, Joy A. Thomas", "Elements of Information Theory",
                  "2nd edition, Wiley", "2006"),
        Reference(
            "rafailov2023",
            "Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn",
            "Direct preference optimization: your language model is secretly a reward model",
            "Advances in Neural Information Processing Systems 36", "2023",
        ),
    ),
    tags=("kl-divergence", "variational-principle", "large-deviations"),
    stem="gibbs_variational",
)

"""The divergence of the tilted policy through its log-partition function.

With the inverse temperature ``t = 1/beta``, the tilted policy is ``pi_t = pi_ref e^{t r} / Z(t)``.
Its divergence from the reference is ``t E_{pi_t}[r] - log Z(t)``, and the mean reward is the
slope of ``log Z``: ``d log Z / dt = E_{pi_t}[r]``.  Together they write the divergence with
``log Z`` alone.  The bounds on ``log Z`` come from the library's Jensen and max/min lemmas,
found by the ``Lemmas`` strategy on its own.

``dpo-mixture check examples/kl_log_partition.py``
"""

import sympy as sp

from dpo_mixture import (
    Certificate, Citation, Definition, Derivation, Differentiate, Lemmas, Paper, Ref, Reference, Step, Verdict,
    declare, prose,
)
from dpo_mixture.model import SupportMax
from dpo_mixture.notation import beta, support_sum

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

KL = support_sum(pi_t[y] * sp.log(pi_t[y] / pi_ref[y]))
MEAN_TILTED = support_sum(pi_t[y] * r[y])
MEAN_REF = support_sum(pi_ref[y] * r[y])
SLOPE = sp.Derivative(sp.log(Z), t)
R_MAX = SupportMax(r[k], k)

IDENTITY = Derivation(
    id="identity",
    title="The divergence through the log-partition function",
    kind="Proposition",
    label="identity",
    context=CONTEXT,
    statement=(sp.Eq(SLOPE, MEAN_TILTED), sp.Eq(KL, t * SLOPE - sp.log(Z))),
    statement_text=prose(
        "The slope of the log-partition function is the mean reward under the tilted policy, and the divergence "
        "of the tilted policy from the reference is a function of ", sp.log(Z), " and its slope:",
    ),
    intro=prose(
        "Let ", pi_ref, " be a reference policy on a finite support, ", r[y], " a reward and ",
        sp.Gt(t, 0, evaluate=False), " the inverse temperature, the reciprocal of the ", beta,
        " of the KL penalty. The tilted policy is ", sp.Eq(pi_t[y], DEF_TILT.expr, evaluate=False), " with ",
        sp.Eq(Z, DEF_Z.expr, evaluate=False), ".",
    ),
    steps=(
        Step(
            "kl-identity", "The divergence of the tilted policy",
            sp.Eq(KL, t * MEAN_TILTED - sp.log(Z)),
            prose("The log-ratio of the tilted policy to the reference is ", t * r[y] - sp.log(Z),
                  " at every response, and ", pi_t, " sums to one:"),
            facts=CONTEXT,
        ),
        Step(
            "slope", "The slope of the log-partition function",
            sp.Eq(SLOPE, MEAN_TILTED),
            prose("Differentiating the finite sum ", Z, " term by term gives ", support_sum(pi_ref[k] * r[k] *
                  sp.exp(t * r[k]), k), ", and dividing by ", Z, " gives the mean under the tilted policy:"),
            strategy=Differentiate(),
        ),
        Step(
            "kl-through-slope", "The divergence through log Z alone",
            sp.Eq(KL, t * SLOPE - sp.log(Z)),
            prose("Substituting the slope for the mean in the divergence,"),
            strategy=Certificate((1, -t)),
            given=("kl-identity", "slope"),
        ),
    ),
)

BOUNDS = Derivation(
    id="bounds",
    title="Bounds on the log-partition function",
    kind="Proposition",
    label="bounds",
    context=CONTEXT,
    statement=(sp.Ge(sp.log(Z), t * MEAN_REF), sp.Le(sp.log(Z), t * R_MAX)),
    statement_text=prose("The log-partition function lies between ", t, " times the reference's mean reward and ",
                         t, " times the largest reward:"),
    steps=(
        Step(
            "jensen", "Jensen's inequality",
            sp.Ge(sp.log(Z), t * MEAN_REF),
            prose("The logarithm of a mean of exponentials is at least the mean of the exponents ",
                  Citation("cover2006"), "; the `Lemmas` strategy finds that lemma in the library and "
                  "instantiates it:"),
            strategy=Lemmas(),
            facts=(DEF_Z,),
        ),
        Step(
            "below-max", "The largest reward",
            sp.Le(sp.log(Z), t * R_MAX),
            prose("and a mean of exponentials is at most the largest of them:"),
            strategy=Lemmas(),
            facts=(DEF_Z,),
        ),
        Step(
            "kl-as-gap", "The divergence is a Jensen gap",
            sp.Le(KL, t * MEAN_TILTED - t * MEAN_REF),
            prose("With ", Ref("identity"), ", the first bound says that the divergence is at most ", t,
                  " times the gain in mean reward:"),
            strategy=Certificate((-1, 1)),
            given=("kl-identity", "jensen"),
        ),
    ),
)

WRONG_SLOPE = Derivation(
    id="wrong-slope",
    title="A slip: the slope taken at the reference",
    kind="Section",
    context=CONTEXT,
    intro=prose(
        "Differentiating under the sum but forgetting that the weights change with ", t, " gives the mean under "
        "the reference instead. The claim",
    ),
    steps=(
        Step(
            "slope-at-reference", "The slope as the reference's mean reward",
            sp.Eq(SLOPE, MEAN_REF),
            prose(""),
            strategy=Differentiate(),
            expected=Verdict.REFUTED,
        ),
    ),
    outro=prose(
        "holds only at ", sp.Eq(t, 0, evaluate=False), ", which is outside the domain; the engine evaluates the "
        "derivative at the instance in the table and refutes it.",
    ),
)

DERIVATIONS = (IDENTITY, BOUNDS, WRONG_SLOPE)

PAPER = Paper(
    title="The divergence of a tilted policy and the slope of its log-partition function",
    authors=("dpo-mixture examples",),
    abstract=prose(
        "For the policy that KL-regularized reward maximization produces, the mean reward is the derivative of the "
        "log-partition function in the inverse temperature, and the divergence from the reference is ",
        t * SLOPE - sp.log(Z), ". We check both by machine, together with the Jensen and maximum bounds on ",
        sp.log(Z), ", which the engine instantiates from its library of proved lemmas, and refute the slip of "
        "differentiating at the reference policy.",
    ),
    introduction=(
        prose(
            "The closed form of the tuned policy in RLHF and DPO ", Citation("rafailov2023"), " is an exponential "
            "family in the inverse temperature. Its log-partition function therefore carries the moments of the "
            "reward, as in statistical mechanics ", Citation("wainwright2008"), ", and the divergence from the "
            "reference is its Legendre gap.",
        ),
        prose(Ref("identity"), " states the identity and ", Ref("bounds"), " the bounds."),
    ),
    references=(
        Reference(
            "rafailov2023",
            "Rafael Rafailov, Archit Sharma, Eric Mitchell, Stefano Ermon, Christopher D. Manning, Chelsea Finn",
            "Direct preference optimization: your language model is secretly a reward model",
            "Advances in Neural Information Processing Systems 36", "2023",
        ),
        Reference("wainwright2008", "Martin J. Wainwright, Michael I. Jordan",
                  "Graphical models, exponential families, and variational inference",
                  "Foundations and Trends in Machine Learning 1(1-2), 1-305", "2008"),
        Reference("cover2006", "Thomas M. Cover, Joy A. Thomas", "Elements of Information Theory",
                  "2nd edition, Wiley", "2006"),
    ),
    tags=("kl-divergence", "exponential-family", "rlhf"),
    stem="kl_log_partition",
)

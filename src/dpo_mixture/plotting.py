"""Figures: the total masses TPM(A), TPM(U) of one instance against beta (needs matplotlib).

The curves come from the numeric functions (:func:`dpo_mixture.numeric.tpm` and
:func:`dpo_mixture.numeric.residual_mass_bound`, float64), evaluated on a log-spaced grid of
beta.  :func:`tpm_curves` returns the arrays; :func:`tpm_figure` draws them on a
:class:`matplotlib.figure.Figure` built directly, so no pyplot state and no interactive backend
are involved; :func:`document_figures` writes the figure that ``dpo-mixture build`` embeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import model
from .render.printer import latex

__all__ = ["Curves", "beta_grid", "tpm_curves", "tpm_figure", "instance_figure", "document_figures", "FIGURE_NAME"]

#: File name of the document's figure, relative to the output directory.
FIGURE_NAME = "tpm_vs_beta.png"
#: The residual-mass floor as the documents print it, from the model's expression.
_BOUND_TEX = latex(model.residual_bound())


@dataclass(frozen=True)
class Curves:
    """TPM(A), TPM(U) and the residual-mass bound on a grid of beta, for one instance."""

    beta: np.ndarray
    tpm_A: np.ndarray
    tpm_U: np.ndarray
    bound: np.ndarray
    alpha: float

    @property
    def below_alpha(self) -> np.ndarray:
        """Where ``TPM(A) < alpha`` on the grid."""
        return self.tpm_A < self.alpha


def beta_grid(r, beta=None, points: int = 400, decades: float = 2.0) -> np.ndarray:
    """Log-spaced beta around the reward range ``r_max - r_min`` (and covering ``beta``).

    >>> g = beta_grid([0.0, 2.0], points=5)
    >>> round(float(g[0]), 12), round(float(g[-1]), 9)
    (0.02, 200.0)
    """
    r = np.asarray(r, dtype=np.float64)
    spread = float(np.max(r) - np.min(r)) or 1.0
    lo, hi = np.log10(spread) - decades, np.log10(spread) + decades
    if beta is not None:
        lo, hi = min(lo, np.log10(beta) - 0.5), max(hi, np.log10(beta) + 0.5)
    return np.logspace(lo, hi, points)


def tpm_curves(p_A, p_U, alpha: float, r, betas) -> Curves:
    """Evaluate the numeric functions on every beta of ``betas`` (one batch call each)."""
    from . import numeric

    betas = np.asarray(betas, dtype=np.float64)
    p_A, p_U, r = (np.asarray(v, dtype=np.float64) for v in (p_A, p_U, r))
    tpm_A, tpm_U = numeric.tpm(p_A, p_U, alpha, r, betas)
    bound = numeric.residual_mass_bound(alpha, r, betas)
    return Curves(betas, np.asarray(tpm_A), np.asarray(tpm_U), np.asarray(bound), float(alpha))


def tpm_figure(curves: Curves, *, beta_mark: float | None = None, title: str = "", subtitle: str = ""):
    """A :class:`matplotlib.figure.Figure` of the curves on a log beta axis.

    Lines carry the ids (``Line2D.get_gid``) ``TPM(A)``, ``TPM(U)``, ``alpha``, ``1 - alpha``
    (absent when ``alpha = 1/2``, where it coincides with ``alpha``) and ``residual bound``;
    their data are the arrays of ``curves``.  The grid points where ``TPM(A) < alpha`` are shaded.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 5.2), dpi=120, layout="constrained")
    ax = fig.add_subplot()
    b, a = curves.beta, curves.alpha
    ax.plot(b, curves.tpm_A, color="tab:blue", lw=2.2, label=r"TPM($\mathcal{A}$)")
    ax.plot(b, curves.tpm_U, color="tab:orange", lw=2.2, label=r"TPM($\mathcal{U}$)")
    if np.isclose(a, 1 - a):  # the two reference levels coincide: one line
        ax.plot(b, np.full_like(b, a), color="0.25", ls="--", lw=1.2, label=rf"$\alpha = 1-\alpha$ = {a:.3g}")
        gids = ("TPM(A)", "TPM(U)", "alpha")
    else:
        ax.plot(b, np.full_like(b, a), color="tab:blue", ls="--", lw=1.2, label=rf"$\alpha$ = {a:.3g}")
        ax.plot(b, np.full_like(b, 1 - a), color="tab:orange", ls="--", lw=1.2, label=rf"$1-\alpha$ = {1 - a:.3g}")
        gids = ("TPM(A)", "TPM(U)", "alpha", "1 - alpha")
    ax.plot(
        b, curves.bound, color="tab:gray", ls=":", lw=1.8,
        label=f"residual bound ${_BOUND_TEX}$",
    )
    # Tag the lines with stable ids for tests and for anyone post-processing the figure.
    for line, gid in zip(ax.lines, gids + ("residual bound",)):
        line.set_gid(gid)
    below = curves.below_alpha
    if np.any(below):
        ax.fill_between(
            b, 0, 1, where=below, color="tab:red", alpha=0.08, lw=0,
            transform=ax.get_xaxis_transform(), label=r"TPM($\mathcal{A}$) $<\alpha$",
        )
    if beta_mark is not None:
        ax.axvline(beta_mark, color="black", lw=0.8, alpha=0.6)
        ax.annotate(
            rf"$\beta$ = {beta_mark:.3g}", (beta_mark, 1.0), xycoords=("data", "axes fraction"),
            xytext=(4, -14), textcoords="offset points", fontsize=9,
        )
    ax.set_xscale("log")
    ax.set_xlim(b[0], b[-1])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(r"$\beta$ (KL coefficient, log scale)")
    ax.set_ylabel("total probability mass")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=8.5, frameon=False)
    if title:
        fig.suptitle(title, fontsize=11)
    if subtitle:
        ax.set_title(subtitle, fontsize=8.5, color="0.3")
    return fig


def _fmt(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"


def instance_figure(inst, title: str = "", betas=None):
    """``(figure, curves)`` for a :class:`dpo_mixture.cli._instance.Instance`."""
    a = inst.arrays()
    if betas is None:
        betas = beta_grid(a["r"], a["beta"])
    curves = tpm_curves(a["p_A"], a["p_U"], a["alpha"], a["r"], betas)
    subtitle = f"r = {_fmt(inst.r)},  p_A = {_fmt(inst.p_A)},  p_U = {_fmt(inst.p_U)}"
    if len(subtitle) > 110:
        subtitle = f"support of {inst.n} outputs,  alpha = {inst.alpha}"
    fig = tpm_figure(curves, beta_mark=a["beta"], title=title, subtitle=subtitle)
    return fig, curves


def _counterexample(report):
    """The first refuted step whose counterexample is a whole instance; seed steps first."""
    from .cli import UsageError
    from .cli._instance import KEYS, from_mapping
    from .proof import Verdict

    results = [r for r in report.all_results if r.outcome.verdict is Verdict.REFUTED and r.outcome.counterexample]
    results.sort(key=lambda r: not r.step.id.startswith("seed-"))  # stable: seed steps first
    for result in results:
        data = result.outcome.counterexample.to_json()
        if all(key in data for key in KEYS):
            try:
                return result, from_mapping({key: data[key] for key in KEYS}, result.step.id)
            except UsageError:  # not a valid instance of the mixture model: look further
                continue
    return None, None


def _intervals(curves: Curves) -> str:
    b = curves.beta[curves.below_alpha]
    return f"{b.min():.3g} to {b.max():.3g}" if b.size else ""


def document_figures(staging: Path, report) -> list:
    """Write the document's figure into ``staging``; return its :class:`~dpo_mixture.render.Figure`.

    The instance is the counterexample the engine found for the first refuted step (the seed's
    steps first); without one, the built-in example instance of ``dpo-mixture plot``.
    Without matplotlib there is no figure: the list is empty and ``build`` goes on.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return []
    from .cli._instance import EXAMPLE
    from .render import Figure

    result, inst = _counterexample(report)
    if inst is None:
        fig, curves = instance_figure(EXAMPLE, title=r"Total masses against $\beta$ (example instance)")
        caption = (
            "Total probability mass of each component against $\\beta$ for a small example instance "
            f"($\\alpha = {EXAMPLE.alpha}$). The dotted curve is the floor "
            f"${_BOUND_TEX}$ under the unaligned mass."
        )
    else:
        fig, curves = instance_figure(inst, title=rf"Total masses against $\beta$: counterexample to step {result.step.id}")
        span = _intervals(curves)
        dip = (
            f" The aligned mass falls below $\\alpha$ for $\\beta$ from {span} on the plotted grid."
            if span else " On the plotted grid the aligned mass stays at or above $\\alpha$."
        )
        caption = (
            f"Total probability mass of each component against $\\beta$ for the counterexample that the "
            f"search found for step `{result.step.id}` ($\\alpha = {inst.alpha}$, support of {inst.n} outputs; "
            f"the vertical line marks its $\\beta = {inst.beta}$).{dip} The dotted curve is the floor "
            f"${_BOUND_TEX}$ under the unaligned mass."
        )
    staging = Path(staging)
    fig.savefig(staging / FIGURE_NAME, format="png")
    return [Figure(FIGURE_NAME, caption)]

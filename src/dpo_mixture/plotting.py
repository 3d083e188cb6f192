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
import sympy as sp

from . import model

__all__ = ["Curves", "beta_grid", "tpm_curves", "tpm_figure", "instance_figure", "crossings", "document_figures", "FIGURE_NAME"]

#: File name of the document's figure, relative to the output directory.
FIGURE_NAME = "tpm_vs_beta.png"


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
        label=r"residual bound under TPM($\mathcal{U}$)",
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
    if beta_mark is not None and b[0] <= beta_mark <= b[-1]:  # a mark off the axis would only push the layout
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
    # Computer Modern maths, as in the paper; its fonts ship with matplotlib and are found by path,
    # whereas the default font set looks "cal" up by a bare name that a folder in the working
    # directory can shadow
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_math_fontfamily("cm")
    return fig


def _mathtext(name: str, values) -> str:
    """``r = (6, 10, -1)`` as matplotlib mathtext, in the documents' notation."""
    shown = ", ".join(str(v) for v in values)
    return f"${name} = ({shown})$"


def instance_figure(inst, title: str = "", betas=None):
    """``(figure, curves)`` for a :class:`dpo_mixture.cli._instance.Instance`."""
    a = inst.arrays()
    if betas is None:
        betas = beta_grid(a["r"], a["beta"])
    curves = tpm_curves(a["p_A"], a["p_U"], a["alpha"], a["r"], betas)
    subtitle = ",  ".join(
        _mathtext(name, getattr(inst, key)) for key, name in (("r", "r"), ("p_A", r"p_{\mathcal{A}}"), ("p_U", r"p_{\mathcal{U}}"))
    )
    if len(subtitle) > 160:
        subtitle = f"support of {inst.n} outputs,  $\\alpha = {inst.alpha}$"
    fig = tpm_figure(curves, beta_mark=a["beta"], title=title, subtitle=subtitle)
    return fig, curves


def crossings(p_A, p_U, alpha: float, r, curves: Curves, rtol: float = 1e-12) -> list[float]:
    """The values of beta on the plotted range where ``TPM(A) - alpha`` changes sign, each
    located by bisection between the two grid points that bracket it.

    >>> c = tpm_curves([1, 0], [0, 1], 0.5, [0.0, 1.0], beta_grid([0.0, 1.0]))
    >>> crossings([1, 0], [0, 1], 0.5, [0.0, 1.0], c)
    []
    """
    from . import numeric

    p_A, p_U, r = (np.asarray(v, dtype=np.float64) for v in (p_A, p_U, r))

    def gap(b: float) -> float:
        return float(numeric.tpm(p_A, p_U, alpha, r, b)[0]) - alpha

    out = []
    below = curves.below_alpha
    for i in np.nonzero(below[1:] != below[:-1])[0]:
        lo, hi = float(curves.beta[i]), float(curves.beta[i + 1])
        g_lo = gap(lo)
        while hi - lo > rtol * hi:
            mid = 0.5 * (lo + hi)
            if (gap(mid) < 0) == (g_lo < 0):
                lo = mid
            else:
                hi = mid
        out.append(0.5 * (lo + hi))
    return out


def _caption(inst, curves: Curves, crossing: list[float], table_ref):
    """The caption as prose; every number is printed from a SymPy number."""
    from .render.prose import approx, prose

    from .notation import TPM_A as tpm_a, TPM_U as tpm_u, alpha, beta

    star = sp.Symbol("beta^*")
    below = curves.below_alpha
    if not below.any():
        band = prose(" On the plotted range ", sp.Ge(tpm_a, alpha, evaluate=False), " throughout.")
    elif len(crossing) == 1 and below[0] and not below[-1]:
        band = prose(
            " The shaded band is where ", sp.Lt(tpm_a, alpha, evaluate=False), ": every plotted ",
            sp.Lt(beta, star, evaluate=False), ", where ", approx(star, crossing[0]),
            " is the crossing, the root of ", sp.Eq(tpm_a, alpha, evaluate=False), " on this range.",
        )
    else:
        points = [approx(beta, b) for b in crossing]
        band = prose(" The shaded parts are where ", sp.Lt(tpm_a, alpha, evaluate=False), " on the plotted grid")
        if points:
            band += prose("; the curves cross at ", *[x for i, p in enumerate(points) for x in ((", " if i else ""), p)])
        band += prose(".")
    return prose(
        "Total probability mass of each component against ", beta, " (log scale) for the instance of ", table_ref,
        ". Solid curves: ", tpm_a, " and ", tpm_u, "; dashed lines: ", alpha, " and ", 1 - alpha,
        "; dotted curve: the floor ", model.residual_bound(), " under ", tpm_u, "; vertical line: the instance's ",
        sp.Eq(beta, inst.beta, evaluate=False), ".", band,
    )


def document_figures(staging: Path, report) -> list:
    """Write the figure of every worked example into ``staging``; return their ``FigureFile``s.

    A worked example (a derivation the report marks with ``extras["example_of"]`` and whose
    paper entry asks for a figure) is drawn when its instance is one of the mixture model:
    the total masses of that instance against beta.  The first is written as
    :data:`FIGURE_NAME`, further ones with the example's id appended.  Without matplotlib
    there are no figures: the list is empty and ``build`` goes on.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return []
    from .cli import UsageError
    from .cli._instance import KEYS, from_mapping
    from .render import FigureFile, Ref

    out = []
    for d in report.derivations:
        if "example_of" not in d.extras or not d.extras.get("figure", True):
            continue
        values = {str(k): v for k, v in d.extras["instance"].items()}
        try:
            inst = from_mapping({key: _as_json(values[key]) for key in KEYS}, d.id)
        except (KeyError, UsageError):
            continue  # not an instance of the mixture model: nothing to draw
        fig, curves = instance_figure(inst, title=r"Total masses against $\beta$")
        a = inst.arrays()
        crossing = crossings(a["p_A"], a["p_U"], a["alpha"], a["r"], curves)
        name = FIGURE_NAME if not out else f"{Path(FIGURE_NAME).stem}-{d.id}.png"
        fig.savefig(Path(staging) / name, format="png", metadata={"Software": None})
        out.append(FigureFile(d.id, name, _caption(inst, curves, crossing, Ref(f"tab-{d.id}"))))
    return out


def _as_json(value):
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)

"""``dpo-mixture plot``, the figure's data, and the figure that ``build`` embeds (matplotlib)."""

from __future__ import annotations

import builtins
import json
import struct
from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp

from _need import need
from dpo_mixture import numeric
from dpo_mixture.cli import main
from dpo_mixture.cli._instance import EXAMPLE, from_mapping
from dpo_mixture.proof import Verdict
from dpo_mixture.proof.verdict import Counterexample

try:
    import matplotlib  # noqa: F401

    HAVE_MPL = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_MPL = False

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: An instance on which the seed's hypotheses hold (uniform covariance of r with p_A
#: positive, with p_U negative) and yet TPM(A) < alpha for small beta.
COUNTER = {"alpha": "1/2", "beta": "1/4", "r": ["0", "1", "2"], "p_A": ["0", "9/10", "1/10"], "p_U": ["1/2", "3/10", "1/5"]}


@pytest.fixture
def mpl():
    need(HAVE_MPL, "matplotlib is not installed: pip install 'dpo-mixture[plot]'")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert data.rstrip(b"\x00")[-8:-4] == b"IEND"
    return width, height


def _cov_unif(f, g):
    f, g = (np.array([float(sp.sympify(v)) for v in x]) for x in (f, g))
    return float(np.mean(f * g) - np.mean(f) * np.mean(g))


def test_counter_instance_meets_the_seed_hypotheses():
    assert _cov_unif(COUNTER["r"], COUNTER["p_A"]) > 0 > _cov_unif(COUNTER["r"], COUNTER["p_U"])


def test_cli_writes_a_png(mpl, tmp_path, capsys):
    out = tmp_path / "fig.png"
    assert main(["plot", "-o", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == str(out)
    data = out.read_bytes()
    width, height = png_size(data)
    assert 600 <= width <= 2000 and 400 <= height <= 1500
    assert 10_000 < len(data) < 1_000_000
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_cli_plots_an_input_file(mpl, tmp_path, capsys):
    src = tmp_path / "ce.json"
    src.write_text(json.dumps(COUNTER))
    out = tmp_path / "ce.png"
    assert main(["plot", "--input", str(src), "-o", str(out), "--beta-min", "0.01", "--beta-max", "100"]) == 0
    printed = capsys.readouterr().out
    assert "TPM(A) < alpha = 0.5 for beta in [0.01," in printed
    png_size(out.read_bytes())


def test_counterexample_curve_dips_below_alpha(mpl):
    from dpo_mixture.plotting import instance_figure

    inst = from_mapping(COUNTER, "COUNTER")
    fig, curves = instance_figure(inst)
    lines = {line.get_gid(): line for line in fig.axes[0].lines}
    assert {"TPM(A)", "TPM(U)", "alpha", "residual bound"} <= set(lines)
    beta, tpm_A = (np.asarray(v) for v in lines["TPM(A)"].get_data())
    alpha = float(np.asarray(lines["alpha"].get_ydata())[0])
    assert alpha == 0.5 and fig.axes[0].get_xscale() == "log"
    assert np.any(tpm_A < alpha) and np.any(tpm_A > alpha)  # below for small beta, above for large
    # The drawn data are the numeric functions' values.
    a = inst.arrays()
    want_A, want_U = numeric.tpm(a["p_A"], a["p_U"], a["alpha"], a["r"], beta)
    np.testing.assert_array_equal(tpm_A, want_A)
    np.testing.assert_array_equal(lines["TPM(U)"].get_ydata(), want_U)
    np.testing.assert_array_equal(lines["residual bound"].get_ydata(), numeric.residual_mass_bound(a["alpha"], a["r"], beta))
    assert np.all(np.asarray(lines["TPM(U)"].get_ydata()) >= np.asarray(lines["residual bound"].get_ydata()))
    assert np.array_equal(curves.tpm_A, tpm_A)


def test_axis_labels_title_and_legend(mpl):
    from dpo_mixture.plotting import instance_figure

    fig, _ = instance_figure(EXAMPLE, title="t")
    ax = fig.axes[0]
    assert "beta" in ax.get_xlabel() and ax.get_ylabel() and fig._suptitle.get_text() == "t"
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any("TPM" in label for label in labels) and any("residual" in label for label in labels)


def _fake_report(counterexample, step_id="seed-theorem-2", verdict=Verdict.REFUTED):
    result = SimpleNamespace(
        step=SimpleNamespace(id=step_id),
        outcome=SimpleNamespace(verdict=verdict, counterexample=counterexample),
    )
    return SimpleNamespace(all_results=[result], derivations=[])


def _example_report(instance: dict):
    """A report holding one worked example built on ``instance`` (keyed by SymPy objects)."""
    example = SimpleNamespace(id="example", extras={"example_of": "seed-theorem2", "instance": instance, "figure": True})
    other = SimpleNamespace(id="other", extras={})
    return SimpleNamespace(all_results=[], derivations=[other, example])


def _instance(data: dict) -> dict:
    from dpo_mixture import notation as N

    out = {N.n: len(data["r"])}
    for key, sym in (("alpha", N.alpha), ("beta", N.beta)):
        out[sym] = sp.sympify(data[key])
    for key, base in (("r", N.r), ("p_A", N.p_A), ("p_U", N.p_U)):
        out[base] = [sp.sympify(v) for v in data[key]]
    return out


def test_document_figure_draws_the_worked_example(mpl, tmp_path):
    from dpo_mixture.plotting import FIGURE_NAME, crossings, document_figures, instance_figure
    from dpo_mixture.render import Ref
    from dpo_mixture.render.prose import Approx

    (figure,) = document_figures(tmp_path, _example_report(_instance(COUNTER)))
    assert figure.path == FIGURE_NAME and figure.derivation == "example"
    png_size((tmp_path / FIGURE_NAME).read_bytes())
    parts = figure.caption.parts
    assert Ref("tab-example") in parts
    (approx,) = [p for p in parts if isinstance(p, Approx)]  # the crossing, located numerically
    inst = from_mapping(COUNTER, "test")
    _, curves = instance_figure(inst)
    a = inst.arrays()
    (beta_star,) = crossings(a["p_A"], a["p_U"], a["alpha"], a["r"], curves)
    assert float(approx.args[1]) == pytest.approx(beta_star, rel=1e-3)
    # below the crossing TPM(A) < alpha, above it TPM(A) > alpha
    tpm_A, _ = numeric.tpm(a["p_A"], a["p_U"], a["alpha"], a["r"], np.array([beta_star * 0.99, beta_star * 1.01]))
    assert tpm_A[0] < a["alpha"] < tpm_A[1]


def test_document_figures_skip_instances_outside_the_mixture_model(mpl, tmp_path):
    from dpo_mixture import notation as N
    from dpo_mixture.plotting import document_figures

    assert document_figures(tmp_path, _example_report({N.n: 2, N.beta: sp.Integer(1), N.r: [0, 1]})) == []
    assert document_figures(tmp_path, _fake_report(None, verdict=Verdict.PROVED)) == []
    assert list(tmp_path.iterdir()) == []


def test_build_embeds_the_figure(mpl, tmp_path):
    out = tmp_path / "out"
    code = main(["build", "--out", str(out)])
    assert code in (0, 1)  # 1 only if some verdict differs; the figure is written either way
    png_size((out / "tpm_vs_beta.png").read_bytes())
    tex = (out / "dpo_mixture.tex").read_text()
    md = (out / "dpo_mixture.md").read_text()
    assert "\\includegraphics" in tex and "{tpm_vs_beta.png}" in tex
    assert "](tpm_vs_beta.png)" in md


def test_plot_without_matplotlib_exits_2(monkeypatch, tmp_path, capsys):
    hide_matplotlib(monkeypatch)
    out = tmp_path / "x.png"
    code = main(["plot", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err == "error: matplotlib is not installed: pip install 'dpo-mixture[plot]'\n"
    assert not out.exists()


def hide_matplotlib(monkeypatch) -> None:
    """Make ``import matplotlib`` fail, as if the plot extra were not installed."""
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)


def test_document_figures_without_matplotlib_is_empty(monkeypatch, tmp_path):
    from dpo_mixture.plotting import document_figures

    hide_matplotlib(monkeypatch)
    assert document_figures(tmp_path, _fake_report(None, verdict=Verdict.PROVED)) == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv,name",
    [
        (["-o", "fig.pdf"], "--output"),
        (["-o", "/nonexistent/dir/fig.png"], "--output"),
        (["--beta-min", "0"], "--beta-min"),
        (["--beta-min", "10", "--beta-max", "1"], "--beta-max"),
        (["--alpha", "2"], "missing"),
        (["--input", "/nonexistent.json"], "--input"),
    ],
)
def test_plot_bad_input_exits_2(argv, name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["plot", *argv])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and name in err, err


def test_plot_help_shows_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["plot", "--help"])
    assert "examples:\n  dpo-mixture plot" in capsys.readouterr().out

"""``dpo-mixture eval``: table and JSON output, cross-checked against the model; bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import mpmath
import pytest
import sympy as sp

from dpo_mixture.cli import main
from test_properties import symbolic_outputs

FLAGS = ["--alpha", "1/2", "--beta", "1/4", "--r", "0,1,2", "--p-A", "1/20,17/20,1/10", "--p-U", "1/2,3/10,1/5"]
INSTANCE = {
    "alpha": sp.Rational(1, 2), "beta": sp.Rational(1, 4), "r": (0, 1, 2),
    "p_A": (sp.Rational(1, 20), sp.Rational(17, 20), sp.Rational(1, 10)),
    "p_U": (sp.Rational(1, 2), sp.Rational(3, 10), sp.Rational(1, 5)),
}
SCHEMA = {"alpha": "1/2", "beta": "1/4", "r": ["0", "1", "2"], "p_A": ["1/20", "17/20", "1/10"], "p_U": ["1/2", "3/10", "1/5"]}


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_matches_model(values: dict, inst: dict) -> None:
    ref = symbolic_outputs({**inst, "r": tuple(sp.sympify(v) for v in inst["r"])})
    for key in ("tpm_A", "tpm_U", "log_Z", "kl", "residual_bound"):
        assert abs(mpmath.mpf(values[key]) - ref[key]) <= 1e-13 + 1e-12 * abs(ref[key]), key
    for key in ("alpha_A", "alpha_U", "p_theta"):
        assert len(values[key]) == len(inst["r"])
        for got, want in zip(values[key], ref[key]):
            assert abs(mpmath.mpf(got) - want) <= 1e-12 * abs(want) + 1e-300, key


def test_json_output_matches_the_model(capsys):
    code, out, err = run(["eval", *FLAGS, "--json"], capsys)
    assert code == 0 and err == ""
    values = json.loads(out)
    assert values["instance"] == SCHEMA
    assert_matches_model(values, INSTANCE)
    assert values["tpm_A"] < 0.5  # this instance puts TPM(A) below alpha at beta = 1/4
    assert values["tpm_U"] >= values["residual_bound"]


def test_input_file_gives_the_same_values(tmp_path, capsys):
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(SCHEMA))
    _, from_flags, _ = run(["eval", *FLAGS, "--json"], capsys)
    code, from_file, err = run(["eval", "--input", str(path), "--json"], capsys)
    assert code == 0 and err == ""
    assert json.loads(from_file) == json.loads(from_flags)


def test_table_output(capsys):
    code, out, err = run(["eval", *FLAGS], capsys)
    assert code == 0 and err == ""
    values = json.loads(run(["eval", *FLAGS, "--json"], capsys)[1])
    lines = out.splitlines()
    assert lines[0] == "instance: n = 3, alpha = 1/2, beta = 1/4"
    for key in ("tpm_A", "tpm_U", "log_Z", "kl", "residual_bound"):
        (line,) = [row for row in lines if row.split()[:1] == [key]]
        assert float(line.split()[1]) == pytest.approx(values[key], rel=1e-15)
    assert any(row.split()[:4] == ["y", "r", "p_A", "p_U"] for row in lines)
    assert any(row.split()[:4] == ["3", "2", "1/10", "1/5"] for row in lines)
    assert "TPM(A) is below alpha" in out


def test_equal_components_leave_the_mass_at_alpha(capsys):
    """p_A = p_U: TPM(A) is alpha exactly; the summary says so without a gap of 0."""
    code, out, _ = run(["eval", *_flags(p_A="1/3,1/3,1/3", p_U="1/3,1/3,1/3")], capsys)
    assert code == 0
    assert out.splitlines()[-1].startswith("TPM(A) is equal to alpha (in float64);"), out
    assert "by 0" not in out


def test_irrational_and_negative_values(capsys):
    argv = ["eval", "--alpha", "0.3", "--beta", "exp(1)", "--r=-1,log(2),sqrt(2)", "--p-A", "0,0.5,0.5", "--p-U", "1/3,1/3,1/3", "--json"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    values = json.loads(out)
    inst = {
        "alpha": sp.Rational(3, 10), "beta": sp.E, "r": (-1, sp.log(2), sp.sqrt(2)),
        "p_A": (0, sp.Rational(1, 2), sp.Rational(1, 2)), "p_U": (sp.Rational(1, 3),) * 3,
    }
    assert_matches_model(values, inst)


def test_one_output_support(capsys):
    code, out, _ = run(["eval", "--alpha", "1/4", "--beta", "2", "--r", "5", "--p-A", "1", "--p-U", "1", "--json"], capsys)
    values = json.loads(out)
    assert code == 0
    assert values["tpm_A"] == pytest.approx(0.25, rel=1e-15) and values["kl"] == pytest.approx(0.0, abs=1e-15)


def _flags(**change):
    out = list(FLAGS)
    for flag, value in change.items():
        out[out.index("--" + flag.replace("_", "-"))+ 1] = value
    return out


BAD_FLAGS = [
    (_flags(alpha="1"), "--alpha"),
    (_flags(alpha="0"), "--alpha"),
    (_flags(alpha="-1/2"), "--alpha"),
    (_flags(beta="0"), "--beta"),
    (_flags(beta="-1/4"), "--beta"),
    (_flags(beta="abc"), "--beta"),
    (_flags(r="0,1"), "--p-A"),
    (_flags(p_U="1/2,1/2"), "--p-U"),
    (_flags(p_A="-1/10,1,1/10"), "--p-A"),
    (_flags(p_A="1/3,1/3,1/2"), "--p-A"),
    (_flags(p_U="0.5,0.5,0.1"), "--p-U"),
    (_flags(r="0,,2"), "--r"),
    (_flags(r="0,1,x"), "--r"),
    (_flags(r="0,1,2**9"), "--r"),
    (_flags(r="0,1,exp(exp(9))"), "--r"),
    (_flags(r="0,1,1/0"), "--r"),
    (_flags(r="0,1,log(0)"), "--r"),
    (_flags(p_A="1/2,1/2,0", p_U="1/2,1/2,0"), "--p-A"),  # output 3 off the support
    (_flags(beta="1e-400"), "--beta"),  # rounds to 0 in float64
    (_flags(alpha="0.99999999999999999999"), "--alpha"),  # rounds to 1 in float64
    (_flags(r="0,1e400,2"), "--r"),  # beyond the largest double
    (FLAGS[:4], "--r"),
    (FLAGS + ["--input", "x.json"], "--input"),
]


@pytest.mark.parametrize("argv,names", BAD_FLAGS, ids=[f"{i}-{n}" for i, (_, n) in enumerate(BAD_FLAGS)])
def test_bad_flags_exit_2_with_one_line(argv, names, capsys):
    code, out, err = run(["eval", *argv], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and names in err, err
    assert "Traceback" not in err


BAD_FILES = [
    ("missing", None, "no such file"),
    ("not json", "{alpha: 1/2", "invalid JSON"),
    ("a list", "[1, 2]", "expected a JSON object"),
    ("missing key", json.dumps({k: v for k, v in SCHEMA.items() if k != "p_U"}), "missing key p_U"),
    ("lengths", json.dumps({**SCHEMA, "p_A": ["1/2", "1/2"]}), "p_A: has 2 entries"),
    ("negative", json.dumps({**SCHEMA, "p_U": ["-1/2", "1", "1/2"]}), "p_U: probabilities must be nonnegative"),
    ("sum", json.dumps({**SCHEMA, "p_U": ["1/2", "1/2", "1/2"]}), "p_U: probabilities must sum to 1"),
    ("alpha", json.dumps({**SCHEMA, "alpha": "3/2"}), "alpha: must lie strictly between 0 and 1"),
    ("beta", json.dumps({**SCHEMA, "beta": 0}), "beta: must be > 0"),
    ("number", json.dumps({**SCHEMA, "r": ["0", "one", "2"]}), "r[1]: cannot read 'one'"),
    ("type", json.dumps({**SCHEMA, "r": ["0", None, "2"]}), "r[1]: expected a number"),
    ("bool", json.dumps({**SCHEMA, "alpha": True}), "alpha: expected a number"),
    ("empty r", json.dumps({**SCHEMA, "r": []}), "r: expected a nonempty list"),
]


@pytest.mark.parametrize("case,text,message", BAD_FILES, ids=[c for c, _, _ in BAD_FILES])
def test_bad_input_files_exit_2_with_one_line(case, text, message, tmp_path, capsys):
    path = tmp_path / "instance.json"
    if text is not None:
        path.write_text(text)
    code, out, err = run(["eval", "--input", str(path)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"--input {path}" in err and message in err, err


def test_directory_as_input(tmp_path, capsys):
    code, _, err = run(["eval", "--input", str(tmp_path)], capsys)
    assert code == 2 and err.count("\n") == 1 and "--input" in err


def test_subprocess_error_has_no_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe not text")
    done = subprocess.run(
        [sys.executable, "-m", "dpo_mixture", "eval", "--input", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr and "--input" in done.stderr


def test_help_shows_an_example(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert "examples:\n  dpo-mixture eval --alpha 1/2" in out

"""``dpo-mixture claim``: readable and JSON output, exit codes 0/1/3/2, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dpo_mixture.cli import main


def run(capsys, *argv):
    code = main(["claim", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_proved(capsys):
    code, out, err = run(capsys, "TPM_A + TPM_U == 1")
    assert code == 0
    assert "verdict:   proved" in out and err == ""


def test_refuted_shows_the_instance(capsys):
    code, out, _ = run(capsys, "TPM_A >= alpha", "--assume", "Cov_unif(r, p_A) > 0", "--assume", "Cov_unif(r, p_U) < 0")
    assert code == 1
    assert "verdict:   refuted" in out and "counterexample (n = " in out
    for name in ("alpha", "beta", "p_A", "p_U", "r"):
        assert f"  {name}" in out
    assert "Cov_unif(r, p_A) > 0:" in out  # the hypotheses' sides at the instance


def test_undecided(capsys):
    code, out, _ = run(capsys, "TPM_U >= (1-alpha)*exp(-(max(r)-min(r))/beta)", "--samples", "20", "--seed", "4")
    assert code == 3
    assert "verdict:   undecided" in out and "instances: 20" in out


def test_json(capsys):
    code, out, _ = run(capsys, "--json", "p_theta <= p_ref")
    data = json.loads(out)
    assert code == 1 and set(data) == {"verdict", "method", "samples", "counterexample"}
    assert data["verdict"] == "refuted" and isinstance(data["counterexample"]["r"], list)
    code, out, _ = run(capsys, "TPM_A + TPM_U == 1", "--json")
    assert code == 0 and json.loads(out)["counterexample"] is None


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["alpha < x"], "in CONCLUSION: unknown name 'x' at column 9"),
        (["alpha < 1", "--assume", "beta > 0", "--assume", "r.__class__ > 0"], "in --assume #2: attribute access '__class__' at column 3"),
        (["alpha < 1", "--samples", "-3"], "--samples"),
        (["alpha < 1", "--seed", "x"], "--seed"),
        ([], "CONCLUSION"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_help_lists_the_vocabulary(capsys):
    with pytest.raises(SystemExit) as info:
        main(["claim", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for word in ("alpha", "TPM_U", "p_theta", "alpha_U", "E(p, f)", "Cov_unif", "KL(p, q)", "Exit status"):
        assert word in out


def test_subprocess_exit_codes_and_no_traceback(tmp_path):
    target = tmp_path / "pwned"
    cases = [
        (["TPM_A + TPM_U == 1"], 0),
        (["TPM_A <= alpha"], 1),
        (["TPM_U >= (1-alpha)*exp(-(max(r)-min(r))/beta)", "--samples", "5"], 3),
        ([f"__import__('os').system('touch {target}')"], 2),
    ]
    for argv, expected in cases:
        proc = subprocess.run([sys.executable, "-m", "dpo_mixture", "claim", *argv], capture_output=True, text=True, timeout=120)
        assert proc.returncode == expected, (argv, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert not target.exists()
    assert proc.stderr.strip().count("\n") == 0 and "'__import__' at column 1" in proc.stderr


def test_progress_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code = main(["claim", "TPM_U >= (1-alpha)*exp(-(max(r)-min(r))/beta)", "--samples", "20"])
    err = capsys.readouterr().err
    assert code == 3 and "searching for a counterexample: 20/20" in err
    assert err.endswith("\r\033[K")  # the progress line is cleared before the answer

"""The API reference: pdoc builds it with warnings as errors, and a bad cross-reference fails it."""

import doctest
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import dpo_mixture
from _need import need

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docs" / "build_api.py"


def _has_pdoc() -> bool:
    return importlib.util.find_spec("pdoc") is not None


@pytest.fixture(scope="module")
def build_api():
    spec = importlib.util.spec_from_file_location("build_api", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_reference_builds_with_warnings_as_errors(tmp_path):
    need(_has_pdoc(), "pdoc is not installed (pip install '.[test]')")
    out = tmp_path / "api"
    done = subprocess.run([sys.executable, "-W", "error", str(SCRIPT), str(out)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "cross-references resolved" in done.stdout
    for page in ("dpo_mixture.html", "dpo_mixture/declare.html", "dpo_mixture/lemmas.html", "dpo_mixture/proof.html",
                 "dpo_mixture/claims.html", "dpo_mixture/render.html", "dpo_mixture/numeric.html",
                 "dpo_mixture/derivations/library.html", "index.html"):
        assert (out / page).is_file(), page
    top = (out / "dpo_mixture.html").read_text()
    # every curated name has its entry on the front page: an anchor, or a link to its module's page
    missing = [name for name in dpo_mixture.__all__
               if f'id="{name}"' not in top and f'href="dpo_mixture/{name}.html"' not in top]
    assert not missing


def test_a_reference_to_nothing_is_reported(build_api):
    assert build_api.check_references("Use :class:`Step` with :func:`decide`.", "dpo_mixture.proof") == []
    assert build_api.check_references("Use :class:`Stpe`.", "dpo_mixture.proof") == [":class:`Stpe`"]
    assert not build_api.resolves("~dpo_mixture.proof.Verdict.NOPE", "dpo_mixture")


def test_the_scripts_own_examples(build_api):
    result = doctest.testmod(build_api, verbose=False)
    assert result.attempted > 0 and result.failed == 0

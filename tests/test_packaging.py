"""Every subpackage of the source tree is declared, so a non-editable install carries it."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    src = ROOT / "src"
    on_disk = {
        ".".join(init.parent.relative_to(src).parts)
        for init in src.rglob("__init__.py")
    }
    assert on_disk - listed == set()
    assert "dpo_mixture.derivations" in listed
    assert config["tool"]["setuptools"]["package-dir"]["dpo_mixture.derivations"] == "derivations"

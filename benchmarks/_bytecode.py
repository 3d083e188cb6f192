"""Write the package's bytecode before timing fresh processes, as ``pip install`` does.

An editable install run under ``PYTHONDONTWRITEBYTECODE`` (as on the development machine)
would otherwise compile every module of the package from source at each start, about 0.15 s
that no installed copy pays; SymPy's own bytecode, written when it was installed, is used by
the ``import sympy`` baseline.
"""

from __future__ import annotations

import compileall
from pathlib import Path


def compile_package() -> None:
    import dpo_mixture
    import dpo_mixture.derivations

    root = Path(dpo_mixture.__file__).parent
    compileall.compile_dir(str(root), quiet=1)
    compileall.compile_dir(str(Path(dpo_mixture.derivations.__file__).parent), quiet=1)

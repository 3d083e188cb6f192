"""Source of a standalone module holding the numeric functions for one backend.

The module imports only its array library (no SymPy, no ``dpo_mixture``): it is the runtime
helpers of :data:`~.printing.RUNTIME` followed by the generated functions, each with a
docstring that shows the model formula it was printed from.  Nothing here writes files; the
``dpo-mixture export`` command does.

>>> source = module_source("numpy")
>>> "import sympy" in source, "def tpm(p_A, p_U, alpha, r, beta):" in source
(False, True)
"""

from __future__ import annotations

from .compile import generate_source
from .printing import BACKENDS, RUNTIME
from .specs import SPECS

__all__ = ["module_source"]

_HEADER = '''\
"""Numeric functions of dpo-mixture for {backend}, generated from its SymPy model.

Do not edit: regenerate with `dpo-mixture export --backend {backend} -o FILE.py`.
Leading axes are the batch and the last axis is the support; alpha and beta broadcast over
the batch.  These functions do not check their arguments.
"""

__all__ = [{names}]

'''


def module_source(backend: str) -> str:
    """The text of the standalone module for ``backend`` ('numpy', 'torch' or 'jax')."""
    if backend not in BACKENDS:
        raise ValueError(f"backend: unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    names = ", ".join(repr(name) for name in SPECS)
    parts = [_HEADER.format(backend=backend, names=names), RUNTIME[backend]]
    parts += [generate_source(name, backend) for name in SPECS]
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"

"""Numeric functions generated from the model's SymPy expressions.

The ten functions below evaluate the closed form, the mixture weights and masses, the bounds
and the DPO quantities on arrays of real model outputs.  Their code is printed from the
expressions of :mod:`dpo_mixture.model` after the rewrites of :mod:`.rewrite` (sums over the
support become reductions over the last axis, products of exponentials stay in log space),
once per backend, and cached.  NumPy arrays run on NumPy, torch tensors on torch (on their
device, with autograd), JAX arrays on JAX (``jax.jit`` included).  :func:`compile` runs the
same pipeline on an expression of your own.

>>> import numpy as np
>>> from dpo_mixture import numeric
>>> numeric.policy(np.array([0.25, 0.75]), np.array([0.0, 0.0]), 1.0)
array([0.25, 0.75])
"""

from . import functions as _functions
from .custom import Compiled, compile  # noqa: A004 - numeric.compile, for your own expressions
from .functions import *  # noqa: F403 - the ten public functions

__all__ = list(_functions.__all__) + ["compile", "Compiled"]

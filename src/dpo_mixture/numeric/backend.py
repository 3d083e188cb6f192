"""Pick the backend from the array types of the arguments, and convert arguments to it.

NumPy arrays (and Python numbers, lists) run on NumPy; a :class:`torch.Tensor` among the
arguments runs everything on torch, on that tensor's device; a JAX array (a tracer under
``jax.jit`` included) runs on JAX.  torch and JAX are imported only when the caller already
imported them, so NumPy users never pay for either.

>>> import numpy as np
>>> backend_of([np.zeros(3), 0.5]).name
'numpy'
"""

from __future__ import annotations

import sys

import numpy as np

__all__ = ["Backend", "backend_of"]


class Backend:
    """The few array operations that dispatch and validation need, for one library."""

    name = "numpy"

    def owns(self, x) -> bool:
        return isinstance(x, np.ndarray)

    def floating(self, arrays):
        dtypes = [np.asarray(a).dtype for a in arrays]
        return np.result_type(*dtypes, np.float32) if dtypes else np.dtype(np.float64)

    def convert(self, x, dtype, like=None):
        return np.asarray(x, dtype=dtype)

    def concrete(self, x) -> bool:
        """Whether values can be inspected (not a tracer)."""
        return True

    def to_numpy(self, x):
        return np.asarray(x)

    def shape(self, x) -> tuple[int, ...]:
        return tuple(x.shape)


class TorchBackend(Backend):
    name = "torch"

    def __init__(self):
        import torch

        self.torch = torch

    def owns(self, x) -> bool:
        return isinstance(x, self.torch.Tensor)

    def floating(self, arrays):
        tensors = [a for a in arrays if isinstance(a, self.torch.Tensor)]
        dtype = tensors[0].dtype
        for a in tensors[1:]:
            dtype = self.torch.promote_types(dtype, a.dtype)
        return dtype if dtype.is_floating_point else self.torch.get_default_dtype()

    def convert(self, x, dtype, like=None):
        device = like.device if like is not None else None
        if isinstance(x, self.torch.Tensor):
            return x.to(dtype=dtype, device=device)
        return self.torch.as_tensor(np.asarray(x), dtype=dtype, device=device)

    def to_numpy(self, x):
        return x.detach().cpu().numpy()


class JaxBackend(Backend):
    name = "jax"

    def __init__(self):
        import jax
        import jax.numpy as jnp

        self.jax, self.jnp = jax, jnp

    def owns(self, x) -> bool:
        return isinstance(x, self.jax.Array)

    def floating(self, arrays):
        dtype = self.jnp.result_type(*[a for a in arrays if self.owns(a)])
        return dtype if self.jnp.issubdtype(dtype, self.jnp.floating) else self.jnp.result_type(float)

    def convert(self, x, dtype, like=None):
        return self.jnp.asarray(x, dtype=dtype)

    def concrete(self, x) -> bool:
        return not isinstance(x, self.jax.core.Tracer)


def backend_of(args) -> Backend:
    """The backend for these arguments: torch if any is a tensor, else JAX, else NumPy."""
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        if any(isinstance(a, torch.Tensor) for a in args):
            return TorchBackend()
    if "jax" in sys.modules:
        jax = sys.modules["jax"]
        if any(isinstance(a, jax.Array) for a in args):
            return JaxBackend()
    return Backend()

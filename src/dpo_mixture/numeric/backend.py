"""Pick the backend from the array types of the arguments; the reductions the checks need.

NumPy arrays (and Python numbers, lists) run on NumPy; a :class:`torch.Tensor` among the
arguments runs everything on torch, on that tensor's device; a JAX array (a tracer under
``jax.jit`` included) runs on JAX.  torch and JAX are imported only when the caller already
imported them, so NumPy users never pay for either.

Each backend offers the few row reductions of :mod:`.validate`, computed on the array's own
device, and ``require``, which turns a failed check into an error without reading values back
while the check passes.

>>> import numpy as np
>>> backend_of([np.zeros(3), 0.5]).name
'numpy'
"""

from __future__ import annotations

import functools
import sys

import numpy as np

__all__ = ["Backend", "TorchBackend", "JaxBackend", "backend_of"]


@functools.lru_cache(maxsize=8)
def _ones(n: int, dtype) -> np.ndarray:
    ones = np.ones(n, dtype)
    ones.setflags(write=False)
    return ones


class Backend:
    """NumPy: reductions on the host; a failed check raises at once."""

    name = "numpy"

    def concrete(self, x) -> bool:
        """Whether values can be inspected (not a tracer)."""
        return True

    def dtype(self, x):
        return x.dtype

    def row_sum(self, x):
        if x.dtype.itemsize < 4:
            return np.sum(x, axis=-1, dtype=np.float32)
        return np.vecdot(x, _ones(x.shape[-1], x.dtype))  # a BLAS dot: twice a plain sum's speed

    def row_max(self, x):
        return np.max(x, axis=-1, keepdims=True)

    def row_min(self, x):
        return np.min(x, axis=-1, keepdims=True)

    def row_extremes(self, x):
        """Row minimum and maximum (keeping the axis)."""
        return self.row_min(x), self.row_max(x)

    def row_norm(self, x):
        """Euclidean norm of each row (keeping the axis) in one BLAS pass; ``None`` where the
        backend has no cheaper path than the extremes (or must not read a value back)."""
        if x.dtype.itemsize < 4:
            return None
        return np.sqrt(np.vecdot(x, x))[..., None]

    def row_logsumexp(self, x):
        m = self.row_max(x)
        m = np.where(np.isfinite(m), m, 0.0)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            return np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True)) + m

    def min(self, x):
        return x.min() if type(x) is np.ndarray else np.min(x)  # the method skips NumPy's dispatch

    def max(self, x):
        return x.max() if type(x) is np.ndarray else np.max(x)

    def all(self, x):
        return x.all() if type(x) is np.ndarray else np.all(x)

    def maximum(self, a, b):
        return np.maximum(a, b)

    def to_host(self, x):
        return np.asarray(x)

    def require(self, flag, message, promise: str) -> None:
        if not bool(flag):
            raise ValueError(message())

    def settle(self) -> None:
        """Raise for a check that :meth:`require` left pending (none here: it raises at once)."""


class TorchBackend(Backend):
    """torch: reductions on the tensor's device; an accelerator asserts without synchronising."""

    name = "torch"

    def row_norm(self, x):
        return None  # deciding on it would read a value back

    def __init__(self):
        import torch

        self.torch = torch

    def dtype(self, x):
        return x.dtype

    def row_sum(self, x):
        acc = x.dtype if x.element_size() >= 4 else self.torch.float32
        return self.torch.sum(x.detach(), dim=-1, dtype=acc)

    def row_max(self, x):
        return self.torch.amax(x.detach(), dim=-1, keepdim=True)

    def row_min(self, x):
        return self.torch.amin(x.detach(), dim=-1, keepdim=True)

    def row_logsumexp(self, x):
        x = x.detach()
        if x.element_size() < 4:
            x = x.float()
        return self.torch.logsumexp(x, dim=-1, keepdim=True)

    def min(self, x):
        return self.torch.amin(x.detach())

    def max(self, x):
        return self.torch.amax(x.detach())

    def all(self, x):
        return self.torch.all(x)

    def maximum(self, a, b):
        return self.torch.maximum(a, b)

    def to_host(self, x):
        if isinstance(x, self.torch.Tensor):
            x = x.detach()
            return (x.float() if x.element_size() < 4 else x).cpu().numpy()
        return np.asarray(x)

    def require(self, flag, message, promise: str) -> None:
        flag = self.torch.as_tensor(flag)
        if flag.device.type == "cpu":
            if not bool(flag):
                raise ValueError(message())
        else:  # no host synchronisation: the device raises at the next one
            self.torch._assert_async(flag, promise)


class JaxBackend(Backend):
    """JAX: reductions on the array's device; the flags of all arguments are read back as one
    boolean (one wait for the device), and only when it is false each flag in turn, to say
    which argument is wrong."""

    name = "jax"

    def row_norm(self, x):
        return None

    def __init__(self):
        import jax
        import jax.numpy as jnp

        self.jax, self.jnp = jax, jnp
        self._pending: list = []

    def require(self, flag, message, promise: str) -> None:
        self._pending.append((flag, message))

    def settle(self) -> None:
        pending, self._pending = self._pending, []
        if not pending or bool(self.jnp.all(self.jnp.stack([self.jnp.all(f) for f, _ in pending]))):
            return
        for flag, message in pending:  # in order: a bad beta is named before the rewards it divides
            if not bool(flag):
                raise ValueError(message())

    def concrete(self, x) -> bool:
        return not isinstance(x, self.jax.core.Tracer)

    def row_sum(self, x):
        acc = x.dtype if x.dtype.itemsize >= 4 else self.jnp.float32
        return self.jnp.sum(x, axis=-1, dtype=acc)

    def row_max(self, x):
        return self.jnp.max(x, axis=-1, keepdims=True)

    def row_min(self, x):
        return self.jnp.min(x, axis=-1, keepdims=True)

    def row_logsumexp(self, x):
        return self.jax.nn.logsumexp(x.astype(self.jnp.float32) if x.dtype.itemsize < 4 else x, axis=-1, keepdims=True)

    def min(self, x):
        return self.jnp.min(x)

    def max(self, x):
        return self.jnp.max(x)

    def all(self, x):
        return self.jnp.all(x)

    def maximum(self, a, b):
        return self.jnp.maximum(a, b)

    def to_host(self, x):
        return np.asarray(x, dtype=np.float64) if hasattr(x, "dtype") else np.asarray(x)


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

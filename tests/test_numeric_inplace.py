"""The in-place blocks: NumPy's on blocks of rows, and torch's, which runs where no gradient is
wanted.  torch's must give the same bits as the autograd block, never write into an argument,
and keep the large temporaries of ``log_policy``, ``tpm`` and ``kl_to_ref`` to two arrays."""

from __future__ import annotations

import weakref

import numpy as np
import pytest
import sympy as sp

from dpo_mixture import numeric
from dpo_mixture.numeric.inplace import FULL, ROW, InPlaceEmitter
from dpo_mixture.numeric.nodes import ReduceSum
from dpo_mixture.numeric.printing import printer
from dpo_mixture.numeric.specs import SPECS
from numeric_support import random_instance, require


def _as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


def _instances(name, rng):
    """Instances of ``name`` as torch tensors: full ones, per-row scalars given as Python
    numbers, and a distribution of shape (n,) shared by every row (a broadcast)."""
    torch = require("torch")
    full = {k: torch.tensor(v) for k, v in random_instance(name, rng).items()}
    yield full
    yield {k: float(v[0]) if v.ndim == 1 and v.shape[0] == 3 and k in ("alpha", "beta") else v for k, v in full.items()}
    yield {k: v[0] if v.ndim == 2 and k.startswith("p_") else v for k, v in full.items()}


@pytest.mark.parametrize("dtype", ["float64", "float32", "bfloat16"])
@pytest.mark.parametrize("name", sorted(SPECS))
def test_torch_in_place_block_gives_the_autograd_blocks_bits_and_leaves_the_arguments(name, dtype):
    """In every dtype: a Python number times a bfloat16 tensor in an out= call rounded the
    number to bfloat16 first (0.3 became 0.30078125), where the autograd block kept it."""
    torch = require("torch")
    f = getattr(numeric, name)
    for values in _instances(name, np.random.default_rng(len(name))):
        values = {k: v.to(getattr(torch, dtype)) if isinstance(v, torch.Tensor) else v for k, v in values.items()}
        before = {k: v.clone() if isinstance(v, torch.Tensor) else v for k, v in values.items()}
        with torch.no_grad():
            fast = _as_tuple(f(**values, validate=False))
        for k, v in values.items():
            if isinstance(v, torch.Tensor):
                assert torch.equal(v, before[k]), f"{name} wrote into its argument {k}"
        tracked = {k: v.clone().requires_grad_(True) if isinstance(v, torch.Tensor) else v for k, v in values.items()}
        slow = _as_tuple(f(**tracked, validate=False))
        assert all(s.requires_grad for s in slow)  # the autograd block ran
        for a, b in zip(fast, slow):
            assert a.shape == b.shape
            assert torch.equal(a, b.detach()), name


class _Storages:
    """Counts the bytes of the tensor storages that operations create, while they live."""

    def __init__(self, torch, known):
        from torch.utils._python_dispatch import TorchDispatchMode
        from torch.utils._pytree import tree_flatten

        counter = self
        self.live = self.peak = 0
        self.seen = {t.untyped_storage().data_ptr() for t in known}

        class Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                for t in tree_flatten(out)[0]:
                    if isinstance(t, torch.Tensor):
                        counter.add(t.untyped_storage())
                return out

        self.mode = Mode()

    def add(self, storage):
        key, size = storage.data_ptr(), storage.nbytes()
        if key in self.seen or size == 0:
            return
        self.seen.add(key)
        self.live += size
        self.peak = max(self.peak, self.live)
        weakref.finalize(storage, self.free, key, size)

    def free(self, key, size):
        self.seen.discard(key)
        self.live -= size


@pytest.mark.parametrize("name", ["log_policy", "tpm", "kl_to_ref"])
def test_torch_peak_memory_is_at_most_two_input_arrays(name):
    """Output included, with and without the checks; the autograd block of ``kl_to_ref`` needs
    four (the measure can tell them apart)."""
    torch = require("torch")
    rng = np.random.default_rng(0)
    values = {k: torch.tensor(v) for k, v in random_instance(name, rng, batch=16, size=4096).items()}
    if name == "log_policy":
        values["log_p_ref"] = values["log_p_ref"] - torch.logsumexp(values["log_p_ref"], -1, keepdim=True)
    one = values["r"].numel() * values["r"].element_size()
    f = getattr(numeric, name)
    for validate in (False, True):
        with torch.no_grad():
            count = _Storages(torch, [v for v in values.values() if isinstance(v, torch.Tensor)])
            with count.mode:
                out = f(**values, validate=validate)
            del out
        assert count.peak <= 2.01 * one, (name, validate, count.peak / one)
    if name == "kl_to_ref":
        tracked = {k: v.clone().requires_grad_(True) for k, v in values.items()}
        count = _Storages(torch, list(tracked.values()))
        with count.mode:
            out = f(**tracked, validate=False)
        del out
        assert count.peak >= 3.99 * one


def test_torch_emitter_reuses_a_buffer_only_at_its_last_single_read():
    """``x0`` is read twice in the last statement: no product may be written into it; ``x1``
    and ``x2`` are read once there, so each dot product writes into its own."""
    require("torch")
    r, p, q, x0, x1, x2 = sp.symbols("r p q _x0 _x1 _x2")
    statements = [(x0, sp.exp(r)), (x1, x0 * p), (x2, x0 * q)]
    result = ReduceSum(x0 * x1) + ReduceSum(x0 * x2)
    emitter = InPlaceEmitter(printer("torch"), {r: FULL, p: FULL, q: FULL}, "r", "torch")
    emitter.plan([e for _, e in statements] + [result])
    for sym, e in statements:
        emitter.assign(sym, e)
    emitter.result(result)
    text = "\n".join(emitter.lines)
    assert "_dot_into(_x1, _x0, _x1)" in text and "_dot_into(_x2, _x0, _x2)" in text
    assert "_dot_into(_x0" not in text and "out=_x0" not in text


def test_torch_emitter_keeps_python_numbers_out_of_out_calls():
    """``1 - p`` with a Python number first: torch.sub(1, p) would raise, so the block writes
    ``p - 1`` negated or an operator; ``c * p`` swaps its operands."""
    torch = require("torch")
    p, c = sp.symbols("p c")
    emitter = InPlaceEmitter(printer("torch"), {p: FULL, c: ROW}, "p", "torch")
    emitter.assign(sp.Symbol("_x0"), sp.exp(p) * c)
    code, cls, _ = emitter.value(1 - sp.exp(p))
    namespace = {"torch": torch, "p": torch.tensor([0.0, 1.0], dtype=torch.float64), "c": 2.0, "_pool": None,
                 "_scratch": lambda pool, key, like: torch.empty_like(like)}
    exec("\n".join(emitter.lines), namespace)  # noqa: S102 - the emitter's own lines
    assert torch.equal(namespace["_x0"], 2.0 * torch.exp(namespace["p"]))
    assert torch.equal(namespace[code], 1 - torch.exp(namespace["p"]))

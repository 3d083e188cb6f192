"""Source of the helpers that every generated function calls, one set per backend.

A generated function is a *block* (the printed expressions, written for arrays whose last axis
is the support) and a wrapper that hands the block to ``_rows``.  ``_rows`` converts the
arguments, applies the per-row rule to the scalars (a scalar, or one value per batch row of
shape ``(B,)`` or ``(B, 1)``), and runs the block, on NumPy over blocks of rows so that the
temporaries stay small and in cache.  The other helpers are the array nodes that have no
single library call: the support maximum of a reward (:class:`~.nodes.RowMax`), the capped
tilt, the guarded logarithms.

The text below is executed as it stands, both by :func:`~.codegen.compiled` and in the
standalone modules that ``dpo-mixture export`` writes; it imports nothing but the array library.

>>> "def _rows(" in RUNTIME["numpy"] and "import sympy" not in RUNTIME["numpy"]
True
"""

from __future__ import annotations

__all__ = ["RUNTIME", "COMMON"]

#: Pure-Python helpers shared by the three backends: the per-row rule for scalars.
COMMON = '''\
import math
import numbers


def _broadcast(names, shapes):
    """The broadcast of ``shapes``, or a ValueError naming the arguments."""
    out = ()
    for shape in shapes:
        shape = tuple(shape)
        if len(shape) > len(out):
            out, shape = shape, out
        lead = out[: len(out) - len(shape)]
        tail = []
        for a, b in zip(out[len(out) - len(shape):], shape):
            if a != b and 1 not in (a, b):
                listed = ", ".join(f"{n} {tuple(s)}" for n, s in zip(names, shapes))
                raise ValueError(f"shapes do not broadcast: {listed}")
            tail.append(b if a == 1 else a)
        out = lead + tuple(tail)
    return out


def _row_shape(name, shape, batch):
    """The shape of a per-row scalar: () for one value, else a prefix of the batch shape.

    Where the arrays have no batch axis (a single row), a 1-d scalar makes the rows: one per
    value (a sweep over beta, say).
    """
    shape = tuple(shape)
    if math.prod(shape) == 1 and len(shape) <= 2:  # (), (1,) or (1, 1): one value
        return ()
    for candidate in (shape, shape[:-1] if shape and shape[-1] == 1 else None):
        if candidate and (candidate == batch[: len(candidate)] or (not batch and len(candidate) == 1)):
            return candidate
    if not batch:
        raise ValueError(f"{name}: must be a scalar or one value per row, of shape (K,) or (K, 1); got shape {shape}")
    rows = batch[:1]
    raise ValueError(
        f"{name}: must be a scalar or one value per batch row, of shape {rows} or {rows + (1,)}; got shape {shape}"
    )


def _not_a_number(name, value):
    if isinstance(value, (str, bytes, bool)) or type(value).__name__ == "bool_":
        raise ValueError(f"{name}: must be a real number or an array of them, got {type(value).__name__} {value!r}")


def _arrange(names, args, values, kinds, support, scalar):
    """Check the broadcast of the arrays in ``values`` and align the per-row scalars.

    ``scalar(name, value)`` turns a non-number scalar argument into an array of the working
    dtype on the arrays' device; it is reshaped here so that it lines up with the batch axes.
    """
    arrays = [i for i, kind in enumerate(kinds) if kind == "a"]
    shape = _broadcast([names[i] for i in arrays], [tuple(values[i].shape) for i in arrays])
    if support and not shape:
        raise ValueError(f"{names[arrays[0]]}: needs a support axis (the last axis), got a scalar")
    if support and shape[-1] == 0:
        raise ValueError(f"{names[arrays[0]]}: the support (last axis) is empty, got shape {shape}")
    batch = shape[:-1] if support else shape
    for i, kind in enumerate(kinds):
        if kind != "s":
            continue
        _not_a_number(names[i], args[i])
        if isinstance(args[i], numbers.Real):
            values[i] = float(args[i])
            continue
        value = scalar(names[i], args[i])
        rows = _row_shape(names[i], tuple(value.shape), batch)
        if rows and not batch:  # a sweep: the scalar makes the batch axis
            shape, batch = rows + shape, rows
        values[i] = value.reshape(rows + (1,) * (len(shape) - len(rows)) if rows else ())
    return values, shape


def _two_sums(terms):
    """``(total, carry)``: the terms added one by one, and the sum of the rounding errors of
    those additions (Knuth's two-sum, exact in any rounding-to-nearest arithmetic)."""
    total, carry = terms[0], 0.0
    for term in terms[1:]:
        new = total + term
        part = new - total
        carry = carry + ((total - (new - part)) + (term - part))
        total = new
    return total, carry
'''

_NUMPY = '''\
import numpy

#: Bytes per block of rows and temporary: the temporaries of a block stay in cache.
_CHUNK_BYTES = 1 << 21


def _prepare(names, args, kinds, support):
    """Arrays in one floating dtype, per-row scalars aligned with the batch axes."""
    values = list(args)
    arrays = [i for i, kind in enumerate(kinds) if kind == "a"]
    for i in arrays:
        values[i] = numpy.asarray(args[i])
        if values[i].dtype.kind not in "biuf":
            raise ValueError(f"{names[i]}: must be an array of real numbers, got dtype {values[i].dtype}")
    dtype = numpy.result_type(*(values[i].dtype for i in arrays), numpy.float32)
    for i in arrays:
        values[i] = values[i].astype(dtype, copy=False)

    def scalar(name, value):
        value = numpy.asarray(value)
        if value.dtype.kind not in "iuf":
            raise ValueError(f"{name}: must be a real number or an array of them, got dtype {value.dtype}")
        return value.astype(dtype)

    values, shape = _arrange(names, args, values, kinds, support, scalar)
    for i in arrays:  # every array at the full shape (views): the block knows its shapes
        if values[i].shape != shape:
            values[i] = numpy.broadcast_to(values[i], shape)
    return values, shape


def _rows(block, names, args, kinds, support, per_row, check=None, outputs=0):
    """Run ``block`` on the prepared arguments, over blocks of rows when they are large.

    On blocks of rows, the temporaries of ``block`` come from one pool for the whole call and
    full-shape results are written straight into the outputs (``outputs``, their number, lets
    the first block write there too).  ``check(*values)``, when given, runs on each block
    first, while its rows are in cache, and returns whether they are valid; the call returns
    ``None`` as soon as a block is not.
    """
    values, shape = _prepare(names, args, kinds, support)
    dtype = next(values[i].dtype for i, kind in enumerate(kinds) if kind == "a")
    with numpy.errstate(all="ignore"):
        size = math.prod(shape)
        total = shape[0] if len(shape) >= 2 else 1
        chunk = _CHUNK_BYTES // dtype.itemsize
        step = max(1, chunk // max(1, size // max(1, total)))
        if len(shape) < 2 or size <= chunk or step >= total:
            if check is not None and not check(*values):
                return None
            return _cast(block(*values), dtype)
        full = shape[:-1] if support and per_row else shape
        split = [isinstance(v, numpy.ndarray) and v.ndim == len(shape) and v.shape[0] == total for v in values]
        outs = single = None
        if outputs and not per_row:
            outs, single = [numpy.empty(full, dtype=dtype) for _ in range(outputs)], outputs == 1
        pool = {}  # the block's temporaries, allocated once and reused on every block of rows
        for start in range(0, total, step):
            stop = min(start + step, total)
            part = [v[start:stop] if s else v for v, s in zip(values, split)]
            if check is not None and not check(*part):
                return None
            targets = None if outs is None or per_row else [o[start:stop] for o in outs]
            result = block(*part, _pool=pool, _out=targets)
            if outs is None:
                single = not isinstance(result, tuple)
                outs = [numpy.empty(full, dtype=dtype) for _ in ((result,) if single else result)]
            for i, (out, o) in enumerate(zip(outs, (result,) if single else result)):
                if targets is None or o is not targets[i]:  # not computed in place: copy
                    out[start:stop] = o
        return outs[0] if single else tuple(outs)


def _cast(result, dtype):
    """The outputs in the working dtype (a per-row value of Python numbers may have widened)."""
    if isinstance(result, tuple):
        return tuple(numpy.asarray(o, dtype=dtype) for o in result)
    return numpy.asarray(result, dtype=dtype)


def _target(out, index, like):
    """Where the full-shape output ``index`` is computed: the caller's slice, or a new array."""
    return out[index] if out is not None else numpy.empty(like.shape, like.dtype)


def _scratch(pool, key, like):
    """A buffer shaped like ``like`` for the temporary ``key``, reused across blocks of rows."""
    if pool is None:
        return numpy.empty(like.shape, like.dtype)
    buf = pool.get(key)
    if buf is None or buf.shape[1:] != like.shape[1:] or buf.shape[0] < like.shape[0] or buf.dtype != like.dtype:
        buf = pool[key] = numpy.empty(like.shape, like.dtype)
    return buf[: like.shape[0]] if like.ndim else buf


def _along(a, n):
    return isinstance(a, numpy.ndarray) and a.ndim > 0 and a.shape[-1] == n


def _support_max(r, mask, args):
    """Per-row maximum of ``r`` over the support (where ``mask(*args)``), and whether entries
    outside the support exceed it.  The row maximum is taken first; only rows whose largest
    reward lies outside the support pay for the masked maximum.  (The arrays come at their
    full shape from ``_prepare``.)"""
    j = numpy.argmax(r, axis=-1)[..., None]
    if r.ndim == 2:
        index = (numpy.arange(r.shape[0])[:, None], j)
        pick = lambda a: a[index]  # noqa: E731 - a gather, cheaper than take_along_axis
    else:
        pick = lambda a: numpy.take_along_axis(a, j, axis=-1)  # noqa: E731
    m = pick(r)
    if mask is None:
        return m, False
    n = r.shape[-1]
    ok = mask(*(pick(a) if _along(a, n) else a for a in args))
    if ok is True or (not isinstance(ok, bool) and ok.all()):
        return m, False
    inside = numpy.where(mask(*args), r, -numpy.inf)
    return numpy.where(ok, m, numpy.max(inside, axis=-1, keepdims=True)), True


def _tilt(x, clamp, out=None):
    """exp(x), x <= 0 on the support.  Outside it (when ``clamp``) x may be positive: it is
    capped at half the overflow threshold, so that a zero weight never meets an infinity."""
    if clamp:
        x = numpy.minimum(x, math.log(numpy.finfo(x.dtype).max) / 2, out=out)
    return numpy.exp(x, out=out)


def _into(out, value):
    """``value``, written into ``out`` when one is given."""
    if out is None:
        return value
    out[...] = value
    return out


def _dot(*factors):
    """Sum over the last axis of the product of ``factors``, keeping it (a BLAS dot product)."""
    a, b = factors[0], factors[1]
    for f in factors[2:]:
        b = b * f
    return numpy.vecdot(a, b)[..., None]


def _safe_log(x):
    """log with log(0) = -inf."""
    return numpy.log(x)


def _row_max(x):
    """Row maximum over the last axis, 0 where a row is all -inf (so x - m stays -inf)."""
    m = numpy.max(x, axis=-1, keepdims=True)
    return numpy.where(numpy.isfinite(m), m, 0.0)


_SMALLEST = {}


def _safe_sums(s, n):
    """Which row sums of exponentials neither overflowed nor lost terms to underflow."""
    smallest = _SMALLEST.get(s.dtype)
    if smallest is None:
        info = numpy.finfo(s.dtype)
        smallest = _SMALLEST[s.dtype] = float(info.tiny / info.eps)
    return (s < numpy.inf) & (s >= n * smallest)


def _logsumexp(x, work=None):
    """log(sum(exp(x), -1)).  With a separate ``work`` buffer (which receives the exponentials)
    the row maximum is subtracted only when the plain sum is unsafe; when ``work`` is ``x``
    itself it is subtracted first, since exponentials that underflowed cannot give ``x`` back."""
    if work is x:
        m = _row_max(x)
        numpy.subtract(x, m, out=x)
        return numpy.log(numpy.sum(numpy.exp(x, out=x), axis=-1, keepdims=True)) + m
    s = numpy.sum(numpy.exp(x, out=work), axis=-1, keepdims=True)
    safe = _safe_sums(s, x.shape[-1])
    if safe.all():
        return numpy.log(s)
    m = numpy.where(safe, 0.0, _row_max(x))  # only the unsafe rows shifted: a row's bits never depend on the others
    return numpy.log(numpy.sum(numpy.exp(x - m), axis=-1, keepdims=True)) + m


def _log_softmax(x, out=None, work=None):
    """x - logsumexp(x), with one shift shared by both terms.  The exponentials go to ``work``
    when it is given (``out`` may then be ``x`` itself: computed in place), else to ``out``
    (which must then not be ``x``).

    A large log-sum (every entry near -600, say) would carry its rounding, u |log s|, into
    every entry: it is split into a whole number ``k`` and the small ``log(s e^{-k})``, and
    the two are subtracted one after the other."""
    spare = out if work is None else work
    s = numpy.sum(numpy.exp(x, out=spare), axis=-1, keepdims=True)
    safe = _safe_sums(s, x.shape[-1])
    if not safe.all():  # those rows shifted by their maximum; the others keep every bit
        x = x - numpy.where(safe, 0.0, _row_max(x))
        s = numpy.sum(numpy.exp(x, out=spare), axis=-1, keepdims=True)
    c = numpy.log(s)
    k = numpy.where(numpy.abs(c) > 1, numpy.rint(c), 0.0)  # |log s| <= 1 rounds by u at most
    if not k.any():
        return numpy.subtract(x, c, out=out)
    half = numpy.exp(-k / 2)  # e^{-k} in two factors: neither is subnormal
    numpy.subtract(x, k, out=out)
    return numpy.subtract(out, numpy.log((s * half) * half), out=out)


def _softmax(x):
    """exp(x - logsumexp(x)), with one shift shared by both terms."""
    e = numpy.exp(x - _row_max(x))
    return e / numpy.sum(e, axis=-1, keepdims=True)


def _log_ratio(a, b, out=None):
    """a - b for log-probabilities, 0 where both are -inf."""
    return _into(out, numpy.where((a == -numpy.inf) & (b == -numpy.inf), 0.0, a - b))


def _xlogy(x, y, out=None):
    """x log y with 0 log y = 0."""
    return _into(out, numpy.where(x == 0, 0.0, x * numpy.log(y)))


def _exact_sum(*terms, out=None):
    """The sum of ``terms`` rounded once: each addition's rounding error (two-sum) is kept
    and added back at the end (where the sum is not finite, it is the sum itself)."""
    total, carry = _two_sums(terms)
    return _into(out, numpy.where(numpy.isfinite(total), total + carry, total))


def _weighted(w, x):
    """w x for a weight w >= 0: 0 where w is 0 (an x that overflowed, inf or inf * 0, is read
    there as the largest number or 0)."""
    zero = w == 0
    if not numpy.any(zero):  # the common case costs one comparison
        return w * x
    return w * numpy.where(zero, numpy.nan_to_num(x, nan=0.0), x)


def _at_least(x, bound):
    """x, raised to ``bound`` where rounding took it below."""
    return numpy.maximum(x, bound)


def _scaled_exp(c, y, out=None):
    """c exp(y) for c >= 0, with 0 (not NaN) where c = 0 and exp(y) overflows."""
    e = numpy.exp(y)
    return _into(out, numpy.where((c == 0) & (e == numpy.inf), 0.0, c * e))
'''

_TORCH = '''\
import torch


def _tensor(name, value, what):
    if isinstance(value, torch.Tensor):
        return value
    try:
        return torch.as_tensor(value)
    except (TypeError, ValueError, RuntimeError):
        raise ValueError(f"{name}: must be {what}, got {type(value).__name__}") from None


def _prepare(names, args, kinds, support):
    """Tensors on the device of the first tensor, in one floating dtype; scalars aligned."""
    values = list(args)
    arrays = [i for i, kind in enumerate(kinds) if kind == "a"]
    tensors = [args[i] for i in arrays if isinstance(args[i], torch.Tensor)]
    dtype = None
    for t in tensors:
        dtype = t.dtype if dtype is None else torch.promote_types(dtype, t.dtype)
    if dtype is None or not dtype.is_floating_point:
        dtype = torch.get_default_dtype()
    device = tensors[0].device if tensors else None
    for i in arrays:
        a = _tensor(names[i], args[i], "an array of real numbers")
        if a.is_complex():
            raise ValueError(f"{names[i]}: must be an array of real numbers, got dtype {a.dtype}")
        values[i] = a.to(dtype=dtype, device=device)

    def scalar(name, value):
        value = _tensor(name, value, "a real number or an array of them")
        if value.is_complex() or value.dtype == torch.bool:
            raise ValueError(f"{name}: must be a real number or an array of them, got dtype {value.dtype}")
        return value.to(dtype=dtype, device=device)

    return _arrange(names, args, values, kinds, support, scalar)


def _rows(block, names, args, kinds, support, per_row, in_place=None):
    """Run ``block`` on the prepared arguments (one call: torch fuses within its kernels).
    float16 and bfloat16 are computed in float32 and the results given back in their dtype:
    float16's exponent range ends at 6e-5, where a weighted tilt at the largest reward would
    underflow, and bfloat16's 8 bits would round the exponent ``(r - m)/beta`` itself (at 47,
    by up to 0.125: 13 % on its exponential).  Where no gradient is wanted and nothing traces
    the call, ``in_place`` runs instead: the same operations, written into the block's own
    temporaries, on the arrays expanded (as views) to the full shape."""
    values, shape = _prepare(names, args, kinds, support)
    half = next((v.dtype for v in values if isinstance(v, torch.Tensor) and v.dtype in _HALF), None)
    if half is not None:
        values = [v.float() if isinstance(v, torch.Tensor) and v.dtype == half else v for v in values]
    if in_place is not None and _plain(values):
        for i, kind in enumerate(kinds):
            if kind == "a" and tuple(values[i].shape) != shape:
                values[i] = values[i].expand(shape)
        block = in_place
    out = block(*values)
    if half is None:
        return out
    return tuple(o.to(half) for o in out) if isinstance(out, tuple) else out.to(half)


_HALF = (torch.float16, torch.bfloat16)


def _plain(values):
    """Whether the in-place block may run: no gradient wanted, no tracing, no transform."""
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    if torch.is_grad_enabled() and any(t.requires_grad for t in tensors):
        return False
    compiling = getattr(getattr(torch, "compiler", None), "is_compiling", None)
    if compiling is not None and compiling():
        return False
    wrapped = getattr(torch._C._functorch, "is_functorch_wrapped_tensor", None)
    return wrapped is None or not any(wrapped(t) for t in tensors)


def _scratch(pool, key, like):
    """A new full-shape temporary of the in-place block (dense, whatever the strides of ``like``)."""
    return torch.empty_like(like, memory_format=torch.contiguous_format)


def _target(out, index, like):
    """The full-shape output ``index`` of the in-place block."""
    return torch.empty_like(like, memory_format=torch.contiguous_format)


def _along(a, n):
    return isinstance(a, torch.Tensor) and a.ndim > 0 and a.shape[-1] == n


def _support_max(r, mask, args):
    """Per-row maximum of ``r`` over the support (where ``mask(*args)``), without gradient,
    and whether entries outside the support may exceed it.  On the CPU the row maximum is
    taken first and the masked one only for rows that need it; on an accelerator the masked
    maximum is always taken, so that no value is read back to the host."""
    with torch.no_grad():
        args = [a.detach() if isinstance(a, torch.Tensor) else a for a in args]
        shapes = [tuple(r.shape)] + [tuple(a.shape) for a in args if isinstance(a, torch.Tensor)]
        shape = _broadcast([""] * len(shapes), shapes)
        r = r.detach().expand(shape)
        if mask is None:
            return r.amax(dim=-1, keepdim=True), False
        if r.device.type == "cpu":
            j = r.argmax(dim=-1, keepdim=True)
            m = r.gather(-1, j)
            n = shape[-1]
            picked = [a.expand(shape).gather(-1, j) if _along(a, n) else a for a in args]
            ok = torch.as_tensor(mask(*picked))
            if bool(ok.all()):
                return m, False
            inside = torch.where(mask(*args), r, -math.inf)
            return torch.where(ok, m, inside.amax(dim=-1, keepdim=True)), True
        return torch.where(mask(*args), r, -math.inf).amax(dim=-1, keepdim=True), True


def _tilt(x, clamp, out=None):
    """exp(x), x <= 0 on the support.  Outside it (when ``clamp``) x may be positive: it is
    capped at half the overflow threshold, so that a zero weight never meets an infinity."""
    if clamp:
        x = torch.clamp(x, max=math.log(torch.finfo(x.dtype).max) / 2, out=out)
    return torch.exp(x, out=out)


def _dot(*factors):
    """Sum over the last axis of the product of ``factors``, keeping it."""
    if len(factors) == 2:
        return torch.linalg.vecdot(*torch.broadcast_tensors(*factors)).unsqueeze(-1)
    out = factors[0]
    for f in factors[1:]:
        out = out * f
    return out.sum(dim=-1, keepdim=True)


def _dot_into(out, a, b):
    """``_dot(a, b)`` (the same operations, so the same bits) with the product written into
    ``out``, a temporary of the in-place block that is not read again (it may be ``a`` or ``b``)."""
    return torch.mul(a, b, out=out).sum(dim=-1, keepdim=True)


def _safe_log(x):
    """log with log(0) = -inf and a zero (not NaN) gradient there."""
    positive = x > 0
    return torch.where(positive, torch.log(torch.where(positive, x, 1.0)), -math.inf)


def _tensors(a, b):
    """Both arguments as tensors (torch.logaddexp takes no Python numbers)."""
    like = a if isinstance(a, torch.Tensor) else b
    return (torch.as_tensor(a, dtype=like.dtype, device=like.device),
            torch.as_tensor(b, dtype=like.dtype, device=like.device))


def _logaddexp(a, b, out=None):
    """log(e^a + e^b) (of numbers too)."""
    return torch.logaddexp(*_tensors(a, b), out=out)


def _log_ratio(a, b, out=None):
    """a - b for log-probabilities, 0 where both are -inf (``out`` may be ``a`` or ``b``)."""
    both = (a == -math.inf) & (b == -math.inf)
    if out is None:
        return torch.where(both, 0.0, a - b)
    return torch.sub(a, b, out=out).masked_fill_(both, 0.0)


def _xlogy(x, y, out=None):
    """x log y with 0 log y = 0."""
    return torch.xlogy(x, y, out=out)


def _exact_sum(*terms, out=None):
    """The sum of ``terms`` rounded once: each addition's rounding error (two-sum) is kept
    and added back at the end (where the sum is not finite, it is the sum itself)."""
    total, carry = _two_sums(terms)
    value = torch.where(torch.isfinite(total), total + carry, total)
    return value if out is None else out.copy_(value)


def _weighted(w, x):
    """w x for a weight w >= 0: 0 where w is 0 (an x that overflowed, inf or inf * 0, is read
    there as the largest number or 0)."""
    w, x = _tensors(w, x)
    return w * torch.where(w == 0, torch.nan_to_num(x, nan=0.0), x)


def _at_least(x, bound, out=None):
    """x, raised to ``bound`` where rounding took it below (the gradient passes at the bound)."""
    return torch.clamp(x, min=bound, out=out)


def _scaled_exp(c, y, out=None):
    """c exp(y) for c >= 0, with 0 (not NaN) where c = 0 and exp(y) overflows (``out`` may
    be ``c`` or ``y``)."""
    e = torch.exp(y)
    lost = (c == 0) & (e == math.inf)
    if out is None:
        return torch.where(lost, 0.0, c * e)
    return torch.mul(e, c, out=out).masked_fill_(lost, 0.0)  # e first: a Python c keeps its precision
'''

_JAX = '''\
import jax
import jax.numpy
import jax.scipy.special


def _floating(dtype):
    """Whether ``dtype`` is a real floating dtype, bfloat16 included."""
    return jax.numpy.issubdtype(dtype, jax.numpy.floating)


def _prepare(names, args, kinds, support):
    """JAX arrays in one floating dtype; per-row scalars aligned with the batch axes."""
    values = list(args)
    arrays = [i for i, kind in enumerate(kinds) if kind == "a"]
    for i in arrays:
        try:
            values[i] = jax.numpy.asarray(args[i])
        except TypeError:
            raise ValueError(f"{names[i]}: must be an array of real numbers, got {type(args[i]).__name__}") from None
        if values[i].dtype.kind not in "biuf" and not _floating(values[i].dtype):  # bfloat16 is kind "V"
            raise ValueError(f"{names[i]}: must be an array of real numbers, got dtype {values[i].dtype}")
    dtype = jax.numpy.result_type(*(values[i] for i in arrays))
    if not jax.numpy.issubdtype(dtype, jax.numpy.floating):
        dtype = jax.numpy.result_type(float)
    for i in arrays:
        values[i] = values[i].astype(dtype)

    def scalar(name, value):
        value = jax.numpy.asarray(value)
        if value.dtype.kind not in "iuf" and not _floating(value.dtype):
            raise ValueError(f"{name}: must be a real number or an array of them, got dtype {value.dtype}")
        return value.astype(dtype)

    return _arrange(names, args, values, kinds, support, scalar)


def _rows(block, names, args, kinds, support, per_row):
    """Run ``block`` on the prepared arguments (XLA fuses the elementwise work); float16 and
    bfloat16 in float32, given back in their dtype (float16's exponent range would underflow
    weighted tilts, bfloat16's 8 bits would round the exponent of each tilt)."""
    values, _ = _prepare(names, args, kinds, support)
    half = next((v.dtype for v in values if getattr(v, "dtype", None) in (jax.numpy.float16, jax.numpy.bfloat16)), None)
    if half is None:
        return block(*values)
    out = block(*(v.astype(jax.numpy.float32) if getattr(v, "dtype", None) == half else v for v in values))
    return tuple(o.astype(half) for o in out) if isinstance(out, tuple) else out.astype(half)


def _support_max(r, mask, args):
    """Per-row maximum of ``r`` over the support (where ``mask(*args)``), without gradient."""
    if mask is None:
        return jax.lax.stop_gradient(jax.numpy.max(r, axis=-1, keepdims=True)), False
    inside = jax.numpy.where(mask(*args), r, -jax.numpy.inf)
    return jax.lax.stop_gradient(jax.numpy.max(inside, axis=-1, keepdims=True)), True


def _tilt(x, clamp):
    """exp(x), x <= 0 on the support.  Outside it (when ``clamp``) x may be positive: it is
    capped at half the overflow threshold, so that a zero weight never meets an infinity."""
    cap = math.log(jax.numpy.finfo(x.dtype).max) / 2
    return jax.numpy.exp(jax.numpy.where(x > cap, cap, x) if clamp else x)


def _dot(*factors):
    """Sum over the last axis of the product of ``factors``, keeping it."""
    spec = ",".join(["...i"] * len(factors)) + "->..."
    return jax.numpy.einsum(spec, *factors)[..., None]


def _safe_log(x):
    """log with log(0) = -inf and a zero (not NaN) gradient there."""
    positive = x > 0
    return jax.numpy.where(positive, jax.numpy.log(jax.numpy.where(positive, x, 1.0)), -jax.numpy.inf)


def _log_ratio(a, b):
    """a - b for log-probabilities, 0 where both are -inf."""
    return jax.numpy.where((a == -jax.numpy.inf) & (b == -jax.numpy.inf), 0.0, a - b)


def _xlogy(x, y):
    """x log y with 0 log y = 0."""
    return jax.scipy.special.xlogy(x, y)


def _exact_sum(*terms):
    """The sum of ``terms`` rounded once: each addition's rounding error (two-sum) is kept
    and added back at the end (where the sum is not finite, it is the sum itself)."""
    total, carry = _two_sums(terms)
    return jax.numpy.where(jax.numpy.isfinite(total), total + carry, total)


def _weighted(w, x):
    """w x for a weight w >= 0: 0 where w is 0 (an x that overflowed, inf or inf * 0, is read
    there as the largest number or 0)."""
    return w * jax.numpy.where(w == 0, jax.numpy.nan_to_num(x, nan=0.0), x)


def _at_least(x, bound):
    """x, raised to ``bound`` where rounding took it below (the gradient passes at the bound)."""
    return jax.numpy.where(x < bound, bound, x)


def _scaled_exp(c, y):
    """c exp(y) for c >= 0, with 0 (not NaN) where c = 0 and exp(y) overflows."""
    e = jax.numpy.exp(y)
    return jax.numpy.where((c == 0) & (e == jax.numpy.inf), 0.0, c * e)
'''

#: Source of the helpers each generated module starts with, per backend.
RUNTIME = {"numpy": COMMON + "\n\n" + _NUMPY, "torch": COMMON + "\n\n" + _TORCH, "jax": COMMON + "\n\n" + _JAX}

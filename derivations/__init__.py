"""The package's own paper: its derivations, in reading order, and its frame.

Each module builds :class:`dpo_mixture.proof.Derivation` objects with the public API only.
Like any derivations module that ``dpo-mixture build PATH.py`` reads, this package exposes
``DERIVATIONS`` (in reading order) and ``PAPER`` (title, authors, abstract, introduction,
conclusion, references, tags and the worked example).
"""

from __future__ import annotations

import importlib

#: ``(module, attribute)`` pairs in reading order.
ORDER: tuple[tuple[str, str], ...] = (
    ("closed_form", "OBJECTIVE"),
    ("closed_form", "GIBBS"),
    ("closed_form", "MAXIMIZER"),
    ("lemma1", "LEMMA1"),
    ("tpm", "TPM"),
    ("theorem2", "THEOREM2"),
    ("theorem2", "SEED_PROOF"),
    ("corrected", "CORRECTED"),
    ("extensions", "RESIDUAL"),
    ("extensions", "SENSITIVITY"),
    ("extensions", "LIMITS"),
    ("temperature", "HIGH"),
    ("temperature", "LOW"),
    ("extensions", "DOMINANCE"),
    ("extensions", "KL"),
    ("dpo", "DPO"),
)


def all_derivations():
    """Every derivation of the document, in reading order.

    >>> [d.id for d in all_derivations()][:2]
    ['objective', 'gibbs']
    """
    return tuple(getattr(importlib.import_module(f"{__name__}.{mod}"), attr) for mod, attr in ORDER)


def __getattr__(name: str):
    # built on first use, so that importing a fact from this package stays cheap
    if name == "DERIVATIONS":
        return all_derivations()
    if name == "PAPER":
        from .frame import PAPER

        return PAPER
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DERIVATIONS", "PAPER", "ORDER", "all_derivations"]

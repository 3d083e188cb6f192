"""The document's derivations, in reading order.

Each module builds :class:`dpo_mixture.proof.Derivation` objects with the public API only;
:func:`all_derivations` collects them in the order the paper presents them.
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

"""Check your own claims: parse a statement about the model, then prove or refute it.

>>> check_claim("TPM_A + TPM_U == 1").verdict
<Verdict.PROVED: 'proved'>
"""

from .check import DEFAULT_SAMPLES, ClaimVerdict, check_claim
from .parser import ClaimSyntaxError, parse_claim, parse_expression, parse_hypotheses

__all__ = [
    "ClaimSyntaxError",
    "ClaimVerdict",
    "DEFAULT_SAMPLES",
    "check_claim",
    "parse_claim",
    "parse_expression",
    "parse_hypotheses",
]

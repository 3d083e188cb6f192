"""``dpo-mixture claim``: prove a claim, refute it with an exact counterexample, or say undecided."""

from __future__ import annotations

import argparse
import math
import json
import sys
from typing import Callable

from . import UsageError

__all__ = ["add_parser", "run", "EXIT_PROVED", "EXIT_REFUTED", "EXIT_UNDECIDED"]

EXIT_PROVED, EXIT_REFUTED, EXIT_UNDECIDED = 0, 1, 3

_DESCRIPTION = """\
Check a statement about the model while you write it. The answer is one of three:
proved (it follows symbolically from the definitions and the hypotheses), refuted (an
instance that satisfies every hypothesis violates it, confirmed exactly or certified by
interval arithmetic; the instance is shown), or undecided (neither, after N instances).

The model: n >= 1 outputs, 0 < alpha < 1, beta > 0, a finite reward r, and two
distributions p_A, p_U (zeros allowed); p_ref = alpha p_A + (1 - alpha) p_U and the
support is where p_ref > 0. Every vector, sum, max, min and uniform average runs over it.
"""

_EXAMPLES = """\
Examples:
  dpo-mixture claim "TPM_A + TPM_U == 1"                      # proved
  dpo-mixture claim "TPM_A - alpha == alpha*(1-alpha)*(E(p_A, exp(r/beta)) - E(p_U, exp(r/beta)))/Z"
  dpo-mixture claim "p_theta <= p_ref"                        # refuted, with an instance
  dpo-mixture claim "TPM_A >= alpha" --assume "Cov_unif(r, p_A) > 0 and Cov_unif(r, p_U) < 0"
  dpo-mixture claim "TPM_A >= alpha" --assume "E(p_A, exp(r/beta)) >= E(p_U, exp(r/beta))"
  dpo-mixture claim --json "TPM_U >= (1-alpha)*exp(-(max(r)-min(r))/beta)"
  dpo-mixture claim "KL(pi, p_ref) >= 0" --let pi:distribution
  dpo-mixture claim "-log(exp(a)/(exp(a)+exp(b))) == log(1+exp(b-a))" --let a:scalar --let b:scalar
  dpo-mixture claim "diff(log(Z), beta) == -E(p_theta, r)/beta**2"
  A claim that starts with '-' goes after '--':  dpo-mixture claim -- "-alpha < 0"

Exit status: 0 proved, 1 refuted, 3 undecided, 2 bad input (one line naming the problem).
"""


def _epilog() -> str:
    from ..claims.vocabulary import describe

    return describe() + "\n\n" + _EXAMPLES


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {text}")
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, not {text}")
    return value


def _lets(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, kind = item.partition(":")
        if not sep or not name.strip() or not kind.strip():
            raise UsageError(f"claim: --let {item!r}: write NAME:KIND, for instance pi:distribution")
        name = name.strip()
        if name in out:
            raise UsageError(f"claim: --let {name!r} is declared twice")
        out[name] = kind.strip()
    return out


def add_parser(subparsers) -> argparse.ArgumentParser:
    from ..claims.check import DEFAULT_SAMPLES

    parser = subparsers.add_parser(
        "claim",
        help="prove a claim, refute it with an exact counterexample, or say undecided",
        description=_DESCRIPTION,
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("conclusion", metavar="CONCLUSION", help="the statement to check")
    parser.add_argument(
        "--assume", action="append", default=[], metavar="HYP",
        help="a hypothesis (repeatable; relations inside one may be joined by 'and')",
    )
    parser.add_argument("--json", action="store_true", help='print {"verdict", "method", "samples", "counterexample"}')
    parser.add_argument(
        "--samples", type=_count, default=DEFAULT_SAMPLES, metavar="N",
        help=f"instances the counterexample search tries (default {DEFAULT_SAMPLES})",
    )
    parser.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed of the search (default 0)")
    parser.add_argument(
        "--let", action="append", default=[], metavar="NAME:KIND",
        help="declare a name of your own (repeatable), e.g. pi:distribution, b:temperature, a:probability",
    )
    parser.add_argument(
        "--seconds", type=_positive, default=30.0, metavar="S",
        help="time budget; past it the answer is undecided (default 30)",
    )
    parser.set_defaults(handler=run)
    return parser


def _progress() -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """A progress line on stderr when it is a terminal, and how to clear it afterwards."""
    if not sys.stderr.isatty():
        return None, lambda: None
    state = {"last": -1}

    def report(i: int, total: int) -> None:
        percent = 100 * i // max(total, 1)
        if percent != state["last"] and percent % 5 == 0:
            state["last"] = percent
            print(f"\rsearching for a counterexample: {i}/{total}", end="", file=sys.stderr, flush=True)

    def finish() -> None:
        if state["last"] >= 0:
            print("\r\033[K", end="", file=sys.stderr, flush=True)

    return report, finish


def _format(result) -> str:
    lines = [f"claim:     {result.claim}"]
    for i, hyp in enumerate(result.assumptions):
        lines.append(("assuming:  " if i == 0 else "           ") + hyp)
    lines.append(f"verdict:   {result.verdict.value}")
    lines.append(f"method:    {result.method}")
    lines.append(f"instances: {result.samples}")
    ce = result.counterexample
    if ce is not None:
        size = max((len(v) for v in ce.values() if isinstance(v, list)), default=0)
        lines.append(f"counterexample (n = {size}):" if size else "counterexample:")
        width = max(len(k) for k in ce) if ce else 0
        for name, value in ce.items():
            shown = "[" + ", ".join(value) + "]" if isinstance(value, list) else value
            lines.append(f"  {name.ljust(width)} = {shown}")
        if result.evidence:
            lines.append("there:")
            for text, sides in result.evidence.items():
                lines.append(f"  {text}:  {sides}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ..claims import ClaimSyntaxError, check_claim, parse_claim, parse_hypotheses
    from ..claims.vocabulary import vocabulary

    lets = _lets(args.let)
    try:
        vocab = vocabulary(lets)
    except ValueError as exc:
        raise UsageError(f"claim: {exc}") from None
    checks = [("CONCLUSION", parse_claim, args.conclusion)]
    checks += [(f"--assume #{i}", parse_hypotheses, hyp) for i, hyp in enumerate(args.assume, 1)]
    for where, parse, text in checks:
        try:
            parse(text, vocab)
        except ClaimSyntaxError as exc:
            raise UsageError(f"claim: in {where}: {exc}") from None
    report, finish = _progress()
    try:
        result = check_claim(args.conclusion, tuple(args.assume), samples=args.samples, seed=args.seed,
                             progress=report, seconds=args.seconds, let=lets)
    finally:
        finish()
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(_format(result))
    return result.exit_code

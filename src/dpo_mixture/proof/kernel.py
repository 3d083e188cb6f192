"""The kernel: the only code that may conclude "proved".

:func:`check` takes a :class:`Goal` (a step's statement, exactly as written, with every
hypothesis it holds under and the theory it lives in), a :class:`~.certificate.ProofCertificate`
proposed by some strategy, and the lemmas established so far.  It re-derives every obligation
the certificate's rule needs and closes each one with two procedures only: the sum normal form
(an expression is identically zero) and the sign rules of :mod:`.sign` (an expression has a
sign).  Strategies only propose; a wrong proposal is rejected, never believed.

Checked on every certificate, before its rule:

1. it concludes the goal's claim under the goal's hypotheses, not another statement;
2. every fact it cites is free (a definition of the model, a fresh abbreviation, a declared
   distribution's normalization, or a consequence of the definitions) or else is recorded as
   an *assumption*; so is a definition whose declared domain could not be checked;
3. every lemma instance cites a proved lemma (an assumed one is recorded as an assumption),
   replaces only the lemma's variables, and puts each in its declared domain; the lemma's
   hypotheses at the instance are hypotheses of the goal or are shown by the sign rules;
4. the claim is defined: denominators nonzero, logarithms of positive numbers, fractional
   powers of nonnegative numbers (:mod:`.definedness`).

The rules (the ``rule`` field) are listed in :data:`~.certificate.RULES` and documented in the
README's "Trusted base" section.  The verdict is :class:`Judgment`: ``PROVED`` when every
obligation closed and nothing was assumed, ``ASSUMED`` when something was taken on trust (and
what), otherwise ``UNDECIDED`` with the first obligation that failed.
"""

from __future__ import annotations

import functools
import itertools
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy as sp

from .certificate import RULES, Instance, ProofCertificate
from .definedness import NEAR, Condition, conditions
from .exact import assumption_problem, number_problem
from .facts import Definition, Fact, named_operator, relevant, unfold
from .limits import NoLimit, limit_at_zero
from .normal_form import (BOUND, _bound_of, binders, carry_out, difference_is_zero, fresh_output, normal_form, put,
                          separable_summand, standardize, substitute)
from .sign import defined_everywhere, factor, is_real, sign, sign_context, sign_meets
from .theory import DISTRIBUTIONS, Theory, key_of
from .verdict import Verdict

__all__ = ["Goal", "Lemma", "Judgment", "check", "relation_parts", "decide_sign", "KernelError"]


class KernelError(Exception):
    """An obligation failed; the message says which."""


@dataclass(frozen=True)
class Goal:
    """What is to be proved: ``hypotheses => claim`` (and each link of ``chain``) in ``theory``.

    ``conditions`` are extra definedness conditions recorded before SymPy simplified the claim
    (the claim language records them while it parses).
    """

    claim: sp.Basic
    hypotheses: tuple[sp.Basic, ...] = ()
    theory: Theory = field(default_factory=Theory)
    chain: tuple[sp.Expr, ...] = ()
    conditions: tuple[sp.Basic, ...] = ()


@dataclass(frozen=True)
class Lemma:
    """An established step, as the kernel may cite it."""

    id: str
    claim: sp.Basic
    hypotheses: tuple[sp.Basic, ...]
    theory: Theory
    verdict: Verdict
    assumed: tuple[str, ...] = ()


_SEAL = object()


@dataclass(frozen=True)
class Judgment:
    """The kernel's verdict on one certificate.  Only :func:`check` makes one that counts."""

    verdict: Verdict
    reason: str
    obligations: tuple[tuple[str, str], ...] = ()
    assumed: tuple[str, ...] = ()
    seal: object = field(default=None, compare=False, repr=False)

    @property
    def genuine(self) -> bool:
        """Made by :func:`check` (a strategy cannot forge one that passes this test)."""
        return self.seal is _SEAL


# --- relations and signs ---------------------------------------------------------------------
def relation_parts(rel: sp.Basic) -> tuple[sp.Expr, str]:
    """``(d, op)`` with the relation equivalent to ``d op 0``, ``op`` in ``== > >=``.

    >>> from dpo_mixture.notation import beta
    >>> relation_parts(sp.Le(beta, 2))
    (2 - beta, '>=')
    """
    if isinstance(rel, sp.Eq):
        return rel.lhs - rel.rhs, "=="
    if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
        return rel.lhs - rel.rhs, ">" if rel.rel_op == ">" else ">="
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        return rel.rhs - rel.lhs, ">" if rel.rel_op == "<" else ">="
    raise KernelError(f"not a relation this kernel decides: {rel}")


def _parts(rel: sp.Basic) -> list[sp.Basic]:
    """The relations of a conjunction (or the relation itself)."""
    if isinstance(rel, sp.And):
        return [p for a in rel.args for p in _parts(a)]
    return [rel]


def decide_sign(d: sp.Expr, op: str, facts=()) -> bool:
    """Whether ``d op 0`` follows: for ``==`` the normal form is zero; otherwise the sign of
    the normal form, or of its numerator over a strictly signed denominator, meets ``op``."""
    if op == "==":
        return difference_is_zero(d, 0, facts)[0]
    return any(sign_meets(s, op) for s in _signs_of(d, tuple(facts)))


def _sign_forms(d: sp.Expr, facts: tuple):
    """The signs :func:`decide_sign` reads, in turn: of the normal form; then, over a strictly
    signed denominator, of the numerator expanded and factored (times the denominator's sign)."""
    nf = normal_form(d, facts)
    yield sign(nf)
    num, den = sp.fraction(sp.together(nf))
    for form in (den, sp.expand(den)):
        s_den = sign(form)
        if s_den in ("pos", "neg"):
            flip = -1 if s_den == "neg" else 1
            for n_form in (sp.expand(num), factor(num)):
                yield sign(flip * n_form)
            return


#: The signs of :func:`_sign_forms` worked out so far, per expression, facts and sign context:
#: a relation ``>`` that failed is often asked again as ``>=``, and the same forms decide it.
_FORMS: dict = {}
#: Expressions whose forms are kept at once (a bound on memory, not a cache policy).
MAX_FORMS = 4096


def _signs_of(d: sp.Expr, facts: tuple):
    """The signs of :func:`_sign_forms`, each worked out once (a form is computed only when the
    ones before it did not decide).  An error while one is worked out (a time limit) forgets
    the expression, so that an unfinished list never stands for the whole."""
    from .sign import current_context

    key = (d, facts, current_context())
    entry = _FORMS.get(key)
    if entry is None:
        if len(_FORMS) >= MAX_FORMS:
            _FORMS.clear()
        entry = _FORMS[key] = [[], _sign_forms(d, facts)]
    seen = entry[0]
    i = 0
    while True:
        if i < len(seen):
            yield seen[i]
            i += 1
            continue
        if entry[1] is None:
            return
        try:
            seen.append(next(entry[1]))
        except StopIteration:
            entry[1] = None
        except BaseException:
            _FORMS.pop(key, None)
            raise


def _sign_of(c: sp.Expr, facts) -> str | None:
    s = sign(c)
    if s is not None:
        return s
    c2 = unfold(c, facts)
    s = sign(c2)
    if s is not None:
        return s
    num, den = sp.fraction(sp.together(normal_form(c, facts)))
    s_den = sign(sp.expand(den))
    if s_den not in ("pos", "neg"):
        return None
    from .sign import _mul

    return _mul(sign(sp.expand(num)) or sign(factor(num)), s_den)


# --- the kernel ----------------------------------------------------------------------------------
def _convex(g: sp.Expr, x: sp.Symbol) -> bool:
    """``g'' > 0`` by the sign rules, read as SymPy differentiates it or, failing that,
    simplified (``simplify`` is slow on first use, so it comes second)."""
    second = sp.diff(g, x, 2)
    known = sign(second)
    if known in ("neg", "nonpos", "zero"):  # a sound sign cannot turn positive
        return False
    return known == "pos" or sign(sp.simplify(second)) == "pos"


class _Check:
    def __init__(self, goal: Goal, cert: ProofCertificate, lemmas: Mapping[str, Lemma],
                 introduced: frozenset = frozenset()):
        self.goal, self.cert, self.lemmas = goal, cert, lemmas
        #: placeholders a rule of an enclosing check put into this goal (the cases rule's fresh
        #: positive symbol): the only ones that may stand free in it
        self.introduced = introduced
        self.theory = goal.theory
        self.assumed: list[str] = []
        self.log: list[tuple[str, str]] = []
        #: the certificate's facts that the statement can reach (a definition of something it
        #: mentions, transitively, or an identity about it): the others cannot change a normal
        #: form, and leaving them out leaves them untrusted as well as unused
        self.facts: tuple[Fact, ...] = tuple(cert.facts)  # opened, then narrowed, in run()
        #: the cited lemmas' hypotheses and claims at their instances (what the trust must cover)
        self._reach: list = []
        #: the statement's substitutions as written, before their bodies are opened (run())
        self._substitutions: list = []

    # -- bookkeeping
    def need(self, ok: bool, kind: str, text: str) -> None:
        if not ok:
            raise KernelError(f"{kind} not shown: {text}")
        self.log.append((kind, text))

    def run(self) -> Judgment:
        goal, cert = self.goal, self.cert
        if cert.rule not in RULES:
            raise KernelError(f"unknown rule {cert.rule!r}")
        if cert.conclusion != goal.claim or tuple(cert.hypotheses) != tuple(goal.hypotheses):
            raise KernelError("the certificate concludes another statement than the step's")
        self.binder_variables([goal.claim, *goal.hypotheses, *goal.chain, *goal.conditions, *self._data_values(),
                               *(f.relation for f in self.facts)])
        # a Dummy is a bound variable's kind of symbol (and the normal form's stand-in for a
        # substitution it cannot carry out): free in a statement or a fact, it is a forgery
        placeholders = sorted({str(q) for q in _placeholders([goal.claim, *goal.hypotheses, *goal.chain,
                                                               *goal.conditions, *(f.relation for f in self.facts)])
                               if q not in self.introduced})
        if placeholders:
            raise KernelError(f"a placeholder symbol stands free in the statement or its facts ({', '.join(placeholders)})")
        # an operator that fixes quantities (a value at an instance) prints them as they are
        # printed free: a statement may not hold both (alpha < alpha, read for 0 < alpha)
        both = _fixed_and_free([goal.claim, *goal.hypotheses, *goal.chain, *goal.conditions])
        if both:
            raise KernelError(f"{', '.join(sorted(map(str, both)))} stands both at an instance and free in the "
                              "statement, or at two instances")
        # named operators are opened into what they stand for; every rule works on that
        opened = lambda e: self._open_substitutions(open_operators(e))  # noqa: E731
        # the substitutions as written (operators opened): their bodies' definitions are
        # unfolded below, and SymPy may then simplify a singularity away (exp(log x) to x)
        self._substitutions = [node for e in (goal.claim, *goal.chain) for node in _outer_substitutions(open_operators(e))]
        goal = self.goal = Goal(opened(goal.claim), tuple(opened(h) for h in goal.hypotheses),
                                goal.theory, tuple(opened(c) for c in goal.chain),
                                tuple(opened(c) for c in goal.conditions))
        for e in (goal.claim, *goal.hypotheses, *goal.chain, *goal.conditions, *(f.relation for f in self.facts),
                  *self._data_values()):
            _check_nodes(open_operators(e))
        self.facts = tuple(opened_fact(f) for f in self.facts)
        if cert.rule == "cite":
            ref = cert.get("reference")
            if not isinstance(ref, str) or not ref.strip():
                raise KernelError("a citation needs a reference")
            return Judgment(Verdict.ASSUMED, f"cited: {ref}", (), (f"cited: {ref}",), _SEAL)
        # the lemmas at their instances first; the facts are then narrowed to those that the
        # statement, the data and the instances (their hypotheses too) can reach, and judged;
        # only the judged facts discharge a hypothesis or enter a normal form after that
        parts = [(inst, *self._instantiate(inst)[:2]) for inst in cert.instances if inst.at is None]
        self._reach = [e for _, hyps, claim in parts for e in (*hyps, claim)]
        goal = self.goal
        seeds = [goal.claim, *goal.hypotheses, *goal.chain, *goal.conditions, *self._reach,
                 *(open_operators(e) for e in self._data_values())]
        self.facts = relevant(self.facts, seeds)
        self.trust()
        known = []
        for inst, hyps, claim in parts:
            for h in hyps:
                self.need(self._holds(h), "lemma hypothesis", f"{inst.lemma} needs {sp.sstr(h)}")
            known += [r for r in _parts(claim) if r is not sp.true]
        self.names_read_alike(seeds + [f.relation for f in self.facts])
        self.substitutions_see_definitions()
        self.defined()
        getattr(self, "rule_" + cert.rule.replace("-", "_"))(known)
        if goal.chain and cert.rule != "normal-form":
            self.chain_links()
        if self.assumed:
            assumed = tuple(dict.fromkeys(self.assumed))
            return Judgment(Verdict.ASSUMED, "; ".join(assumed), tuple(self.log), assumed, _SEAL)
        return Judgment(Verdict.PROVED, f"kernel: {cert.rule}", tuple(self.log), (), _SEAL)

    def binder_variables(self, exprs: list) -> None:
        """The variable of a substitution, a derivative, a limit or a lambda is a free variable
        of the model, never a quantity it defines: ``[V/2]_{V=1}`` with ``V := 2s`` has no
        reading (unfolding ``V`` leaves nothing for the substitution to act on)."""
        for e in exprs:
            if not isinstance(e, sp.Basic):
                continue
            for node in e.atoms(sp.Subs, sp.Derivative, sp.Limit, sp.Lambda):
                _plain_binder(node)
                for v in sorted(_bound_of(node), key=str):
                    if self.theory.is_derived(v):
                        raise KernelError(f"the variable {sp.sstr(v)} of a {type(node).__name__} is a quantity the "
                                          "model defines, not one of its free variables")

    def names_read_alike(self, exprs: list) -> None:
        """Every expression the certificate brings together with the statement (its data, its
        lemma instances, its facts) names each quantity once and plainly: SymPy compares
        substitutions by the printed text of their points, so a second ``w`` (or a scalar named
        ``E``) would let ``[x]_{x=w}`` cancel another quantity's."""
        from .verify import _names, _quantities_of, plain_name_problem

        exprs = [e for e in exprs if isinstance(e, sp.Basic)]
        labels = {b.label for e in exprs for b in _quantities_of(e)[1]}
        for name, objs in _names(exprs).items():
            if len(objs) > 1:
                raise KernelError(f"two different quantities are named {name}")
            why = plain_name_problem(name, vector=next(iter(objs)) in labels)
            if why:
                raise KernelError(f"the quantity {name!r} is not named plainly ({why})")
        dummies: dict = {}
        for e in exprs:
            for d in e.free_symbols:
                if isinstance(d, sp.Dummy) and dummies.setdefault(d.name, d) != d:
                    raise KernelError(f"two different placeholders are named {d.name}")

    def _open_substitutions(self, e: sp.Basic) -> sp.Basic:
        """Every ``Subs`` body with the model's definitions unfolded.  A definition is an
        abbreviation: with ``Z := sum_k pi(k) e^{t r(k)}``, ``Z`` is ``Z(t)``, and a substitution
        for ``t`` acts on it (as the derivative and limit rules, and the search, read it)."""
        if not isinstance(e, sp.Basic) or not e.has(sp.Subs):
            return e
        return e.replace(lambda x: isinstance(x, sp.Subs),
                         lambda x: sp.Subs(self.theory.unfold_all(x.expr), x.variables, x.point))

    def substitutions_see_definitions(self) -> None:
        """No quantity the model defines (or declares derived) through a substitution's variable
        stands opaque in its body, anywhere the rules may read it (the statement's bodies are
        opened in :meth:`run`; the certificate's data, facts and instances are not): the normal
        form would take it for a constant there (``[dZ/dt]_{t=1} = 0``, ``[W]_{s=1} = W`` for
        ``W := s^2``)."""
        g = self.goal
        for e in (g.claim, *g.hypotheses, *g.chain, *g.conditions, *self._reach, *self._data_values(),
                  *(f.relation for f in self.facts)):
            if not isinstance(e, sp.Basic):
                continue
            for node in e.atoms(sp.Subs):
                bound = set(node.variables)
                body = unfold(node.expr, self.facts)
                quantities = [q for q in body.free_symbols if isinstance(q, sp.Symbol) and self.theory.is_derived(q)]
                quantities += [a for a in body.atoms(sp.Indexed) if self.theory.is_derived(a.base)]
                for q in quantities:
                    full = self.theory.unfold_all(q)
                    self.need(full != q and not (full.free_symbols & bound), "definition",
                              f"{sp.sstr(q)} stands inside a substitution for {', '.join(sorted(map(str, bound)))}, "
                              + ("and nothing defines it" if full == q else "and its definition involves it"))

    def _data_values(self, statements: bool = True) -> list:
        """Every expression of the certificate's data and of its lemma instances' values
        (a nested certificate's statement too, unless ``statements`` is false; its own data
        is checked when it is)."""
        out: list = []

        def collect(value) -> None:
            if isinstance(value, sp.Basic):
                out.append(value)
            elif isinstance(value, ProofCertificate):
                if statements:
                    out.extend((value.conclusion, *value.hypotheses))
            elif isinstance(value, (tuple, list)):
                for v in value:
                    collect(v)

        for _, v in self.cert.data:
            collect(v)
        for inst in self.cert.instances:
            collect(tuple(v for _, v in inst.subs))
        return out

    @functools.cached_property
    def indices(self) -> frozenset:
        """Where the statement (its definitions unfolded, as the search reads it) takes
        functions over the support: the symbols that are outputs, not integer scalars."""
        g = self.goal
        return index_symbols(self.theory.unfold_all(unfold(e, self.facts)) for e in (g.claim, *g.hypotheses, *g.chain))

    # -- trust: facts and definitions
    def trust(self) -> None:
        # W := t + 1 in the model: a statement about W speaks of t
        statement = (self.goal.claim, *self.goal.hypotheses, *self.goal.chain)
        stated = self._through_model(set().union(*map(_quantities, statement)))
        for f in self.facts:
            if not isinstance(f, (Definition,)) and not hasattr(f, "lhs"):
                raise KernelError(f"not a fact: {f!r}")
            free, why = self.theory.justify(f, frozenset(stated))
            if free:
                self.log.append(("fact", f"{f.name}: {why}"))
            else:
                self.assumed.append(why)
        for _, why in self.theory.unverified(frozenset(self.mentioned)):
            self.assumed.append(why)
        self.overrides(self.mentioned)

    def overrides(self, mentioned: set) -> None:
        """A step's domain override that differs from the quantity's declaration is a hypothesis
        of the step: shown as assumed.  One that drops what the symbol's own assumptions say (a
        positive symbol taken as real) is refused: the sign rules would still read them."""
        from .theory import domain_of

        # a quantity that stands only bound (a Subs or Limit variable) is read by the rules too
        anywhere = {a for e in (self.goal.claim, *self.goal.hypotheses, *self.goal.chain, *self._data_values())
                    if isinstance(e, sp.Basic) for a in e.atoms(sp.Symbol, sp.IndexedBase)}
        anywhere |= {b.label for b in anywhere if isinstance(b, sp.IndexedBase)}
        for q, dom in self.theory.overrides:
            if (q not in mentioned and q not in anywhere) or domain_of(q) == dom:
                continue
            dropped = override_drops(q, dom)
            if dropped:
                raise KernelError(f"the override of {q} to {dom.value} drops what its assumptions say "
                                  f"({', '.join(dropped)})")
            self.assumed.append(f"for this step {q} is taken in the domain '{dom.value}' (an override of "
                                f"{(domain_of(q).value if domain_of(q) else 'no declared domain')})")

    @functools.cached_property
    def mentioned(self) -> set:
        """What the statement, the certificate's facts, its data and its lemmas at their
        instances (hypotheses included) speak of, through the model's definitions."""
        stuff = [self.goal.claim, *self.goal.hypotheses, *self.goal.chain, *(f.relation for f in self.facts),
                 *(open_operators(e) for e in self._data_values()), *self._reach]
        return self._through_model(set().union(*map(_quantities, stuff)))

    def _charge(self, exprs) -> None:
        """Record, as assumed, each unverified model definition that ``exprs`` reach (a lemma
        instance met inside a rule, after the trust was judged)."""
        reached = self._through_model(set().union(set(), *map(_quantities, exprs)))
        for _, why in self.theory.unverified(frozenset(reached)):
            if why not in self.assumed:
                self.assumed.append(why)

    def _through_model(self, quantities: set) -> set:
        """``quantities`` and, transitively, what the model's definitions of them mention."""
        out = set(quantities)
        todo = list(out)
        while todo:
            d = self.theory.definition(todo.pop())
            if d is None:
                continue
            for q in _quantities(d.expr):
                if q not in out:
                    out.add(q)
                    todo.append(q)
        return out

    def chain_links(self) -> None:
        """The rule proved ``lhs op rhs``; the display ``lhs = c1 = ... = ck op rhs`` is true as
        well when every ``=`` link holds (then ``ck = lhs``).  Each is closed by the normal
        form, with the equality hypotheses substituted."""
        claim = self.goal.claim
        if not hasattr(claim, "lhs"):
            raise KernelError("a display chain needs a claim with two sides")
        subs = self._hypothesis_substitutions()
        points = [claim.lhs, *self.goal.chain]
        for a, b in zip(points, points[1:]):
            d = standardize(a - b)
            if subs:
                d = substitute(unfold(d, self.facts), subs)
            self.need(difference_is_zero(d, 0, self.facts)[0], "chain link", f"{sp.sstr(a)} = {sp.sstr(b)}")

    # -- definedness
    def subs_points(self) -> None:
        """Every ``Subs`` point lies in its variable's domain, whatever the body holds.  SymPy
        takes two substitutions that differ only in their variable as equal, and it simplifies
        the body with the variable's assumptions when the body is built (``H(x)`` is ``1`` for
        ``x > 0``, ``|x|`` is ``x``): such a body read at a point outside the domain, its end
        included, is another function.  A derivative inside must moreover be taken inside the
        open domain (see :meth:`defined`)."""
        from ..notation import Domain

        found = [e for e in (self.goal.claim, *self.goal.hypotheses, *self.goal.chain, *self.goal.conditions,
                             *(f.relation for f in self.facts), *(d.relation for d in self.theory.definitions),
                             *self._data_values(), *self._reach) if isinstance(e, sp.Basic)]
        for e in found:
            for node in e.atoms(sp.Subs):
                for v, point in zip(node.variables, node.point):
                    label = v.base if isinstance(v, sp.Indexed) else v
                    dom = self.theory.domain(label)
                    s = self._sign(point)
                    nonneg, nonpos = s == "pos", s == "neg"
                    if dom in (Domain.NONNEGATIVE, Domain.NONNEGATIVE_VECTOR, Domain.SPARSE_DISTRIBUTION):
                        nonneg = s in ("pos", "nonneg", "zero")
                    if dom is Domain.NONPOSITIVE:
                        nonpos = s in ("neg", "nonpos", "zero")
                    if dom in (Domain.POSITIVE, Domain.NONNEGATIVE, Domain.POSITIVE_VECTOR, Domain.NONNEGATIVE_VECTOR):
                        ok = nonneg
                    elif dom in (Domain.NEGATIVE, Domain.NONPOSITIVE):
                        ok = nonpos
                    elif dom in (Domain.UNIT_INTERVAL, *DISTRIBUTIONS):
                        ok = nonneg and self._sign(1 - point) == "pos"
                    elif dom in (Domain.INTEGER, Domain.POSITIVE_INTEGER) or getattr(v, "is_integer", False):
                        ok = point.is_integer is True and (dom is Domain.INTEGER or point.is_positive is True)
                    else:
                        ok = dom in (Domain.REAL, Domain.REAL_VECTOR) and is_real(point)
                    self.need(ok, "domain", f"the point {sp.sstr(point)} of the substitution for {v} lies in "
                                            f"its domain ({dom.value if dom else 'none declared'})")

    def defined(self) -> None:
        self.subs_points()
        claim = self.goal.claim
        # only the limit rule establishes the value of the limit it is asked about
        claimed = claim.lhs if self.cert.rule == "limit" and isinstance(claim, sp.Eq) and isinstance(claim.lhs, sp.Limit) else None
        conds = list(conditions(claim, claimed))
        for c in self.goal.chain:
            conds += conditions(c)
        conds += [Condition(*_cond_parts(c)) for c in self.goal.conditions]
        # inside a substitution the definitions its body reaches are defined at its point:
        # [e^W]_{x=-1} with W := log x needs -1 > 0 (the opened body, x, needs nothing)
        defs = {key_of(d.target): d for d in (*self.theory.definitions, *(f for f in self.facts if isinstance(f, Definition)))}
        for node in self._substitutions:
            conds += conditions(node, definitions=defs)
        # what the statement's quantities stand for must be defined too (W := 1/(x - 1))
        mentioned = self.mentioned
        for d in (*self.theory.definitions, *(f for f in self.facts if isinstance(f, Definition))):
            if key_of(d.target) in mentioned:
                # an entry's conditions at every output: at a reserved one no hypothesis names
                body = d.at(BOUND) if isinstance(d.target, sp.Indexed) else d.expr
                conds += _open_conditions(self.theory, body)
        # so must the certificate's own expressions (a lemma's variable given 1/(z - 1), a
        # multiplier, a point): a value undefined somewhere would let the normal form cancel
        # the singularity away
        # a placeholder output (an instance's ``at``, the pointwise rules' ``index``) stands for
        # every output: it is read at a fresh one, where no hypothesis about a named output holds
        placeholders = {x.at for x in self.cert.instances if x.at is not None}
        if self.cert.rule in ("termwise", "vanishing") and isinstance(self.cert.get("index"), sp.Symbol):
            placeholders.add(self.cert.get("index"))
        anywhere = {a: fresh_output("i") for a in placeholders}
        for v in self._data_values(statements=False):
            if isinstance(v, sp.Lambda) and len(v.variables) == 1:
                v = v.expr.xreplace({v.variables[0]: fresh_output("i")})
            if isinstance(v, sp.Expr):
                conds += conditions(open_operators(v.xreplace(anywhere)))
        for c in dict.fromkeys(conds):
            self.need(self.discharge(c), "definedness", _condition_text(c))
        # a derivative needs its function on both sides of its point: inside the variable's
        # open domain the conditions above show that.  At an end of the domain (a free variable
        # declared >= 0) nothing can: SymPy built the function with the domain's assumptions
        # (|u| is u for u >= 0, whose slope at 0 is not that of |u|), so the kink is gone
        from ..notation import Domain

        for e in (claim, *self.goal.chain):
            for var, point, _der in _derivative_points(e):
                dom = self.theory.domain(var.base if isinstance(var, sp.Indexed) else var)
                self.need(not (dom in (Domain.INTEGER, Domain.POSITIVE_INTEGER) or getattr(var, "is_integer", False)),
                          "definedness", f"a derivative in {var}: the variable of a derivative is never an integer")
                where = "some value in its domain" if point is None else sp.sstr(point)
                self.need(self._inside(var, point), "definedness",
                          f"the derivative in {var} is taken at {where}, not inside the open domain of {var} "
                          f"(SymPy may have simplified the function with {var}'s assumptions; declare {var} real)")

    def _inside(self, var: sp.Symbol, point: sp.Expr | None) -> bool:
        """Whether ``point`` (``None``: every value of ``var``) lies in the interior of the
        domain of ``var``: a closed end (``var >= 0``) has a one-sided derivative only."""
        from ..notation import Domain

        dom = self.theory.domain(var.base if isinstance(var, sp.Indexed) else var)
        # (an integer variable never gets here: defined() refuses it first)
        # a distribution's entry may be 1 (one output), a sparse one 0: both ends are closed
        closed = dom in (Domain.NONNEGATIVE, Domain.NONPOSITIVE, Domain.NONNEGATIVE_VECTOR, *DISTRIBUTIONS) or dom is None and (
            var.is_nonnegative and not var.is_positive or var.is_nonpositive and not var.is_negative)
        if point is None:
            return not closed
        if dom in (Domain.UNIT_INTERVAL, *DISTRIBUTIONS):
            return self._sign(point) == "pos" and self._sign(1 - point) == "pos"
        if dom in (Domain.POSITIVE, Domain.NONNEGATIVE, Domain.POSITIVE_VECTOR, Domain.NONNEGATIVE_VECTOR) or dom is None and var.is_nonnegative:
            return self._sign(point) == "pos"
        if dom in (Domain.NEGATIVE, Domain.NONPOSITIVE) or dom is None and var.is_nonpositive:
            return self._sign(point) == "neg"
        return is_real(point) and all(self.discharge(c) for c in conditions(point))

    def discharge(self, c: Condition) -> bool:
        if c.bound:
            # from a limit's body: where it involves the limit's variable (definitions unfolded:
            # W := beta does), only near the point and by the sign rules alone
            variables = {var for var, _, _ in c.bound}
            if self._opened(c.expr).free_symbols & variables:
                return any(all(_signs_discharge(self.theory, Condition(e, c.op)) for e in way) for way in _near_point(c))
            c = Condition(c.expr, c.op)
        if _signs_discharge(self.theory, c):
            return True
        if c.op == "finite":  # no relation says a value is finite: oo > 0 holds
            return False
        for h in self.goal.hypotheses:
            for part in _parts(h):
                try:
                    d, op = relation_parts(part)
                except KernelError:
                    continue
                for sgn in (1, -1):
                    same = sp.expand(d - sgn * c.expr) == 0 or difference_is_zero(d, sgn * c.expr)[0]
                    if not same:
                        continue
                    if sgn == 1 and c.op in (">", ">=") and (op == ">" or op == ">=" and c.op == ">="):
                        return True
                    if c.op == "!=" and op == ">":
                        return True
        return False

    # -- lemma instances
    def _instantiate(self, inst: Instance, point: sp.Symbol | None = None) -> tuple[list, sp.Basic, dict]:
        """The lemma's hypotheses and claim at the instance, after every domain check."""
        lemma = self.lemmas.get(inst.lemma)
        if lemma is None:
            raise KernelError(f"cites {inst.lemma!r}, which is not an established step named in the step's "
                              "given= or uses=, nor a library lemma")
        if lemma.verdict is Verdict.ASSUMED:
            self.assumed.append(f"rests on {inst.lemma}, which is assumed ({'; '.join(lemma.assumed) or 'cited'})")
        elif lemma.verdict is not Verdict.PROVED:
            raise KernelError(f"cites {inst.lemma!r}, which is {lemma.verdict.value}")
        lemma = Lemma(lemma.id, lemma.claim, lemma.hypotheses, opened_theory(lemma.theory), lemma.verdict, lemma.assumed)
        claim = standardize(open_operators(lemma.claim))
        hyps = [standardize(open_operators(h)) for h in lemma.hypotheses]
        # definitions of the lemma's model that this model does not share are unfolded; a
        # definition is shared only if it means the same in both models once unfolded to the
        # end (W := V + 1 in both, with V := x there and V := 0 here, is two different W)
        meaning = {d: lemma.theory.unfold_all(d.expr) for d in lemma.theory.definitions}
        foreign = [d for d in lemma.theory.definitions
                   if self.theory.definition(key_of(d.target)) != d or meaning[d] != self.theory.unfold_all(d.expr)]
        if foreign:
            claim = unfold(claim, foreign)
            hyps = [unfold(h, foreign) for h in hyps]
        variables = _variables([claim, *hyps], lemma.theory)
        lemma_indices = index_symbols(lemma.theory.unfold_all(e) for e in (claim, *hyps))
        mapping = inst.mapping()
        if inst.at is not None:
            point = point if point is not None else fresh_output("i")
            mapping = {k: put(_sympified(v), {inst.at: point}) for k, v in mapping.items()}
        for k in mapping:
            if k not in variables:
                raise KernelError(f"{k} is not a variable of {inst.lemma}")
        # a variable whose declared domain differs here is checked too, as if replaced by itself
        for v in variables:
            if v not in mapping and self.theory.domain(v) != lemma.theory.domain(v):
                mapping[v] = v
        values = {}
        for v, value in mapping.items():
            value = _sympified(value)
            self.in_domain(v, value, lemma.theory, inst.lemma, lemma_indices)
            values[v] = value
        # a definition the two models share still meant its value at the lemma's variables: one
        # whose body reaches a replaced variable is unfolded first (W := x + 1 cited at x := 0
        # says W(0), never the W here; log Z >= E[r]/beta at beta := 1 is about Z at 1)
        moved = [v for v, value in values.items() if value != v]
        if moved:
            reach = [d for d in lemma.theory.definitions if d not in foreign and any(meaning[d].has(v) for v in moved)]
            if reach:
                claim = unfold(claim, reach)
                hyps = [unfold(h, reach) for h in hyps]
        # the lemma's support must be a support here too
        mine = self.theory.support_definitions()
        for d in lemma.theory.support_definitions():
            if (d in mine and key_of(d.target) not in values and not (d.expr.free_symbols & set(values))
                    and d not in foreign):
                continue
            i = fresh_output("i")
            entry = _apply(d.expr.xreplace({d.target.indices[0]: i}), values, self._opened)
            self.need(self._sign(entry) == "pos", "support", f"{inst.lemma}'s support: {sp.sstr(entry)} > 0")
        self.log.append(("instance", f"{inst.lemma} at {_show_subs(values)}"))
        opened = self._opened
        hyps, claim = [_apply(h, values, opened) for h in hyps], _apply(claim, values, opened)
        self._charge([*hyps, claim, *values.values()])
        # what the lemma brings in is read here like the statement: no binder over a quantity
        # this model defines (a lemma about a free V, cited where V := 2s), names read alike
        self.binder_variables([*hyps, claim])
        g = self.goal
        self.names_read_alike([g.claim, *g.hypotheses, *g.chain, *g.conditions, *hyps, claim, *values.values()])
        return hyps, claim, values

    def instance(self, inst: Instance, point: sp.Symbol | None = None) -> sp.Basic:
        """The lemma's claim at the instance; its hypotheses there must hold."""
        hyps, claim, _ = self._instantiate(inst, point)
        for h in hyps:
            self.need(self._holds(h), "lemma hypothesis", f"{inst.lemma} needs {sp.sstr(h)}")
        return claim

    def in_domain(self, v: sp.Basic, value: sp.Basic, theory: Theory, lemma_id: str,
                  lemma_indices: frozenset = frozenset()) -> None:
        from ..notation import Domain, n as _n

        dom = theory.domain(v)
        what = f"{lemma_id}: {v} := {sp.sstr(value)}"
        if v == _n:
            raise KernelError(f"{what}: the size of the support cannot be replaced")
        if isinstance(v, sp.Symbol) and is_output(v, theory, lemma_indices):
            self.need(is_output(value, self.theory, self.indices), "domain", f"{what} is an output of the support")
            return
        if isinstance(v, sp.Symbol) and v.is_integer:
            self.need(value.is_integer is True and (value.is_positive is True or dom is Domain.INTEGER),
                      "domain", f"{what} is a {'positive ' if v.is_positive else ''}integer")
            return
        if isinstance(v, sp.IndexedBase):
            if isinstance(value, sp.IndexedBase):
                body_at = lambda i: value[i]  # noqa: E731
            elif isinstance(value, sp.Lambda) and len(value.variables) == 1:
                body_at = lambda i: value.expr.xreplace({value.variables[0]: i})  # noqa: E731
            else:
                raise KernelError(f"{what}: an indexed variable takes an indexed base or Lambda(i, expr)")
            i = fresh_output("i")
            entry = body_at(i)
            if dom in (Domain.DISTRIBUTION, Domain.POSITIVE_VECTOR):
                self.need(self._sign(entry) == "pos", "domain", f"{what}: entries positive")
            elif dom in (Domain.SPARSE_DISTRIBUTION, Domain.NONNEGATIVE_VECTOR):
                self.need(self._sign(entry) in ("pos", "nonneg", "zero"), "domain", f"{what}: entries nonnegative")
            else:
                self.need(is_real(entry), "domain", f"{what}: entries real")
            if dom in DISTRIBUTIONS:
                j = fresh_output("j")
                total = sp.Sum(body_at(j), (j, 1, _n))
                facts = self.theory.definitions + self.theory.normalizations()
                self.need(difference_is_zero(total, 1, facts)[0], "domain", f"{what}: sums to one")
            return
        s = self._sign(value)
        if dom in (Domain.POSITIVE,):
            self.need(s == "pos", "domain", f"{what} > 0")
        elif dom is Domain.UNIT_INTERVAL:
            self.need(s == "pos" and self._sign(1 - value) == "pos", "domain", f"{what} in (0, 1)")
        elif dom is Domain.NONNEGATIVE:
            self.need(s in ("pos", "nonneg", "zero"), "domain", f"{what} >= 0")
        elif dom is Domain.NEGATIVE:
            self.need(s == "neg", "domain", f"{what} < 0")
        elif dom is Domain.NONPOSITIVE:
            self.need(s in ("neg", "nonpos", "zero"), "domain", f"{what} <= 0")
        else:
            self.need(is_real(value), "domain", f"{what} real")

    def _sign(self, e: sp.Expr) -> str | None:
        s = sign(e)
        return s if s is not None else sign(self.theory.unfold_all(e))

    def _holds(self, rel: sp.Basic) -> bool:
        """A relation is a hypothesis of the goal, or follows from the sign rules."""
        for part in _parts(rel):
            if not self._holds_one(part):
                return False
        return True

    def _holds_one(self, rel: sp.Basic) -> bool:
        d, op = relation_parts(rel)
        for h in self.goal.hypotheses:
            for part in _parts(standardize(h)):
                try:
                    hd, hop = relation_parts(part)
                except KernelError:
                    continue
                strong = hop == op or (op == ">=" and hop == ">")
                if strong and (sp.expand(hd - d) == 0 or difference_is_zero(hd, d, self.facts)[0]):
                    return True
                if op == "==" and hop == "==" and difference_is_zero(hd, -d, self.facts)[0]:
                    return True
        return decide_sign(unfold(d, self.facts), op, self.facts) or decide_sign(self.theory.unfold_all(d), op, self.theory.definitions)

    # -- the rules ------------------------------------------------------------------------------
    def _links(self) -> list[sp.Basic]:
        claim = self.goal.claim
        if not self.goal.chain or not hasattr(claim, "lhs"):
            return _parts(claim)
        points = [claim.lhs, *self.goal.chain, claim.rhs]
        links = [sp.Eq(a, b, evaluate=False) for a, b in zip(points[:-2], points[1:-1])]
        links.append(claim.func(points[-2], points[-1], evaluate=False))
        return links

    def _reparametrized(self) -> dict:
        """``a := u / (1 + u)`` with a fresh ``u > 0`` for each listed probability: a bijection
        of ``(0, inf)`` onto ``(0, 1)``, so a statement for every ``u`` is one for every ``a``."""
        out = {}
        for a in self.cert.get("reparametrize", ()) or ():
            if a not in self.theory.probabilities():
                raise KernelError(f"only a probability (declared in (0, 1)) can be reparametrized, not {a}")
            u = sp.Dummy(f"u_{a}", positive=True)
            out[a] = u / (1 + u)
        return out

    @property
    def _own_definitions(self) -> tuple:
        # before run() narrows the facts, all of them (only to refuse captures: stricter)
        return tuple(f for f in self.facts if isinstance(f, Definition))

    def _opened(self, e: sp.Basic) -> sp.Basic:
        """``e`` with every definition unfolded that any rule may unfold later: the model's and
        every definition among the certificate's facts (a step's own ``W := beta`` too)."""
        return unfold(self.theory.unfold_all(standardize(e)), self._own_definitions)

    def _hypothesis_substitutions(self) -> dict:
        """``atom -> value`` for each equality hypothesis ``atom = value``; the value with every
        definition unfolded, so that a substitution under a binder sees what it really depends
        on (``x = Z`` depends on ``beta``, and may not enter a limit in ``beta``)."""
        subs = {}
        for h in self.goal.hypotheses:
            for part in _parts(h):
                if isinstance(part, sp.Eq) and isinstance(part.lhs, (sp.Symbol, sp.Indexed)) and not part.rhs.has(part.lhs):
                    subs.setdefault(part.lhs, self._opened(part.rhs))
        return subs

    def rule_normal_form(self, known: list) -> None:
        """Each link ``d op 0``: the normal form of ``d`` (definitions among the facts unfolded,
        equality hypotheses ``atom = value`` substituted at free occurrences) has the sign."""
        subs = self._hypothesis_substitutions() if self.cert.get("substitute", True) else {}
        rep = self._reparametrized()
        expand = self.cert.get("expand", True)
        for link in self._links():
            d, op = relation_parts(link)
            d = standardize(d)
            if subs:
                d = substitute(unfold(d, self.facts), subs)
            if rep:
                d = _reparametrize(unfold(d, self.facts), rep)
            if expand:
                ok = decide_sign(d, op, self.facts)
            else:
                e = unfold(d, self.facts)
                ok = op != "==" and any(sign_meets(sign(form), op) for form in (e, sp.factor_terms(e)))
            self.need(ok, "sign" if op != "==" else "identity", f"{sp.sstr(link)}")

    def rule_combination(self, known: list) -> None:
        """Hypotheses and lemma instances ``h_i op_i 0`` with multipliers ``c_i``: each ``c_i``
        is finite and (for an inequality) nonnegative, and ``d - sum c_i h_i`` has a sign that
        gives ``d op 0``."""
        hyps = [p for h in self.goal.hypotheses for p in _parts(h)] + known
        mults = tuple(self.cert.get("multipliers", ()) or ())
        rep = self._reparametrized()
        self._combine(_parts(self.goal.claim), hyps, mults, rep)

    def _combine(self, parts: list, hyps: list, mults: tuple, rep: dict | None = None, label: str = "combination") -> None:
        if len(mults) != len(hyps):
            raise KernelError(f"{len(mults)} multipliers for {len(hyps)} hypotheses")
        rep = rep or {}

        def prep(e: sp.Expr) -> sp.Expr:
            e = unfold(standardize(e), self.facts)
            return _reparametrize(e, rep) if rep else e

        hparts = [relation_parts(h) for h in hyps]
        cs = [prep(_sympified(c)) for c in mults]
        for rel in parts:
            d, op = relation_parts(rel)
            rest = prep(d)
            strict = False
            for c, (hd, hop) in zip(cs, hparts):
                if c == 0:
                    continue
                self.need(defined_everywhere(c) or defined_everywhere(normal_form(c, self.facts)),
                          "finite multiplier", sp.sstr(c))
                sc = _sign_of(c, self.facts)
                if hop != "==":
                    self.need(op != "==", label, "an equality does not follow from an inequality")
                    self.need(sc in ("pos", "nonneg", "zero"), "nonnegative multiplier", sp.sstr(c))
                    if hop == ">" and sc == "pos":
                        strict = True
                rest = rest - c * prep(hd)
            # an inequality asks the sign first: showing a nonzero remainder is not zero costs
            # a rational normal form for nothing.  A remainder > 0 is asked for only where
            # nothing weaker gives the claim (``d > 0`` with no strict hypothesis of positive
            # weight): otherwise ``>= 0`` suffices, and a remainder that is zero would have every
            # form worked out in vain before the ``>=`` that holds at once
            if op == "==":
                ok = decide_sign(rest, "==", self.facts)
            elif op == ">" and not strict:
                ok = decide_sign(rest, ">", self.facts)
            else:
                ok = decide_sign(rest, ">=", self.facts) or decide_sign(rest, "==", self.facts)
            self.need(ok, label, f"{sp.sstr(rel)} from the weighted hypotheses")

    def rule_termwise(self, known: list) -> None:
        """``sum_i a(i) op sum_i b(i)`` over one range: at a fresh output ``i``, ``b(i) - a(i)``
        is a combination (multipliers may depend on ``i``) of the hypotheses and of lemma
        instances at ``i``; a sum of nonnegative terms is nonnegative."""
        claim = self.goal.claim
        if not isinstance(claim, (sp.LessThan, sp.GreaterThan, sp.StrictLessThan, sp.StrictGreaterThan)):
            raise KernelError("termwise needs an inequality between two sums")
        d_sides = [claim.lhs, claim.rhs]
        sums = [s for s in d_sides if isinstance(s, sp.Sum)]
        if len(sums) != 2 or any(len(s.limits) != 1 for s in sums):
            raise KernelError("termwise needs a sum on each side")
        (i1, lo1, hi1), (i2, lo2, hi2) = sums[0].limits[0], sums[1].limits[0]
        if (lo1, hi1) != (lo2, hi2):
            raise KernelError("the two sums run over different ranges")
        at = self.cert.get("index")
        i = fresh_output("i")
        a, b = (s.function.xreplace({idx: i}) for s, idx in ((sums[0], i1), (sums[1], i2)))
        d, op = relation_parts(claim.func(a, b, evaluate=False))
        if op == ">" and not (lo1 == 1 and hi1.is_Symbol):
            raise KernelError("a strict termwise bound needs a nonempty range")
        if at is None or any(x.at not in (None, at) for x in self.cert.instances):
            raise KernelError("every pointwise instance must use the rule's output placeholder")
        pointwise = [r for x in self.cert.instances if x.at is not None for r in _parts(self.instance(x, i))]
        hyps = [p for h in self.goal.hypotheses for p in _parts(h)] + known + pointwise
        mults = tuple(_sympified(c).xreplace({at: i}) for c in (self.cert.get("multipliers", ()) or ()))
        pointwise_claim = sp.Gt(d, 0, evaluate=False) if op == ">" else sp.Ge(d, 0, evaluate=False)
        self._combine([pointwise_claim], hyps, mults, label="termwise")

    def _fully_unfolded(self, e: sp.Expr, what: str) -> sp.Expr:
        # the step's own definitions too (a declared W := e^beta, taken on trust): left opaque
        # they would read as constants in the variable (d(beta W)/d beta = W)
        out = self.theory.unfold_all(self._opened(e))
        rough = [type(x).__name__ for x in sp.preorder_traversal(out) if isinstance(x, _non_smooth())]
        if rough:
            raise KernelError(f"{what} needs a function differentiable everywhere; it has {rough[0]}")
        quantities = {s for s in out.free_symbols if isinstance(s, sp.Symbol)} | {x.base for x in out.atoms(sp.Indexed)}
        opaque = sorted(str(q) for q in quantities if self.theory.is_derived(q))
        if opaque:
            raise KernelError(f"{what} needs every derived quantity defined; {', '.join(opaque)} left opaque")
        return out

    def _primitive(self, x: sp.Basic, what: str) -> None:
        if not isinstance(x, sp.Symbol) or self.theory.is_derived(x):
            raise KernelError(f"{what}: {x} must be a free variable of the model, not a derived quantity")

    def rule_convex(self, known: list) -> None:
        """``g(x) >= 0`` on the domain of ``x`` (an interval): ``g'(x0) = 0``, ``g'' > 0`` on the
        domain, ``g(x0) >= 0``.  With ``equality``: a hypothesis ``g(x) = 0`` forces ``x = x0``."""
        from ..notation import Domain

        x, x0 = self.cert.get("variable"), self.cert.get("point")
        self._primitive(x, "convexity")
        dom = self.theory.domain(x)
        if dom not in (Domain.POSITIVE, Domain.REAL):
            raise KernelError(f"convexity needs {x} to range over an interval (positive or real)")
        x0 = _sympified(x0)
        self.need((sign(x0) == "pos") if dom is Domain.POSITIVE else is_real(x0), "domain", f"{x0} in the domain of {x}")
        claim = self.goal.claim
        if self.cert.get("equality", False):
            if not (isinstance(claim, sp.Eq) and {claim.lhs, claim.rhs} == {x, x0}):
                raise KernelError(f"the equality case concludes {x} = {x0}")
            found = None
            for h in self.goal.hypotheses:
                if isinstance(h, sp.Eq):
                    for g in (h.lhs - h.rhs, h.rhs - h.lhs):
                        g = self._fully_unfolded(g, "convexity")
                        if _convex(g, x):
                            found = g
                            break
                if found is not None:
                    break
            if found is None:
                raise KernelError("no hypothesis g(x) = 0 with g strictly convex")
            g = found
            for c in conditions(g):
                self.need(self.discharge(c), "definedness", str(c))
        else:
            if not isinstance(claim, (sp.LessThan, sp.GreaterThan)):
                raise KernelError("convexity proves a non-strict inequality")
            d, _ = relation_parts(claim)
            g = self._fully_unfolded(d, "convexity")
        g1 = sp.diff(g, x)
        # x0 goes in at x's free occurrences, no binder of g capturing what x0 holds
        self.need(difference_is_zero(put(g1, {x: x0}), 0)[0], "critical point", f"g'({x0}) = 0")
        self.need(_convex(g, x), "convexity", "g'' > 0")
        at = put(g, {x: x0})
        if self.cert.get("equality", False):
            self.need(difference_is_zero(at, 0)[0], "minimum", f"g({x0}) = 0")
        else:
            self.need(decide_sign(at, ">="), "minimum", f"g({x0}) >= 0")

    def rule_derivative(self, known: list) -> None:
        """``Derivative(F, x) = G``: with every definition unfolded (so nothing that depends on
        ``x`` stays opaque), differentiate and compare normal forms."""
        claim = self.goal.claim
        if not isinstance(claim, sp.Eq) or not claim.has(sp.Derivative):
            raise KernelError("differentiation proves an equality with a derivative")
        for der in claim.atoms(sp.Derivative):
            for v in der.variables:
                self._primitive(v, "differentiation")
                if v.is_integer:  # a function of an integer (n, an output) has no derivative
                    raise KernelError(f"differentiation: {v} is an integer, not a real variable")
        lhs = carry_out(self._fully_unfolded(claim.lhs, "differentiation"))
        rhs = carry_out(self._fully_unfolded(claim.rhs, "differentiation"))
        if lhs.has(sp.Derivative) or rhs.has(sp.Derivative):
            raise KernelError("a derivative could not be carried out")
        self.need(difference_is_zero(lhs, rhs, self.facts + self.theory.normalizations())[0], "identity", "the derivative")

    def rule_limit(self, known: list) -> None:
        """``Limit(F, x, x0) = L`` with every definition unfolded.  A hypothesis ``a < b`` on an
        atom ``a`` that does not involve ``x`` (definitions unfolded) may be used as
        ``a = b - g`` with ``g > 0`` (free occurrences only).  Then continuity at the point
        (:func:`value_at`: every node continuous and finite there, each logarithm and
        fractional power of a base positive there, each denominator nonzero there), or the
        limit rules of :mod:`.limits` (the extended reals and l'Hopital's rule; SymPy's
        ``limit`` is not asked)."""
        claim = self.goal.claim
        if not (isinstance(claim, sp.Eq) and isinstance(claim.lhs, sp.Limit)):
            raise KernelError("a limit rule proves Limit(F, x, x0) = L")
        expr, var, point, direction = claim.lhs.args
        self._primitive(var, "limit")
        self._approach(var, point, str(direction))
        e = self._fully_unfolded(expr, "the limit")
        value_claimed = self._fully_unfolded(claim.rhs, "the limit")
        if value_claimed.has(var):
            raise KernelError("the claimed limit depends on the variable")
        if self.cert.get("use_hypotheses", True):
            subs = {}
            for h in self.goal.hypotheses:
                h = self._opened(h)  # a definition (the model's or the step's own) may hide the variable
                if var in h.free_symbols or not isinstance(h, (sp.StrictLessThan, sp.StrictGreaterThan)):
                    continue
                small, big = (h.lhs, h.rhs) if isinstance(h, sp.StrictLessThan) else (h.rhs, h.lhs)
                # small < big: an atom on either side is the other one moved by a positive gap
                if isinstance(small, (sp.Indexed, sp.Symbol)) and not big.has(small) and small not in subs:
                    subs[small] = big - sp.Dummy("g", positive=True)
                elif isinstance(big, (sp.Indexed, sp.Symbol)) and not small.has(big) and big not in subs:
                    subs[big] = small + sp.Dummy("g", positive=True)
            # the statement at that value, both sides: the claimed limit may name the atom too
            e, value_claimed = substitute(e, subs), substitute(value_claimed, subs)
        facts = self.facts + self.theory.normalizations()
        e = sp.powsimp(sp.expand(normal_form(e, facts)), combine="exp")
        if point in (sp.oo, -sp.oo):
            s = sp.Dummy("s", positive=True)
            e, var, point, direction = e.xreplace({var: (1 if point == sp.oo else -1) / s}), s, sp.Integer(0), "+"
        num, den = sp.fraction(sp.together(e))
        if continuous(num) and continuous(den):
            at_num, at_den = value_at(num, var, point), value_at(den, var, point)
            if at_num is not None and at_den is not None and sign(normal_form(at_den, facts)) == "pos":
                value = normal_form(at_num, facts) / normal_form(at_den, facts)
                if not value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) and difference_is_zero(value, value_claimed, facts)[0]:
                    self.log.append(("limit", "continuity at the point"))
                    return
        value = _limit_by_rules(e, var, point, str(direction), facts)
        self.need(_finite_value(value) and difference_is_zero(value, value_claimed, facts)[0], "limit", f"the limit is {value}")

    def _approach(self, var: sp.Symbol, point: sp.Expr, direction: str) -> None:
        """The limit point lies in the closure of the variable's domain and is approached from
        inside it: ``alpha -> 1`` from below for a probability, ``beta -> 0`` from above for a
        positive temperature, ``oo`` only for a domain unbounded above."""
        from ..notation import Domain as D

        dom = self.theory.domain(var)
        low, high = {D.POSITIVE: (0, sp.oo), D.NONNEGATIVE: (0, sp.oo), D.UNIT_INTERVAL: (0, 1),
                     D.NEGATIVE: (-sp.oo, 0), D.NONPOSITIVE: (-sp.oo, 0)}.get(dom, (-sp.oo, sp.oo))
        if dom not in (D.POSITIVE, D.NONNEGATIVE, D.UNIT_INTERVAL, D.NEGATIVE, D.NONPOSITIVE, D.REAL):
            raise KernelError(f"a limit in {var}, whose domain is {getattr(dom, 'value', 'undeclared')}")
        if point is sp.oo or point is -sp.oo:
            ok = point == high or point == low
        elif not (point.is_number and point.is_real):
            ok = False
        else:
            ok = bool(low <= point <= high) and not (point == low and direction != "+") and not (
                point == high and direction != "-")
        self.need(ok, "domain", f"{var} -> {point} ({direction}) stays inside the domain of {var}")

    def rule_extremum(self, known: list) -> None:
        """At an output ``i``: ``max_k f(k) = f(i) + u`` and ``min_k f(k) = f(i) - w`` with
        ``u, w >= 0``; every link's sign follows for all ``u, w``."""
        from ..model import SupportMax, SupportMin

        index = self.cert.get("index")
        if not is_output(index, self.theory, self.indices):
            raise KernelError("the extremum rule takes an output of the support")

        def sub(e: sp.Expr) -> sp.Expr:
            from .facts import at_index

            def value(node):
                gap = sp.Dummy("gap", nonnegative=True)
                body = at_index(node.args[0], node.args[1], index)  # no inner binder captures
                return body + gap if isinstance(node, SupportMax) else body - gap

            return e.replace(lambda x: isinstance(x, (SupportMax, SupportMin)), value)

        for rel in _parts(self.goal.claim):
            d, op = relation_parts(rel)
            if not d.has(SupportMax, SupportMin):
                raise KernelError("the extremum rule needs a max or min over the support")
            if _under_binder(unfold(d, self.facts), (SupportMax, SupportMin)):
                # one gap stands for max f - f(i) at one output: under a sum (or any binder) the
                # bound variable would share it, or capture the output
                raise KernelError("the extremum rule replaces a max or min only outside sums and other binders")
            self.need(decide_sign(sub(unfold(d, self.facts)), op, self.facts), "sign", sp.sstr(rel))

    def _premise(self, goal: Goal, cert: ProofCertificate | None, what: str) -> None:
        """Check a nested certificate for ``goal``; what it assumes is assumed here too."""
        if not isinstance(cert, ProofCertificate):
            raise KernelError(f"{what}: a nested certificate is needed")
        mine = _placeholders([self.goal.claim, *self.goal.hypotheses, *self.goal.chain, *self.goal.conditions])
        theirs = _placeholders([goal.claim, *goal.hypotheses, *goal.chain, *goal.conditions])
        sub = _Check(goal, cert, self.lemmas, self.introduced | (theirs - mine))
        judgment = sub.run()
        self.assumed.extend(judgment.assumed)
        self.log.extend(judgment.obligations)
        self.log.append((what, f"closed by rule {cert.rule}"))

    def rule_monotone(self, known: list) -> None:
        """``lhs op rhs`` because ``f(lhs) op f(rhs)`` for a strictly increasing ``f``: ``exp``
        (both sides real) or ``log`` (both sides positive).  The transformed relation is closed
        by the sign rules, or by a nested certificate (``premise``) with the same hypotheses."""
        claim, function = self.goal.claim, self.cert.get("function")
        if function not in ("exp", "log") or not isinstance(claim, (sp.Eq, sp.Le, sp.Ge, sp.Lt, sp.Gt)):
            raise KernelError("monotone applies exp or log to both sides of one relation")
        for side in (claim.lhs, claim.rhs):
            if function == "exp":
                self.need(is_real(side) or is_real(self.theory.unfold_all(side)), "domain", f"{sp.sstr(side)} real")
            else:
                self.need(self._sign(side) == "pos", "domain", f"{sp.sstr(side)} > 0")
        new = monotone_goal(claim, function)
        premise = self.cert.get("premise")
        if premise is None:
            d, op = relation_parts(new)
            self.need(decide_sign(unfold(standardize(d), self.facts), op, self.facts), "sign", sp.sstr(new))
        else:
            self._premise(Goal(new, self.goal.hypotheses, self.theory), premise, "monotone premise")

    def rule_cases(self, known: list) -> None:
        """A variable ``x >= 0`` is either ``0`` or positive: the goal with ``x := 0`` and the goal
        with ``x := x+`` (a fresh positive symbol, named in the certificate) each have their own
        certificate."""
        from ..notation import Domain

        x, fresh = self.cert.get("variable"), self.cert.get("positive_symbol")
        self._primitive(x, "cases")
        if self.theory.domain(x) is not Domain.NONNEGATIVE and not x.is_nonnegative:
            raise KernelError(f"cases splits a variable declared nonnegative, not {x}")
        stuff = [self.goal.claim, *self.goal.hypotheses]
        # exactly a positive real: an integer (or even, prime...) one would cover less than x > 0
        plain = sp.Dummy("t", positive=True).assumptions0
        if not (isinstance(fresh, sp.Dummy) and fresh.assumptions0 == plain and not any(fresh in e.free_symbols for e in stuff)):
            raise KernelError("the positive case needs a fresh symbol that is positive and nothing more")
        for value, key in ((sp.Integer(0), "zero"), (fresh, "positive")):
            sub = case_goal(self.goal, x, value)
            if sub.claim is sp.true:
                continue
            if sub.claim is sp.false:
                raise KernelError(f"the case {x} = {value} is false")
            self._premise(sub, self.cert.get(key), f"case {key}")

    def rule_vanishing(self, known: list) -> None:
        """A hypothesis ``sum_i c(i) g(i) = 0`` with ``c(i) > 0`` and ``g(i) >= 0`` (the first
        lemma instance, at an arbitrary output ``i``) forces ``g(i) = 0`` everywhere; the second
        lemma, ``g = 0 => u = u0`` at ``i``, then gives ``u(i) = u0``; the claim at its output is
        a nonzero multiple of ``u - u0``."""
        at = self.cert.get("index")
        insts = self.cert.instances
        if at is None or len(insts) != 2 or any(x.at != at for x in insts):
            raise KernelError("vanishing needs two lemma instances at the output placeholder")
        i = fresh_output("i")
        g, gop = relation_parts(self.instance(insts[0], i))
        if gop != ">=":
            raise KernelError("the first lemma must say g >= 0")
        hyp = next((h for h in self.goal.hypotheses if isinstance(h, sp.Eq) and h.rhs == 0
                    and isinstance(h.lhs, sp.Sum) and len(h.lhs.limits) == 1), None)
        if hyp is None:
            raise KernelError("vanishing needs a hypothesis sum = 0")
        from ..notation import n as _n

        (idx, lo, hi), = hyp.lhs.limits
        if not (lo == 1 and hi == _n):
            raise KernelError("the vanishing sum must run over the whole support")
        summand = hyp.lhs.function.xreplace({idx: i})
        c = _sympified(self.cert.get("factor")).xreplace({at: i})
        self.need(difference_is_zero(unfold(summand, self.facts), unfold(c * g, self.facts), self.facts)[0],
                  "identity", "the summand is c(i) g(i)")
        self.need(_sign_of(c, self.facts) == "pos", "sign", "c(i) > 0")
        hyps2, concl, _ = self._instantiate(insts[1], i)
        if len(hyps2) != 1 or not isinstance(concl, sp.Eq):
            raise KernelError("the second lemma must be a conditional equality with one hypothesis")
        hd, hop = relation_parts(hyps2[0])
        self.need(hop == "==" and (difference_is_zero(hd, g)[0] or difference_is_zero(hd, -g)[0]),
                  "lemma hypothesis", f"{insts[1].lemma} applies where g = 0")
        claim = self.goal.claim
        if not isinstance(claim, sp.Eq):
            raise KernelError("vanishing concludes an equality")
        d_claim = claim.lhs - claim.rhs
        outputs = [s for s in d_claim.free_symbols if is_output(s, self.theory, self.indices) and not isinstance(s, sp.Dummy)]
        if len(outputs) != 1:
            raise KernelError("the claim must be about one output")
        d_claim = d_claim.xreplace({outputs[0]: i})
        diff_concl = concl.lhs - concl.rhs
        ratio = sp.cancel(sp.together(d_claim / diff_concl))
        self.need(defined_everywhere(ratio) and sign(ratio) in ("pos", "neg"), "nonzero multiple", sp.sstr(ratio))
        self.need(difference_is_zero(d_claim, ratio * diff_concl)[0], "identity", "the claim is a multiple of the conclusion")


def open_operators(e: sp.Basic) -> sp.Basic:
    """Replace every named operator (a function with an ``unfold``: ``KL``, ``E_unif``, ...) by
    what it stands for, and every other function class defined outside SymPy by an undefined
    function of the same name: the kernel then knows nothing about it but that equal arguments
    give equal values, and none of its own claims (a sign, an evaluation rule) is believed.

    >>> from dpo_mixture.model import MeanUnif
    >>> from dpo_mixture.notation import p_A, y
    >>> open_operators(MeanUnif(p_A[y]))
    Sum(p_A[y], (y, 1, n))/n
    """
    def walk(x: sp.Basic) -> sp.Basic:
        if named_operator(x):
            opened = x.unfold()
            if opened != x:
                return walk(opened)
        if not x.args:
            return x
        args = [walk(a) for a in x.args]
        if isinstance(x, sp.Function) and not isinstance(x, sp.core.function.AppliedUndef) and not _from_sympy(x) \
                and not _known_function(x):
            return sp.Function(type(x).__name__)(*args)
        if all(a is b for a, b in zip(args, x.args)):
            return x
        if isinstance(x, sp.Rel):
            return x.func(*args, evaluate=False)
        made = x.func(*args)
        if calculus and isinstance(x, (sp.Add, sp.Mul, sp.Pow)) and any(
                not made.has(c) for a in args for c in a.atoms(sp.Limit, sp.Derivative, sp.Subs)):
            # an opened operator may be 0 (sigmoid(0) - 1/2): 0 * Limit must keep the limit,
            # whose existence the statement still asks
            return x.func(*args, evaluate=False)
        return made

    calculus = e.has(sp.Limit, sp.Derivative, sp.Subs)
    return walk(e)


@functools.lru_cache(maxsize=512)
def opened_theory(theory: Theory) -> Theory:
    """``theory`` with every definition's body opened (:func:`open_operators`) and checked
    (:func:`_check_nodes`) as a goal is: a user's function class in the model is as opaque to
    the rules as one in a statement."""
    defs = []
    for d in theory.definitions:
        body = open_operators(_sympified(d.expr))
        _check_nodes(body)
        _check_nodes(d.target)
        defs.append(d if body == d.expr else Definition(d.name, d.target, body))
    if all(a is b for a, b in zip(defs, theory.definitions)):
        return theory
    return Theory(tuple(defs), theory.overrides)


def _sympified(value: Any) -> sp.Basic:
    """``value`` as an expression, never by parsing text: SymPy's ``sympify`` parses *and runs*
    a string, and a report's certificate is read from a file that may be hostile."""
    return sp.sympify(value, strict=True)


def opened_fact(f: Fact) -> Fact:
    """A fact with its expressions opened, like the theory's definitions."""
    if isinstance(f, Definition):
        body = open_operators(_sympified(f.expr))
        return f if body == f.expr else Definition(f.name, f.target, body)
    lhs, rhs = open_operators(_sympified(f.lhs)), open_operators(_sympified(f.rhs))
    return f if (lhs, rhs) == (f.lhs, f.rhs) else type(f)(f.name, lhs, rhs)


def _condition_text(c: Condition) -> str:
    """``c`` as the reason a proof is refused: a derivative's condition must hold around its
    point, which no hypothesis (a statement at the point) shows; only a declared domain does."""
    near = [str(v) for v, point, direction in c.bound if direction == NEAR and point == v]
    if not near:
        return str(c)
    return (f"{c} around every value of {', '.join(near)} where the derivative is taken (a hypothesis holds at "
            f"the point, not around it: declare the domain of {', '.join(near)} instead)")


def _near_point(c: Condition) -> list:
    """Ways to show a condition from a limit's body near the point, each a list of forms whose
    signs, if the sign rules show every one of them, show the condition there: the condition
    itself, for every value of the variable in its domain; the variable written from each side
    it comes from (``x = x0 + u`` from above, ``x0 - u`` from below, both for a two-sided limit,
    ``u`` towards ``oo``, ``-u`` towards ``-oo``, ``u > 0``), for every such value; and the same
    within a distance ``d`` of :data:`~dpo_mixture.proof.limits.RADII` (``x0 + d u/(1 + u)``,
    ``1/d + u`` towards ``oo``, brought to one fraction by SymPy's ``cancel``), which is near
    enough: a limit never looks at the point, nor further away than it likes."""
    from .limits import RADII

    ways = [[c.expr]]
    for radius in (None, *RADII):
        bounded = radius is not None
        choices = []
        for var, point, direction in c.bound:
            u = sp.Dummy("u", positive=True)  # one for each variable: they move independently
            far, inf = (radius * u / (1 + u), 1 / radius + u) if bounded else (u, u)
            if direction not in ("+", "-", "+-"):  # a derivative's variable, or a range: every value
                choices.append([(var, var)])
            elif point is sp.oo:
                choices.append([(var, inf)])
            elif point is -sp.oo:
                choices.append([(var, -inf)])
            else:
                choices.append([(var, point + sgn * far) for sgn in {"+": (1,), "-": (-1,), "+-": (1, -1)}[direction]])
        if any(x != var for options in choices for var, x in options):
            forms = [c.expr.xreplace(dict(pick)) for pick in itertools.product(*choices)]
            if bounded:  # one fraction, its numerator as it stands or expanded
                ways += [[sp.together(f) for f in forms], [sp.cancel(f) for f in forms]]
            else:
                ways.append(forms)
    return ways


def _signs_discharge(theory: Theory, c: Condition) -> bool:
    """The sign rules show ``c`` (in ``theory``'s sign context, which the caller has set)."""
    from .sign import current_context

    return _signs_discharge_in(theory, c, current_context())


@functools.lru_cache(maxsize=4096)
def _signs_discharge_in(theory: Theory, c: Condition, _context) -> bool:
    for e in (c.expr, theory.unfold_all(c.expr)):
        s = sign(e)
        if c.op == ">" and s == "pos" or c.op == ">=" and s in ("pos", "nonneg", "zero") or c.op == "!=" and s in ("pos", "neg"):
            return True
    return False


def _fixed_and_free(exprs: list) -> set:
    """The quantities that an operator of ``exprs`` fixes (its ``fixes()``: ``{quantity: value}``,
    an instance's values) and that also stand free in ``exprs`` outside every such operator (a
    variable a limit or a sum binds is not free), or that two such operators fix at different
    values: the statement would print them alike."""
    fixed: dict = {}
    clash: set = set()
    free: set = set()
    for e in exprs:  # (every expression: a quantity at an instance in the claim, free in a hypothesis)
        if not isinstance(e, sp.Basic):
            continue
        nodes = [x for x in sp.preorder_traversal(e) if callable(getattr(x, "fixes", None))]
        for x in nodes:
            for q, value in x.fixes().items():
                if fixed.setdefault(q, value) != value:
                    clash.add(q)
        rest = e.xreplace({x: sp.Dummy() for x in nodes})
        free |= rest.free_symbols | {i.base for i in rest.atoms(sp.Indexed)}
    return (set(fixed) & free) | clash


def _outer_substitutions(e: sp.Basic) -> list:
    """The substitutions of ``e`` that stand in no other substitution's body."""
    if not isinstance(e, sp.Basic):
        return []
    if isinstance(e, sp.Subs):
        return [e]
    return [node for a in e.args for node in _outer_substitutions(a)]


def _open_conditions(theory: Theory, expr: sp.Expr) -> tuple:
    """The conditions of a definition's body that the sign rules alone do not discharge."""
    from .sign import current_context

    return _open_conditions_in(theory, expr, current_context())


@functools.lru_cache(maxsize=4096)
def _open_conditions_in(theory: Theory, expr: sp.Expr, _context) -> tuple:
    """:func:`_open_conditions` in a given sign context, worked out once per body: every step
    that mentions a defined quantity asks about the same body, and each walk would name its
    arbitrary outputs afresh (so that no answer could be reused further down)."""
    return tuple(c for c in conditions(expr) if not _signs_discharge(theory, c))


def _from_sympy(x: sp.Basic) -> bool:
    return _sympys_own(type(x))


def _sympys_own(cls: type) -> bool:
    """Whether ``cls`` is one of SymPy's own classes: defined in SymPy and found under its name
    there (a class of a module's own that calls itself ``sympy.Abs`` is not)."""
    module = sys.modules.get(cls.__module__)
    return (cls.__module__.startswith("sympy.") and getattr(module, cls.__qualname__, None) is cls
            and _SYMPY_DIR is not None  # a module registered as sympy.something, not read from SymPy's files, is not
            and os.path.abspath(getattr(module, "__file__", None) or "").startswith(_SYMPY_DIR))


_SYMPY_DIR = os.path.dirname(os.path.abspath(sp.__file__)) + os.sep if getattr(sp, "__file__", None) else None


def _known_function(x: sp.Basic) -> bool:
    """The package's own function classes, which the kernel's rules know (the very classes: a
    subclass may answer SymPy's questions, its sign say, otherwise)."""
    from ..model import RelEntr, SupportMax, SupportMin

    return type(x) in (RelEntr, SupportMax, SupportMin)


#: What a plain undefined function's class holds (``Function("f")``): anything more is code.
_PLAIN_UNDEFINED = frozenset({"__doc__", "__module__", "_explicit_class_assumptions", "_kwargs", "_nargs",
                              "_prop_handler", "_sage_", "default_assumptions", "name", "__qualname__"})


def _genuine(node: sp.Basic) -> bool:
    """Whether ``node``'s class is one the kernel's rules speak of as it is: SymPy's own, one of
    the package's, or a plain undefined function, not a subclass with methods of its own (an
    ``Abs`` whose ``_eval_is_positive`` says yes)."""
    cls = type(node)
    if isinstance(node, sp.core.function.AppliedUndef):  # (its class is the module's: read it each time)
        return (type(cls) is sp.core.function.UndefinedFunction and cls.__bases__ == (sp.core.function.AppliedUndef,)
                and set(vars(cls)) <= _PLAIN_UNDEFINED
                # no assumption, given or set afterwards on the class SymPy keeps for the name
                and not cls.default_assumptions and not cls._explicit_class_assumptions and not cls._kwargs)
    return _genuine_class(cls)


@functools.lru_cache(maxsize=1024)
def _genuine_class(cls: type) -> bool:
    from ..notation import DeclaredSymbol

    return cls in (*_package_functions(), DeclaredSymbol) or _sympys_own(cls)


def monotone_goal(claim: sp.Basic, function: str) -> sp.Basic:
    """``f(lhs) op f(rhs)`` for ``f`` = ``exp`` or ``log``: the relation the ``monotone`` rule
    reduces ``lhs op rhs`` to (strategies build their premise's conclusion with it)."""
    f = {"exp": sp.exp, "log": sp.log}[function]
    return claim.func(f(claim.lhs), f(claim.rhs), evaluate=False)


def case_goal(goal: Goal, variable: sp.Symbol, value: sp.Expr) -> Goal:
    """The goal with ``variable`` replaced by ``value`` everywhere (relations kept unevaluated)."""
    rep = {variable: value}
    opened = goal.theory.unfold_all
    return Goal(
        _apply(goal.claim, rep, opened),
        tuple(_apply(h, rep, opened) for h in goal.hypotheses),
        goal.theory,
        tuple(_apply(c, rep, opened) for c in goal.chain),
        tuple(_apply(c, rep, opened) for c in goal.conditions),
    )


#: Operations continuous wherever their arguments are finite (and, for a power or a logarithm,
#: the base or argument is positive; checked where they are used).
_CONTINUOUS = (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sp.Abs, sp.Max, sp.Min)


def continuous(e: sp.Expr) -> bool:
    """Whether every node of ``e`` is a function continuous wherever it is defined and finite:
    sums, products, ``exp``, max/min, integer powers, powers and logarithms of positive bases."""
    from ..model import SupportMax, SupportMin

    ok = _CONTINUOUS + (sp.Sum, sp.Symbol, sp.Indexed, sp.IndexedBase, sp.Number, sp.Tuple, SupportMax, SupportMin)
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.Pow):
            if not (node.exp.is_Integer or sign(node.base) == "pos"):
                return False
        elif isinstance(node, sp.log):
            if sign(node.args[0]) != "pos":
                return False
        elif not isinstance(node, ok) and node not in (sp.pi, sp.E):
            return False
    return True


def _finite_value(x: sp.Expr) -> bool:
    return not x.has(sp.Limit, sp.zoo, sp.nan, sp.oo, -sp.oo)


def _limit_by_rules(e: sp.Expr, var: sp.Symbol, point: sp.Expr, direction: str, facts: tuple = ()) -> sp.Expr:
    """The limit of ``e`` as ``var -> point`` from ``direction`` by the rules of
    :mod:`.limits` (SymPy's ``limit`` is not asked: it returns wrong values): ``var = point + v``
    (from above) or ``point - v`` (from below) with ``v -> 0+``; a two-sided limit needs both,
    equal.  A part free of the variable must be finite and defined (:func:`value_at`).

    >>> x = sp.Symbol("x", real=True)
    >>> _limit_by_rules(sp.exp(-1 / x), x, sp.Integer(0), "+"), _limit_by_rules(sp.exp(-1 / x), x, sp.Integer(0), "-")
    (0, oo)
    """
    v = sp.Dummy("v", positive=True)
    values = []
    for side in {"+": (1,), "-": (-1,), "+-": (1, -1)}[direction]:
        moved = put(e, {var: point + side * v})
        try:
            values.append(limit_at_zero(moved, v, lambda x: value_at(x, v, 0)))
        except NoLimit as exc:
            raise KernelError(f"the limit is not shown by the limit rules ({exc})") from None
    if len(values) == 2 and not (values[0] == values[1] or _finite_value(values[0]) and _finite_value(values[1])
                                 and difference_is_zero(values[0], values[1], facts)[0]):
        raise KernelError(f"the limits from the two sides are not shown equal ({values[0]} and {values[1]})")
    return values[0]


def value_at(e: sp.Expr, var: sp.Symbol, point: sp.Expr) -> sp.Expr | None:
    """The value of ``e`` at ``var = point``, where every node of ``e`` is continuous at the
    point; ``None`` where that is not shown.  The value is built from the leaves up, and each
    node is checked at its arguments' values before SymPy may simplify it: every value is
    finite, every logarithm's argument and every base of a power that is not an integer power
    is positive (so ``0**0``, ``log 0`` and ``1/0`` never stand for a limit), and the base of a
    negative integer power is nonzero.

    >>> from dpo_mixture.notation import beta
    >>> value_at(sp.exp(beta) + 1 / (1 + beta), beta, 0)
    2
    >>> value_at(beta ** (1 / sp.log(beta / (1 + beta))), beta, 0) is None
    True
    """
    from ..model import SupportMax, SupportMin

    bad = (sp.zoo, sp.nan, sp.oo, -sp.oo)
    point = _sympified(point)

    def walk(node: sp.Basic) -> sp.Basic | None:
        if node == var:
            return point
        if not node.args or isinstance(node, (sp.Indexed, sp.IndexedBase)) and not node.has(var):
            return node
        if isinstance(node, (sp.Sum, SupportMax, SupportMin)):
            if any(a.has(var) for a in node.args[1:]):
                return None  # a range that moves with the variable
            body = walk(node.args[0])
            return None if body is None else node.func(body, *node.args[1:])
        if isinstance(node, sp.Indexed):
            return None  # an index that moves with the variable
        if not isinstance(node, _CONTINUOUS):
            return None  # a limit, a substitution, a step function...: no value is shown here
        args = [walk(a) for a in node.args]
        if any(a is None or a.has(*bad) for a in args):
            return None
        if isinstance(node, sp.Pow):
            base = args[0]
            if node.exp.is_Integer:
                if node.exp < 0 and sign(base) not in ("pos", "neg"):
                    return None
            elif sign(base) != "pos":
                return None
        elif isinstance(node, sp.log):
            if sign(args[0]) != "pos":
                return None
        out = node.func(*args)
        return None if out.has(*bad) else out

    return walk(e)


def _cond_parts(rel: sp.Basic) -> tuple[sp.Expr, str]:
    if isinstance(rel, sp.Ne):
        return rel.lhs - rel.rhs, "!="
    d, op = relation_parts(rel)
    if op == "==":
        raise KernelError("a definedness condition is an inequality")
    return d, op


def _quantities(e: sp.Basic) -> set:
    """The symbols and indexed bases ``e`` speaks of."""
    return e.free_symbols | {i.base for i in e.atoms(sp.Indexed)}


def _variables(exprs: list, theory: Theory) -> set:
    """The free quantities of a lemma that it holds for every value of: symbols and bases not
    defined in its theory, and free outputs."""
    out = set()
    for e in exprs:
        for s in e.free_symbols:
            if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy) and theory.definition(s) is None:
                out.add(s)
        for x in e.atoms(sp.Indexed):
            if theory.definition(x.base) is None:
                out.add(x.base)
    labels = {b.label for b in out if isinstance(b, sp.IndexedBase)}
    return {v for v in out if v not in labels}


def _reparametrize(e: sp.Basic, rep: dict) -> sp.Basic:
    """``e`` with each probability ``a`` written ``u / (1 + u)``; refused where a binder (a
    limit, a substitution, a derivative) has ``a`` as its own variable, which is no free
    occurrence to rewrite."""
    kinds = binders()
    for node in sp.preorder_traversal(e):
        if isinstance(node, kinds) and _bound_of(node) & set(rep):
            raise KernelError(f"{sorted(map(str, _bound_of(node) & set(rep)))} is bound in the statement "
                              "and cannot be reparametrized")
    return e.xreplace(rep)


def _apply(expr: sp.Basic, values: dict, opened=None) -> sp.Basic:
    """Substitute all variables at once: a scalar at its free occurrences, an indexed variable
    by its value (another base, or ``Lambda(i, expr)`` taken at each index).  What is put in is
    never substituted again, so ``{q: Lambda(i, a p(i)), a: 5}`` keeps the ``a`` inside ``q``'s
    value.  Relations are rebuilt unevaluated, so an instance stays a relation.  ``opened``
    (a model's ``unfold_all``) tells what a value depends on through its definitions, so that
    no binder captures it (``q := W`` with ``W := beta`` may not enter a limit in ``beta``)."""
    from .facts import _rename_bound, at_index
    scalars = {k: v for k, v in values.items() if not isinstance(k, sp.IndexedBase)}
    bases = {k: v for k, v in values.items() if isinstance(k, sp.IndexedBase)}
    kinds = binders()

    def walk(e: sp.Basic, hidden: frozenset) -> sp.Basic:
        if e in scalars and e not in hidden:
            return scalars[e]
        if isinstance(e, sp.Indexed) and e.base in bases:
            value = bases[e.base]
            index = walk(e.indices[0], hidden)
            if isinstance(value, sp.IndexedBase):
                return value[index]
            return at_index(value.expr, value.variables[0], index)  # never capture the index
        if not e.args:
            return e
        if isinstance(e, kinds):
            return binder(e, hidden)
        args = [walk(a, hidden) for a in e.args]
        if all(a is b for a, b in zip(args, e.args)):
            return e
        return e.func(*args, evaluate=False) if isinstance(e, sp.Rel) else e.func(*args)

    def binder(e: sp.Basic, hidden: frozenset) -> sp.Basic:
        bound = _bound_of(e)
        captured = set()
        for key, value in values.items():
            if key in hidden:
                continue
            if isinstance(key, sp.IndexedBase):
                if not any(x.base == key for x in e.atoms(sp.Indexed)):
                    continue
            elif key not in e.free_symbols:
                continue
            inner_value = value.expr if isinstance(value, sp.Lambda) else value
            if opened is not None:
                inner_value = opened(inner_value)
            value_free = inner_value.free_symbols - (set(value.variables) if isinstance(value, sp.Lambda) else set())
            captured |= value_free & bound
        if captured and isinstance(e, (sp.Sum,) + _index_binders()):
            e = _rename_bound(e, captured)  # an output index: rename it, as the normal form would
            bound = _bound_of(e)
        elif captured:
            raise KernelError(f"the instance would capture {sorted(map(str, captured))}, bound by "
                              f"{type(e).__name__}")
        if isinstance(e, sp.Derivative) and bound & set(scalars) - hidden:
            raise KernelError(f"the variable {sorted(map(str, bound & set(scalars)))} of a derivative "
                              "is given a value: write the derivative at a point with Subs")
        inner = hidden | frozenset(bound & set(scalars))
        if isinstance(e, sp.Limit):  # the point is outside the binder
            body, var, point, direction = e.args
            return sp.Limit(walk(body, inner), var, walk(point, hidden), str(direction))
        if isinstance(e, sp.Subs):
            body, variables, points = e.args
            return sp.Subs(walk(body, inner), variables, walk(points, hidden))
        args = [walk(a, inner) for a in e.args]
        if all(a is b for a, b in zip(args, e.args)):
            return e
        return e.func(*args)

    return walk(expr, frozenset())


def _derivative_points(e: sp.Basic) -> list:
    """``(variable, point, derivative)`` for each derivative of ``e``: the point of the ``Subs``
    that takes it, or ``None`` where the variable stays free."""
    out: list = []

    def walk(x: sp.Basic, at: dict) -> None:
        if isinstance(x, sp.Subs):
            walk(x.expr, {**at, **dict(zip(x.variables, x.point))})
            for p in x.point:
                walk(p, at)
            return
        if isinstance(x, sp.Derivative):
            for v in dict.fromkeys(x.variables):
                out.append((v, at.get(v), x))
        for a in x.args:
            if isinstance(a, sp.Basic):
                walk(a, at)

    walk(e, {})
    return list(dict.fromkeys(out))


def _under_binder(e: sp.Basic, kinds: tuple) -> bool:
    """Whether a node of ``kinds`` lies inside a binder of ``e`` (a sum, a max or min over the
    support, a limit, a substitution, a derivative, a lambda: :func:`.normal_form.binders`)."""
    from .normal_form import binders

    kinds_binding = binders()

    def walk(x: sp.Basic, inside: bool) -> bool:
        if inside and isinstance(x, kinds):
            return True
        below = inside or isinstance(x, kinds_binding)
        return any(walk(a, below) for a in x.args)

    return walk(e, False)


def _index_binders() -> tuple:
    from ..model import SupportMax, SupportMin

    return (SupportMax, SupportMin)


def _show_subs(values: dict) -> str:
    if not values:
        return "itself"
    return ", ".join(f"{k} := {sp.sstr(v)}" for k, v in values.items())


#: Node types a goal may be made of: the kernel's rules know what each one means.
def _package_functions() -> tuple:
    """The package's own function classes that may stand in a statement the kernel checks."""
    from ..model import CovUnif, LogSigmoid, MeanUnif, RelEntr, Sigmoid, SupportMax, SupportMin

    return (SupportMax, SupportMin, MeanUnif, CovUnif, Sigmoid, LogSigmoid, RelEntr)


def _allowed() -> tuple:
    return (
        sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sp.Sum, sp.Indexed, sp.IndexedBase, sp.Symbol, sp.Number,
        sp.Tuple, sp.Rel, sp.And, sp.Derivative, sp.Limit, sp.Subs, sp.Abs, sp.Max, sp.Min, sp.Heaviside,
        sp.core.numbers.Pi, sp.core.numbers.Exp1, sp.Lambda, sp.core.function.AppliedUndef,
        *_package_functions(),
    )


#: Nodes that are not differentiable everywhere: the calculus rules refuse them.
def _non_smooth() -> tuple:
    from ..model import RelEntr, SupportMax, SupportMin

    return (sp.Abs, sp.Max, sp.Min, sp.Heaviside, SupportMax, SupportMin, RelEntr)


def _placeholders(exprs) -> frozenset:
    """The placeholder symbols (``Dummy``) free in ``exprs``."""
    return frozenset(q for e in exprs if isinstance(e, sp.Basic) for q in e.free_symbols if isinstance(q, sp.Dummy))


def _plain_binder(node: sp.Basic) -> None:
    """Refuse a binder whose variable is not a plain symbol.  SymPy substitutes for the text
    ``r[y]`` only: ``r(k)`` at an output ``k`` that may be ``y``, and the term ``y`` of a sum
    over the support, keep their old value."""
    if not isinstance(node, binders()):
        return
    for v in sorted(_bound_of(node), key=str):
        if not isinstance(v, sp.Symbol):
            raise KernelError(f"the variable {sp.sstr(v)} of a {type(node).__name__} must be a plain symbol, "
                              "not an entry of a vector or an expression")


def _check_nodes(e: sp.Basic) -> None:
    """Refuse a goal with a node the kernel has no rules for (``Piecewise``, ``floor``, a user's
    own function class ...), and sums that do not run over the support ``1..n``."""
    from ..notation import n as _n

    from .normal_form import reserved

    allowed = _allowed()
    forged = e.free_symbols & reserved()
    if forged:
        raise KernelError(f"{sorted(map(str, forged))} is a bound index reserved for normal forms")
    inexact = number_problem(e) or assumption_problem(e)
    if inexact:  # rounding could close a false obligation; oo + 1 > oo is no real statement; an
        raise KernelError(inexact)  # assumption beyond the domain is read by the rules alone
    for node in sp.preorder_traversal(e):
        if not isinstance(node, allowed) and node not in (sp.true, sp.false):
            raise KernelError(f"the kernel has no rules for {type(node).__name__} ({sp.sstr(node)[:60]})")
        if not _genuine(node):
            raise KernelError(f"{type(node).__name__} is a class of its own built on one the kernel knows; its "
                              "answers (a sign, a value) are not the kernel's rules")
        if isinstance(node, sp.Sum):
            if len(node.limits) > 1:
                raise KernelError("a sum over several indices is not supported (the rules read one index)")
            for _, lo, hi in node.limits:
                if not (lo == 1 and hi == _n):
                    raise KernelError(f"a sum must run over the support 1..n, not {lo}..{hi}")
        _plain_binder(node)
        if isinstance(node, sp.Subs) and len(node.variables) > 1:
            # SymPy carries out a substitution of several variables one after another
            raise KernelError("a substitution of several variables at once is not supported; nest one Subs per variable")
        if isinstance(node, sp.Symbol) and node.is_integer and not _plain_integer(node):
            # SymPy would read composite=True, even=True ... as facts about every output
            raise KernelError(f"the integer {node} carries assumptions beyond integer and positive")
        if isinstance(node, sp.Symbol) and node.is_real is False:
            raise KernelError(f"{node} is not real")
        if isinstance(node, sp.Indexed):
            (index,) = node.indices if len(node.indices) == 1 else (None,)
            if not is_output(index):
                raise KernelError(f"{node}: a function over the support is taken at an output, not at {index}")


_SIGN_FACTS = ("positive", "nonnegative", "negative", "nonpositive", "nonzero", "zero", "integer")


@functools.cache
def override_drops(q: sp.Basic, dom: Domain) -> tuple[str, ...]:
    """The sign facts ``q``'s own assumptions say (its label's and, for a vector, its base's)
    that a domain override to ``dom`` does not imply: such an override is refused (the sign
    rules would still read them)."""
    label = q.label if isinstance(q, sp.IndexedBase) else q
    said = {k for k in _SIGN_FACTS if getattr(label, "is_" + k) is True or getattr(q, "is_" + k) is True}
    return tuple(sorted(said - _implied().get(dom, set())))  # (kept: never a list a caller could empty)


def _implied() -> dict:
    from ..notation import Domain as D

    pos = {"positive", "nonnegative", "nonzero"}
    return {
        D.POSITIVE: pos, D.UNIT_INTERVAL: pos, D.NONNEGATIVE: {"nonnegative"},
        D.NEGATIVE: {"negative", "nonpositive", "nonzero"}, D.NONPOSITIVE: {"nonpositive"},
        D.POSITIVE_INTEGER: pos | {"integer"}, D.INTEGER: {"integer"},
        D.DISTRIBUTION: pos, D.POSITIVE_VECTOR: pos, D.SPARSE_DISTRIBUTION: {"nonnegative"},
        D.NONNEGATIVE_VECTOR: {"nonnegative"},
    }


_OUTPUT_ASSUMPTIONS = sp.Symbol("t", integer=True, positive=True).assumptions0
_INTEGER_ASSUMPTIONS = sp.Symbol("t", integer=True).assumptions0


def _plain_integer(s: sp.Symbol) -> bool:
    """``s`` says nothing SymPy would use that a positive integer (an output) does not imply,
    nor that an integer of either sign does."""
    return all(_OUTPUT_ASSUMPTIONS.get(k) == v or _INTEGER_ASSUMPTIONS.get(k) == v for k, v in s.assumptions0.items())


def is_output(s: sp.Basic, theory: Theory | None = None, indices: frozenset | None = None) -> bool:
    """``s`` stands for an output of the support ``1..n``: a positive integer symbol that is not
    the size ``n``, not a declared positive-integer *scalar* (which may exceed ``n``), and, when
    ``indices`` (the symbols the statement takes functions over the support at) is given, the
    output ``y`` or one of them.  The counterexample search reads a symbol the same way, so
    the two never disagree on whether ``m <= n``."""
    from ..notation import DOMAINS, Domain as _Domain, declared_domain, n as _n, y as _y

    if not (isinstance(s, sp.Symbol) and s.is_integer is True and s.is_positive is True and s != _n):
        return False
    if not _plain_integer(s):  # an even or prime "output" would stand for only some outputs
        return False
    if s in DOMAINS or theory is not None and s in dict(theory.overrides):
        return False
    if isinstance(declared_domain(s), _Domain):
        return False
    if isinstance(s, sp.Dummy) or indices is None:  # the kernel's own fresh outputs; an index position
        return True
    return s == _y or s in indices


def index_symbols(exprs) -> frozenset:
    """The symbols ``exprs`` take a function over the support at (``r[j]`` gives ``j``)."""
    return frozenset(i for e in exprs for x in e.atoms(sp.Indexed) for i in x.indices if isinstance(i, sp.Symbol))


def check(goal: Goal, cert: ProofCertificate, lemmas: Mapping[str, Lemma] | None = None) -> Judgment:
    """Check ``cert`` against ``goal``.  Never raises for a bad certificate: the judgment says
    ``UNDECIDED`` and why.

    >>> from dpo_mixture.notation import beta
    >>> g = Goal(sp.Gt(beta, 0, evaluate=False))
    >>> check(g, ProofCertificate("normal-form", conclusion=g.claim)).verdict
    <Verdict.PROVED: 'proved'>
    >>> check(g, ProofCertificate("normal-form", conclusion=sp.Gt(beta + 1, 0))).reason
    "certificate rejected: the certificate concludes another statement than the step's"
    """
    lemmas = lemmas or {}
    try:
        # plain data only: a certificate (or a fact in it) of some subclass runs none of its code here
        cert = ProofCertificate.from_json(cert.to_json())
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        why = str(exc)
        if "integer string conversion" in why:  # Python's limit on printing huge integers
            why = f"a number in it has more than {sys.get_int_max_str_digits()} digits, too many to record"
        return Judgment(Verdict.UNDECIDED, f"certificate rejected: not plain certificate data ({why})", seal=_SEAL)
    try:
        goal = Goal(goal.claim, goal.hypotheses, opened_theory(goal.theory), goal.chain, goal.conditions)
        with sign_context(goal.theory.sign_context()):
            return _Check(goal, cert, lemmas).run()
    except KernelError as exc:
        return Judgment(Verdict.UNDECIDED, f"certificate rejected: {exc}", seal=_SEAL)
    except (ValueError, TypeError, AttributeError, NotImplementedError, ZeroDivisionError,
            RecursionError, sp.PolynomialError, sp.GeneratorsNeeded, IndexError, KeyError, OverflowError) as exc:
        if isinstance(exc, RecursionError):
            return Judgment(Verdict.UNDECIDED, "certificate rejected: the statement nests too deeply for the "
                            "kernel's rules (a limit inside a limit of the same variable, say)", seal=_SEAL)
        why = " ".join(str(exc).split()) or "no message"  # SymPy's messages may span lines
        return Judgment(Verdict.UNDECIDED, f"certificate rejected: {type(exc).__name__}: {why}", seal=_SEAL)


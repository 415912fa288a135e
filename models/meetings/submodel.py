"""A model restricted to a few free variables: every other variable keeps its value in a
feasible assignment and is substituted into the constraints as a constant.

Why: an LNS round that copied the whole model and fixed most of it spent its time loading and
presolving that copy (1,000 attendees: 2-3 s a round; 3,000: the whole round), so large
events never got past the greedy start. The restricted model holds only the constraints that
touch a free variable, over the free variables only: a few thousand constraints whatever the
event's size, built in a fraction of a second.

Which variables are free: the decision variables the caller frees (meetings, seats), plus
every auxiliary variable (busy flags, "at least k meetings", shortfalls) in a constraint with
a free variable, and so on until no constraint adds one. An auxiliary variable kept at its
value would pin the freed meetings to the old pattern (a busy flag fixed at 1 makes its
attendee meet at that slot). Auxiliary variables are defined per attendee, so this closure
stays with the freed attendees and their partners; a constraint over many auxiliaries (table
capacity restated over clusters of meetings, per slot) is kept but frees none of them, or one
freed meeting would free the whole event.

The restriction is exact: a constraint whose variables are all fixed holds already (the
assignment is feasible), and one with free variables gets the fixed part moved to its bound.
So any solution of the restricted model, put back into the assignment, is feasible for the
whole model, and the whole objective changes by the restricted objective's change.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from models import cpsat

INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # CP-SAT's "unbounded" ends of a domain

# Constraint kinds the restriction understands: everything phase 1 builds.
BOOL_OR, BOOL_AND, AT_MOST_ONE, EXACTLY_ONE, LINEAR = range(5)
KINDS = {
    "bool_or": BOOL_OR, "bool_and": BOOL_AND, "at_most_one": AT_MOST_ONE,
    "exactly_one": EXACTLY_ONE, "linear": LINEAR,
}  # fmt: skip
# A constraint with more auxiliary variables than this frees none of them.
MAX_AUXILIARIES = 32


@dataclass(frozen=True)
class Structure:
    """The constraints of a model as flat arrays, read once (kinds, literals, coefficients,
    enforcement literals), and which constraints each variable is in."""

    kind: np.ndarray  # per constraint
    body_start: np.ndarray  # per constraint + 1: where its literals (or linear vars) start
    body: np.ndarray  # literals (negative: -v-1 is "not v"); linear constraints: variables
    coeff: np.ndarray  # per body entry (1 for boolean constraints)
    enf_start: np.ndarray
    enf: np.ndarray  # enforcement literals
    domain: tuple[tuple[int, ...] | None, ...]  # linear constraints: their domain
    cons_start: np.ndarray  # per variable + 1
    cons: np.ndarray  # constraints each variable appears in
    spreads: np.ndarray  # bool per constraint: frees the auxiliary variables it holds
    variables: object  # the model's variables (their domains are read per free variable)
    decision: np.ndarray  # bool per variable: freed only by the caller
    objective: np.ndarray  # coefficient per variable (0: not in the objective)
    offset: float
    scaling: float

    def objective_value(self, values: np.ndarray) -> float:
        """The whole model's objective at `values`, as CP-SAT reports it."""
        return (float(np.dot(self.objective, values)) + self.offset) * self.scaling


class Unsupported(Exception):
    """The model has a constraint kind the restriction does not handle."""


def structure(model: cp_model.CpModel, decision: np.ndarray) -> Structure:
    """Read `model` once; `decision` lists the variables only a round frees (and constants,
    which none may: a constant in every constraint would free the whole model). One pass
    over the constraints with flat lists: at 1,000 attendees (70,000 constraints, 2 million
    literals) lists per constraint and the variables' domains took 6.5 s."""
    proto = model.proto
    # per constraint: arrays of 1 and 4 bytes (a list took 8 a constraint, millions of them)
    kinds, body_len, enf_len, domains = array("b"), array("i"), array("i"), []
    body, coeff, enf = _Flat(np.int32), _Flat(np.int64), _Flat(np.int32)
    for ct in cpsat.model_constraints(model):
        which = ct.WhichOneof("constraint")
        kind = KINDS.get(which)
        if kind is None:
            raise Unsupported(str(ct))
        kinds.append(kind)
        if kind == LINEAR:
            lits = ct.linear.vars
            coeff.extend(ct.linear.coeffs)
            domains.append(tuple(ct.linear.domain))
        else:
            lits = getattr(ct, which).literals
        body.extend(lits)
        body_len.append(len(lits))
        e = ct.enforcement_literal
        enf_len.append(len(e))
        if len(e):
            enf.extend(e)
    n_vars = len(proto.variables)
    kind = np.frombuffer(kinds, dtype=np.int8)
    body_len, enf_len = np.frombuffer(body_len, dtype=np.int32), np.frombuffer(enf_len, np.int32)
    body_start, enf_start = _starts(body_len), _starts(enf_len)
    body_arr, enf_arr = body.array(), enf.array()
    del body, enf
    coeffs = np.ones(len(body_arr), dtype=np.int64)
    coeffs[np.repeat(kind == LINEAR, body_len)] = coeff.array()
    del coeff
    linear_domain: list[tuple[int, ...] | None] = [None] * len(kinds)
    for c, d in zip(np.flatnonzero(kind == LINEAR).tolist(), domains, strict=True):
        linear_domain[c] = d
    del domains
    # variable -> constraints, from body and enforcement entries alike; each array is freed
    # as soon as it has served (at 16,000 attendees, each is a few hundred MB)
    n_cons = len(kinds)
    owner = np.concatenate(
        [
            np.repeat(np.arange(n_cons, dtype=np.int32), body_len),
            np.repeat(np.arange(n_cons, dtype=np.int32), enf_len),
        ]
    )
    var = _var(np.concatenate([body_arr, enf_arr]))
    is_decision = np.zeros(n_vars, dtype=bool)
    is_decision[decision] = True
    auxiliaries = np.bincount(owner[~is_decision[var]], minlength=n_cons)
    cons_start = _starts(np.bincount(var, minlength=n_vars))
    order = np.argsort(var, kind="stable")
    del var
    cons = owner[order]
    del owner, order
    objective = np.zeros(n_vars, dtype=np.int64)
    obj = proto.objective
    objective[np.asarray(list(obj.vars), dtype=np.int64)] = list(obj.coeffs)
    return Structure(
        kind=kind,
        body_start=body_start,
        body=body_arr,
        coeff=coeffs,
        enf_start=enf_start,
        enf=enf_arr,
        domain=tuple(linear_domain),
        cons_start=cons_start,
        cons=cons,
        spreads=auxiliaries <= MAX_AUXILIARIES,
        variables=proto.variables,
        decision=is_decision,
        objective=objective,
        offset=obj.offset,
        scaling=obj.scaling_factor or 1.0,
    )


@dataclass(frozen=True)
class Restricted:
    model: cp_model.CpModel
    free: np.ndarray  # the full model's index of each restricted variable, ascending

    def prefer(self, stay: np.ndarray) -> None:
        """Among solutions of the best objective, prefer those that keep the variables `stay`
        (full-model indices, each now 1) at 1: the objective's terms are scaled past the
        number of them, so no change of the objective is traded for one of them."""
        at = self.free.searchsorted(stay)
        at = at[(at < len(self.free)) & (self.free[np.minimum(at, len(self.free) - 1)] == stay)]
        if not len(at):
            return
        objective = self.model.proto.objective
        scale = len(at) + 1
        terms = dict(zip(objective.vars, (c * scale for c in objective.coeffs), strict=True))
        for v in at.tolist():
            terms[v] = terms.get(v, 0) - 1  # minimised: staying lowers it
        objective.vars.clear()
        objective.coeffs.clear()
        objective.vars.extend(list(terms))
        objective.coeffs.extend(list(terms.values()))
        objective.scaling_factor = objective.scaling_factor / scale

    def put_back(self, values: np.ndarray, solution) -> np.ndarray:
        """`values` with the free variables set from a solution of the restricted model."""
        out = values.copy()
        out[self.free] = np.asarray(solution, dtype=np.int64)
        return out


def restrict(s: Structure, values: np.ndarray, freed: np.ndarray) -> Restricted:
    """The model over `freed` decision variables and the auxiliaries they reach, every other
    variable fixed at its value in `values`, hinted at `values`."""
    free = np.zeros(len(s.decision), dtype=bool)
    active = np.zeros(len(s.kind), dtype=bool)
    frontier = np.unique(freed)
    free[frontier] = True
    while len(frontier):
        reached = np.unique(_gather(s.cons, s.cons_start, frontier))
        reached = reached[~active[reached]]
        active[reached] = True
        spread = reached[s.spreads[reached]]
        touched = _var(
            np.concatenate(
                [_gather(s.body, s.body_start, spread), _gather(s.enf, s.enf_start, spread)]
            )
        )
        frontier = np.unique(touched[~free[touched] & ~s.decision[touched]])
        free[frontier] = True
    free_vars = np.flatnonzero(free)
    new_index = np.full(len(free), -1, dtype=np.int64)
    new_index[free_vars] = np.arange(len(free_vars))
    sub = cp_model.CpModel()
    proto = sub.proto
    for v in free_vars.tolist():
        proto.variables.add().domain.extend(s.variables[v].domain)
    _add_restricted(s, np.flatnonzero(active), values, free, new_index, proto)
    terms = s.objective[free_vars]
    used = np.flatnonzero(terms)
    proto.objective.vars.extend(used.tolist())
    proto.objective.coeffs.extend(terms[used].tolist())
    proto.objective.scaling_factor = s.scaling
    proto.solution_hint.vars.extend(range(len(free_vars)))
    proto.solution_hint.values.extend(values[free_vars].tolist())
    return Restricted(sub, free_vars)


def _add_restricted(s: Structure, cons: np.ndarray, values, free, new_index, proto) -> None:
    """Add constraints `cons` with their fixed literals and variables replaced by their values
    (all constraints at once in numpy; only the final copy into the proto is per constraint)."""
    n = len(cons)
    e_pos, e_owner = _positions(s.enf_start, cons)
    e_lit = s.enf[e_pos]
    e_free = free[_var(e_lit)]
    off = np.bincount(e_owner[~e_free & ~_lit_value(e_lit, values)], minlength=n) > 0
    b_pos, b_owner = _positions(s.body_start, cons)
    lit = s.body[b_pos]
    kind = s.kind[cons]
    linear = kind == LINEAR
    entry_linear = linear[b_owner]
    b_free = free[_var(lit)]
    fixed = ~b_free
    truth = np.where(entry_linear, 0, _lit_value(lit, values))
    fixed_true = np.bincount(b_owner[fixed & (truth == 1)], minlength=n)
    fixed_false = np.bincount(b_owner[fixed & (truth == 0) & ~entry_linear], minlength=n)
    lin = fixed & entry_linear
    shift = np.zeros(n, dtype=np.int64)
    np.add.at(shift, b_owner[lin], s.coeff[b_pos[lin]] * values[lit[lin]])
    keep_lits = _remap(lit[b_free], new_index)
    keep_coeff = s.coeff[b_pos[b_free]].tolist()
    cut = _starts(np.bincount(b_owner[b_free], minlength=n).tolist()).tolist()
    keep_enf = _remap(e_lit[e_free], new_index)
    e_cut = _starts(np.bincount(e_owner[e_free], minlength=n).tolist()).tolist()
    for i, (c, k) in enumerate(zip(cons.tolist(), kind.tolist(), strict=True)):
        if off[i]:
            continue  # a fixed enforcement literal is false: the constraint is off
        enf = keep_enf[e_cut[i] : e_cut[i + 1]]
        lits = keep_lits[cut[i] : cut[i + 1]]
        if k == LINEAR:
            d = int(shift[i])
            domain = [x if x in (INT_MIN, INT_MAX) else x - d for x in s.domain[c]]
            if not lits:
                if not _in(0, domain):
                    _not_all(enf, proto)
                continue
            ct = proto.constraints.add()
            ct.enforcement_literal.extend(enf)
            ct.linear.vars.extend(lits)
            ct.linear.coeffs.extend(keep_coeff[cut[i] : cut[i + 1]])
            ct.linear.domain.extend(domain)
        elif k == BOOL_OR:
            if fixed_true[i]:
                continue
            if lits:
                _add(proto, "bool_or", lits, enf)
            else:
                _not_all(enf, proto)
        elif k == BOOL_AND:
            if fixed_false[i]:
                _not_all(enf, proto)
            elif lits:
                _add(proto, "bool_and", lits, enf)
        elif fixed_true[i]:  # at most one / exactly one, already taken by a fixed literal
            if lits:
                _add(proto, "bool_and", [-x - 1 for x in lits], enf)
        elif lits:
            _add(proto, "at_most_one" if k == AT_MOST_ONE else "exactly_one", lits, enf)
        elif k == EXACTLY_ONE:
            _not_all(enf, proto)


def _add(proto, field: str, lits: list[int], enf: list[int]) -> None:
    ct = proto.constraints.add()
    ct.enforcement_literal.extend(enf)
    getattr(ct, field).literals.extend(lits)


def _not_all(enf: list[int], proto) -> None:
    """The constraint cannot hold with its fixed part: its enforcement literals must not all
    be true (never reached from a feasible assignment, kept so the restriction stays exact)."""
    ct = proto.constraints.add()
    ct.bool_or.literals.extend([-x - 1 for x in enf])


def _in(x: int, domain: list[int]) -> bool:
    return any(lo <= x <= hi for lo, hi in zip(domain[::2], domain[1::2], strict=True))


class _Flat:
    """A flat array of many short runs of integers, kept as Python ints a chunk at a time:
    at 16,000 attendees phase 2's model has tens of millions of literals, 36 bytes each in a
    list (about 1 GB more at the peak, as phase 2 began) against 4 in an int32 array."""

    CHUNK = 1 << 20

    def __init__(self, dtype) -> None:
        self.dtype, self.chunks, self.items = dtype, [], []

    def extend(self, values) -> None:
        self.items.extend(values)
        if len(self.items) >= self.CHUNK:
            self.chunks.append(np.asarray(self.items, dtype=self.dtype))
            self.items = []

    def array(self) -> np.ndarray:
        self.chunks.append(np.asarray(self.items, dtype=self.dtype))
        self.items = []
        return np.concatenate(self.chunks)


def _var(lits: np.ndarray) -> np.ndarray:
    return np.where(lits >= 0, lits, -lits - 1)


def _lit_value(lits: np.ndarray, values: np.ndarray) -> np.ndarray:
    v = values[_var(lits)]
    return np.where(lits >= 0, v, 1 - v).astype(bool)


def _remap(lits: np.ndarray, new_index: np.ndarray) -> list[int]:
    v = new_index[_var(lits)]
    return np.where(lits >= 0, v, -v - 1).tolist()


def _starts(lengths) -> np.ndarray:
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def _gather(flat: np.ndarray, start: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The entries of CSR rows `rows`, concatenated."""
    return flat[_positions(start, rows)[0]]


def _positions(start: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the entries of CSR rows `rows` are, concatenated, and which of `rows` (0, 1, ...)
    each belongs to."""
    lo, hi = start[rows], start[rows + 1]
    lengths = hi - lo
    owner = np.repeat(np.arange(len(rows)), lengths)
    firsts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(rows) else lengths
    return np.arange(int(lengths.sum())) + np.repeat(lo - firsts, lengths), owner

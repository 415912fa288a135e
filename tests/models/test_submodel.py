"""The restricted model (models/meetings/submodel.py): over a few free variables, exact.

Every solution of the restricted model, put back into the whole assignment, is a feasible
assignment of the whole model with the objective it reports; and at its optimum it is as good
as the whole model with the same variables fixed."""

from __future__ import annotations

import numpy as np
import pytest
from ortools.sat.python import cp_model

from models.meetings.greedy import greedy
from models.meetings.hint import complete_hint, set_hint
from models.meetings.model import build_model
from models.meetings.submodel import restrict, structure
from models.prepared import prepare
from scheduler.registration.read import read_workbook
from tests.helpers.paths import EXAMPLE


@pytest.fixture(scope="module")
def example():
    prep = prepare(read_workbook(EXAMPLE).event)
    built = build_model(prep)
    values = complete_hint(built, greedy(prep))
    decisions = np.array([v.index for v in built.meet + built.seat + built.option])
    return prep, built, values, structure(built.model, decisions)


def _whole_model_accepts(built, values) -> float:
    """The whole model's objective at `values`, which CP-SAT must accept as they are."""
    set_hint(built, values)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return solver.objective_value


def _whole_model_optimum(built, values, freed) -> float:
    """The best the whole model reaches with every decision but `freed` kept at `values`."""
    model = built.model.clone()
    model.clear_hints()
    keep = np.setdiff1d(np.array([v.index for v in built.meet + built.seat]), freed)
    for v in keep.tolist():
        model.add(model.get_bool_var_from_proto_index(v) == int(values[v]))
    for v in built.option:
        model.add(model.get_bool_var_from_proto_index(v.index) == int(values[v.index]))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver.objective_value


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_restricted_optimum_is_feasible_and_as_good_as_the_whole_model_with_the_rest_fixed(
    example, seed
):
    prep, built, values, shape = example
    rows = prep.mo.rows
    rng = np.random.default_rng(seed)
    freed_people = rng.choice(len(prep.event.attendees), size=4, replace=False)
    free_rows = rows["a"].isin(freed_people) | rows["b"].isin(freed_people)
    freed = np.array([built.meet[i].index for i in np.flatnonzero(free_rows.to_numpy())])
    sub = restrict(shape, values, freed)
    assert 0 < len(sub.free) < len(values) / 2  # a smaller model, not the whole one again
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(sub.model) == cp_model.OPTIMAL
    found = sub.put_back(values, solver.response_proto.solution)
    assert _whole_model_accepts(built, found) == pytest.approx(shape.objective_value(found))
    assert shape.objective_value(found) >= shape.objective_value(values)
    assert shape.objective_value(found) == pytest.approx(_whole_model_optimum(built, values, freed))


def _two_slots(weights: tuple[int, int]):
    """One meeting at one of two slots (exactly one), worth `weights`, now at the second;
    a second variable (a busy flag, say) follows the second slot."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"at{i}") for i in range(2)]
    busy = model.new_bool_var("busy")
    model.add_exactly_one(x)
    model.add(busy == x[1])
    model.maximize(weights[0] * x[0] + weights[1] * x[1])
    shape = structure(model, np.array([0, 1, 2]))
    return restrict(shape, np.array([0, 1, 1]), np.array([0, 1, 2]))


def _solved(sub, hint_first: bool) -> list[int]:
    if hint_first:  # the search would start from the other slot
        sub.model.clear_hints()
        for v, value in enumerate((1, 0, 0)):
            sub.model.add_hint(sub.model.get_bool_var_from_proto_index(v), value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(sub.model) == cp_model.OPTIMAL
    return list(solver.response_proto.solution)


def test_preferred_variables_keep_their_value_among_equally_good_solutions():
    sub = _two_slots((5, 5))
    assert _solved(sub, hint_first=True) == [1, 0, 0]  # without the preference: either slot
    sub = _two_slots((5, 5))
    sub.prefer(np.array([1, 2]))
    assert _solved(sub, hint_first=True) == [0, 1, 1]


def test_the_preference_never_costs_objective():
    """Staying would keep two preferred variables, moving gains 1: the gain wins."""
    sub = _two_slots((6, 5))
    sub.prefer(np.array([1, 2]))
    assert _solved(sub, hint_first=False) == [1, 0, 0]


@pytest.mark.parametrize("chunk", [1, 7, 100_000])
def test_constraints_read_in_chunks_are_the_models(monkeypatch, chunk):
    """Read a chunk at a time, the model's constraints are its whole message's, in order:
    the chunks' byte offsets are computed (a named model, constraints whose lengths take
    one to four bytes), and one byte off breaks every later one."""
    from ortools.sat import cp_model_pb2

    from models import cpsat

    model = cp_model.CpModel()
    model.name = "a name shifts where the constraints start"
    x = [model.new_bool_var(f"x{i}") for i in range(3000)]
    for n in (2, 50, 9_000, 1_200_000, 3):  # their bytes: under 2**7, 2**14, 2**21 and over
        model.add_bool_or([x[i % 3000] for i in range(n)]).only_enforce_if(x[n % 3000])
        model.add(sum(x[: min(n, 3000)]) <= n // 2)
    message = cp_model_pb2.CpModelProto.FromString(cpsat._model_bytes(model))
    whole = [c.SerializeToString() for c in message.constraints]
    monkeypatch.setattr(cpsat, "_CHUNK", chunk)
    read = [c.SerializeToString() for c in cpsat.model_constraints(model)]
    assert max(map(len, whole)) > 2**21
    assert read == whole

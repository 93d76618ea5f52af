"""Roster parts solved in parallel on a real Celery worker (the roster queue), and the JSON codec they cross in."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from patrols.roster.checker import check
from patrols.roster.codec import problem_from_json, problem_to_json, solution_from_json, solution_to_json
from patrols.roster.generate import generate
from patrols.roster.problem import Interval
from patrols.roster.solver import solve
from patrols.solving import solve_parallel
from tests.live_servers import CeleryWorker


def test_problems_and_solutions_survive_the_codec() -> None:
    case = generate(3, 20, 5, seed=4)
    first = case.slots[0].start
    case = dataclasses.replace(
        case, locked={case.slots[0].id: case.people[0].id}, published={case.slots[1].id: case.people[1].id},
        history={case.people[2].id: (Interval(first - dt.timedelta(hours=10), first - dt.timedelta(hours=2),
                                              night=True),)},
    )
    assert problem_from_json(problem_to_json(case)) == case
    solution = solve(case)
    assert solution_from_json(solution_to_json(solution)) == solution


@pytest.mark.usefixtures("transactional_db")
def test_solve_parallel_fans_out_over_the_worker_and_keeps_the_order(celery_worker: CeleryWorker) -> None:
    problems = [generate(2, 15, 5, seed=1), generate(4, 30, 4, seed=2, pattern="12h"), generate(1, 3, 3, seed=3)]
    solutions = solve_parallel(problems, time_limit_s=5, timeout_s=180)
    assert len(solutions) == len(problems)
    for problem, solution in zip(problems, solutions, strict=True):
        assert solution.stats["slots"] == len(problem.slots)
        assert check(problem, solution.assignments) == []
        assert len(solution.assignments) + len(solution.gaps) == len(problem.slots)
    assert "patrols.roster.solve_part" in celery_worker.log.read_text()

"""Roster parts solved in parallel on Celery workers (the ``roster`` queue), e.g. every Polres of a Polda.

Each part is an independent ``Problem`` (a Polres and its Polsek share no people with another
Polres), so the parts fan out as a Celery group and come back in order. Problems and solutions
cross the broker as compact JSON (``patrols.roster.codec``).
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import group, shared_task

from patrols.roster.codec import problem_from_json, problem_to_json, solution_from_json, solution_to_json
from patrols.roster.problem import Problem, Solution
from patrols.roster.solver import solve

# Beyond the parts' own time limits: the broker, (de)serialising, and a queue shared with others.
WAIT_MARGIN_S = 120.0


@shared_task(name="patrols.roster.solve_part")
def solve_part(problem: dict[str, object], time_limit_s: float) -> dict[str, object]:
    return solution_to_json(solve(problem_from_json(problem), time_limit_s=time_limit_s))


def solve_parallel(problems: Sequence[Problem], *, time_limit_s: float = 10.0,
                   timeout_s: float | None = None) -> list[Solution]:
    """Solve each problem on a worker, all at once; the solutions in the problems' order.

    Call it from a web process or a command, not from inside another task (it waits for results).
    """
    if not problems:
        return []
    job = group(solve_part.s(problem_to_json(problem), time_limit_s) for problem in problems)
    result = job.apply_async()
    wait_s = timeout_s if timeout_s is not None else time_limit_s * len(problems) + WAIT_MARGIN_S
    try:
        answers = result.get(timeout=wait_s)
    finally:
        result.forget()
    return [solution_from_json(answer) for answer in answers]

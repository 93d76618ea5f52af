"""Benchmarks of the patrols app, run by ``manage.py bench NAME`` (registered in BENCHMARKS below).

``roster``: generate a Polres-sized instance, solve it with the planner's ``solve``, verify it with
the independent ``check``, then re-plan after one person falls sick for three days of the
published roster. With ``--polres N``, also solve N such instances in parallel on Celery workers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
from argparse import ArgumentParser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from celery import current_app as app
from django.conf import settings
from django.core.management import CommandError

from patrols.roster.checker import check
from patrols.roster.generate import SHIFT_PATTERNS, generate, lawful_hours
from patrols.roster.problem import Problem, Solution
from patrols.roster.scenario import changed_slots, fairness_spread_h, nights_range, same_site_share, sick_call
from patrols.roster.solver import solve
from patrols.solving import solve_parallel

Say = Callable[[str], None]
SICK_DAYS = 3
WORKER_START_S = 60.0


def _coverage(problem: Problem, solution: Solution) -> float:
    return len(solution.assignments) / len(problem.slots) if problem.slots else 1.0


def _roster_workers() -> list[str]:
    """Workers consuming the roster queue now; CommandError when the broker cannot be reached."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:  # kombu raises several kinds; all mean "no broker"
        raise CommandError(f"--polres needs the Celery broker at {settings.CELERY_BROKER_URL} "
                           f"(start it with `make run`, or set REDIS_URL): {error}") from error
    queues = app.control.inspect(timeout=1.0).active_queues() or {}
    return [name for name, consumed in queues.items() if any(queue["name"] == "roster" for queue in consumed)]


@contextlib.contextmanager
def roster_worker(say: Say) -> Iterator[None]:
    """The running roster workers, or one started for the benchmark (one process per core) and stopped after."""
    running = _roster_workers()
    if running:
        say(f"workers on the roster queue: {', '.join(sorted(running))}")
        yield
        return
    nodename = f"bench-roster-{os.getpid()}@localhost"
    log = Path(settings.VAR_DIR) / f"bench-roster-worker-{os.getpid()}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "opsroom", "worker", "-Q", "roster", "-P", "prefork",
             "--concurrency", str(os.cpu_count() or 1), "-n", nodename, "--without-gossip", "--without-mingle",
             "--loglevel", "WARNING"],
            cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + WORKER_START_S
        while not app.control.ping(destination=[nodename], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise CommandError(f"The benchmark's roster worker did not start; see {log}")
        say(f"started a roster worker ({os.cpu_count()} processes, log {log})")
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RosterBenchmark:
    help = ("Solve, check and re-plan a generated roster (default: a Polres, 60 sites, 450 personnel, 30 days); "
            "--polres N also solves N of them in parallel on Celery workers.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--sites", type=int, default=60, help="Guarded sites (default 60).")
        parser.add_argument("--personnel", type=int, default=450, help="Personnel (default 450).")
        parser.add_argument("--days", type=int, default=30, help="Days planned (default 30).")
        parser.add_argument("--pattern", choices=sorted(SHIFT_PATTERNS), default="8h",
                            help="Three 8-hour shifts (default) or two 12-hour shifts.")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the generated instance (default 0).")
        parser.add_argument("--time-limit", type=float, default=10.0, help="Solver time limit, s (default 10).")
        parser.add_argument("--polres", type=int, default=0,
                            help="Also solve this many such instances in parallel on Celery (a Polda: 20).")

    def run(self, options: dict[str, Any], say: Say) -> dict[str, float | int | str]:
        sites, personnel, days = options["sites"], options["personnel"], options["days"]
        if sites < 1 or personnel < 1 or days < SICK_DAYS or options["polres"] < 0:
            raise CommandError(f"--sites and --personnel must be at least 1, --days at least {SICK_DAYS}, "
                               "--polres at least 0")
        limit = options["time_limit"]
        problem = generate(sites, personnel, days, seed=options["seed"], pattern=options["pattern"])
        demand = sum(slot.hours for slot in problem.slots)
        say(f"instance: {sites} sites, {personnel} personnel, {days} days, {options['pattern']} shifts: "
            f"{len(problem.slots)} slots, demand {demand:.0f} h = {demand / lawful_hours(problem):.1%} "
            f"of the lawful hours")

        solution = solve(problem, time_limit_s=limit)
        violations = check(problem, solution.assignments)
        spread = fairness_spread_h(problem, solution.assignments)
        say(f"solve: {solution.solve_s:.2f} s, {solution.status}, {len(solution.assignments)}/{len(problem.slots)} "
            f"slots, {len(solution.gaps)} gaps, {len(violations)} hard violations, hours spread {spread:.0f} h "
            f"(construction {solution.stats.get('construct_s', 0.0):.2f} s)")
        fewest, most = nights_range(problem, solution.assignments)
        say(f"soft goals: nights per person {fewest}..{most}, next shift at the same site "
            f"{same_site_share(problem, solution.assignments):.0%} of the time")
        for violation in violations[:5]:
            say(f"  violation: {violation.message}")

        sick_from = min(slot.start for slot in problem.slots) + dt.timedelta(days=days // 3)
        replan_problem, sick_id = sick_call(problem, solution, start=sick_from, days=SICK_DAYS)
        replan = solve(replan_problem, time_limit_s=limit)
        changed = changed_slots(replan_problem.published, replan.assignments)
        replan_violations = check(replan_problem, replan.assignments)
        must = sum(1 for slot_id in changed if solution.assignments.get(slot_id) == sick_id)
        say(f"re-plan (person {sick_id} sick {SICK_DAYS} days from {sick_from.isoformat()}): {replan.solve_s:.2f} s, "
            f"{len(changed)} slots changed ({must} were the sick person's), {len(replan.gaps)} gaps, "
            f"{len(replan_violations)} hard violations")

        figures: dict[str, float | int | str] = {
            "solve_s": solution.solve_s,
            "coverage": f"{_coverage(problem, solution):.4f}",
            "hard_violations": len(violations) + len(replan_violations),
            "fairness_spread_h": spread,
            "replan_s": replan.solve_s,
            "replan_changed": len(changed),
        }
        if options["polres"]:
            figures.update(self._polda(options, say))
        return figures

    def _polda(self, options: dict[str, Any], say: Say) -> dict[str, float | int | str]:
        count = options["polres"]
        problems = [generate(options["sites"], options["personnel"], options["days"], seed=options["seed"] + number,
                             pattern=options["pattern"]) for number in range(1, count + 1)]
        with roster_worker(say):
            started = time.perf_counter()
            solutions = solve_parallel(problems, time_limit_s=options["time_limit"])
            wall_s = time.perf_counter() - started
        slots = sum(len(problem.slots) for problem in problems)
        filled = sum(len(solution.assignments) for solution in solutions)
        violations = sum(len(check(problem, solution.assignments))
                         for problem, solution in zip(problems, solutions, strict=True))
        slowest = max(solution.solve_s for solution in solutions)
        say(f"polda: {count} Polres in parallel on Celery: {wall_s:.2f} s wall, slowest part {slowest:.2f} s, "
            f"{filled}/{slots} slots, {violations} hard violations")
        return {"polda_s": wall_s, "polda_coverage": f"{filled / slots:.4f}", "polda_hard_violations": violations}


BENCHMARKS = {"roster": RosterBenchmark}

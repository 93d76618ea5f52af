"""Celery tasks of the patrols app: thin, take ids, call actions."""

from celery import shared_task

from patrols.actions import checkin, planning


@shared_task(name=planning.PLAN_TASK, ignore_result=True, acks_late=False)
def plan_roster(plan_id: int) -> None:
    """Solve one roster plan (routed to the ``roster`` queue by its name)."""
    planning.run_plan(plan_id)


@shared_task(name="patrols.detect_no_shows", ignore_result=True)
def detect_no_shows() -> None:
    """Beat sends this every minute: raise no-show alerts for shifts nobody checked in to."""
    checkin.detect_no_shows()


@shared_task(name="patrols.fail_stalled_plans", ignore_result=True)
def fail_stalled_plans() -> None:
    """Beat sends this every minute: a plan whose worker died is marked failed, so its unit can plan again."""
    planning.do_fail_stalled_plans()

"""Opsroom: project wiring and the ops room (live pushes, commander map, reports)."""

from opsroom.celery import app as celery_app

__all__ = ["celery_app"]

"""Background jobs, through Django's tasks API (the django-tasks backport on Django 5.2): the
database backend on the embedded default, any worker machine in production."""

from __future__ import annotations

from django_tasks import task

from zakrila.cases.reminders import reminders_refresh


@task()
def refresh_reminders() -> dict[str, int]:
    result = reminders_refresh()
    return {"created": result.created, "closed": result.closed}

"""One record per form sent, however many times it is sent.

A create form carries a one-time key (``{% submission_key %}`` in its template, or the
``Idempotency-Key`` header for the offline outbox). ``submit_once`` claims the key in the same
transaction as the record the form creates: a second submission with the same key — a double
click, five impatient clicks at once, the outbox sending again after a lost answer — creates
nothing and is sent to the record the first one created.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.core.models import Submission

M = TypeVar("M", bound=models.Model)

FIELD = "submission_key"
HEADER = "Idempotency-Key"
# How long a key is remembered: longer than any outbox waits for a signal.
KEPT_FOR = dt.timedelta(days=30)


class AlreadySubmitted(Exception):
    """This form was sent before; ``url`` is the record it created."""

    def __init__(self, submission: Submission) -> None:
        self.submission = submission
        self.url = submission.url
        super().__init__(
            _("This form was already sent, so nothing new was recorded. Here is what it recorded.")
        )


def new_key() -> str:
    return str(uuid.uuid4())


def key_of(request: HttpRequest) -> uuid.UUID | None:
    """The submission's key, from the form or the header; None when there is none or it is not
    a key (the form is then taken as before, once per submission)."""
    raw = request.POST.get(FIELD) or request.headers.get(HEADER) or ""
    try:
        return uuid.UUID(str(raw)[:64])
    except ValueError:
        return None


def submit_once(request: HttpRequest, create: Callable[[], M], *, then: str = "") -> M:
    """Run ``create`` (a service that creates one record) once per submission key.

    ``then`` is where a repeated submission is sent (the page the first one went on to):
    by default the created record's own page.

    Raises ``AlreadySubmitted`` when the key was used before, and whatever ``create`` raises
    (the claim is then rolled back with everything else, so the corrected form can be sent).
    """
    key = key_of(request)
    if key is None:
        return create()
    user: Any = request.user
    try:
        with transaction.atomic():
            claim = Submission.objects.create(user=user, key=key, path=request.path[:300])
            record = create()
            claim.object_type = record._meta.label_lower
            claim.object_id = str(record.pk)
            url = getattr(record, "get_absolute_url", None)
            claim.url = then or (url() if callable(url) else "/")
            claim.save(update_fields=["object_type", "object_id", "url"])
            return record
    except IntegrityError:
        earlier = Submission.objects.filter(user=user, key=key).first()
        if earlier is None:
            raise  # another rule of the database refused the record itself
        raise AlreadySubmitted(earlier) from None


def submissions_forget(*, now: dt.datetime | None = None) -> int:
    """Forget keys older than ``KEPT_FOR`` (run by the retention job)."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _detail = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def already_sent(request: HttpRequest, done: AlreadySubmitted) -> HttpResponse:
    """Send a repeated submission to what the first one created, and say so."""
    messages.info(request, str(done))
    return redirect(done.url or "/")

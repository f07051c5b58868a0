"""The queue of likely duplicates: compare two records, merge them or mark them different."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zakrila.accounts.policy import (
    can_see_confidential,
    get_visible_or_404,
    people_visible_to,
    require,
)
from zakrila.audit.services import audit_search, audit_view
from zakrila.core.http import MemberRequest
from zakrila.people.forms import MergeForm
from zakrila.people.queries import duplicate_pairs
from zakrila.people.services import (
    duplicate_dismiss,
    person_merge,
)


@login_required
def duplicate_list(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "person.merge", organisation_id=organisation_id)
    pairs = duplicate_pairs(user=request.user, organisation_id=organisation_id)
    audit_search(
        actor=request.user,
        organisation_id=organisation_id,
        object_type="people.person",
        details={"duplicates": True, "pairs": len(pairs)},
    )
    return render(request, "people/duplicate_list.html", {"pairs": pairs, "nav_active": "people"})


@login_required
def duplicate_compare(request: MemberRequest, first: int, second: int) -> HttpResponse:
    """Two records side by side; merge them into one, or mark them as different people."""
    visible = people_visible_to(request.user).select_related("unit")
    one = get_visible_or_404(visible, pk=first)
    other = get_visible_or_404(visible, pk=second)
    require(request.user, "person.merge", organisation_id=one.organisation_id)
    if one.organisation_id != other.organisation_id or one.pk == other.pk:
        raise Http404(_("There is no such record, or you may not see it."))
    form = MergeForm(request.POST or None, choices=[(one.pk, one), (other.pk, other)])
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["decision"] == "different":
            duplicate_dismiss(actor=request.user, first=one, second=other)
            messages.success(
                request, _("Marked as two different people; the pair leaves the queue.")
            )
            return redirect("people:duplicates")
        keep, merge = (one, other) if int(form.cleaned_data["keep"]) == one.pk else (other, one)
        try:
            kept = person_merge(actor=request.user, keep=keep, merge=merge)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The records are merged into one."))
            return redirect(kept)
    for person in (one, other):
        audit_view(actor=request.user, obj=person, person_id=person.pk, what="duplicate comparison")
    return render(
        request,
        "people/duplicate_compare.html",
        {
            "one": one,
            "other": other,
            "pair": [one, other],
            "form": form,
            "show_confidential": can_see_confidential(request.user, one),
            "nav_active": "people",
        },
    )

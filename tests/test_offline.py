"""Offline capture, the server's half: the manifest and the service worker, the pages kept for
offline work, and the outbox's protocol — a replayed form is recorded once, a stale edit is a
conflict that overwrites nothing, a refusal says what to fix, a signed-out outbox is asked to
sign in. The browser's half is in tests/browser/test_offline.py."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django import forms
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PersonFactory, member
from zakrila.accounts.models import Role
from zakrila.cases.models import Contact
from zakrila.cases.services import case_open
from zakrila.core import offline_views
from zakrila.core.models import Submission
from zakrila.people.services import person_update

OUTBOX = {"HTTP_X_ZAKRILA_OUTBOX": "1"}


@pytest.fixture
def case(worker, cop, org):
    return case_open(
        actor=worker, unit=cop, person=PersonFactory(organisation=org, unit=cop),
        key_worker=worker, without_referral_reason="консултация",
    )  # fmt: skip


def _contact(key: str | None = None, **changes: Any) -> dict[str, Any]:
    data = {
        "kind": "home_visit", "occurred_at": "02.11.2026 10:00", "duration_minutes": 30,
        "note": "посещение на терен", "submission_key": key or str(uuid.uuid4()),
    }  # fmt: skip
    data.update(changes)
    return data


def _as_posted(form: forms.BaseForm, **changes: Any) -> dict[str, Any]:
    """The form as the browser would send it unchanged, with ``changes``."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.name] = "on"
            continue
        if value is None:
            value = ""
        elif not isinstance(value, list | str):
            value = widget.format_value(value) or ""
        data[bound.name] = value
    data.update(changes)
    return data


def _answer(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return json.loads(response.content)


# --- The app: manifest, service worker, the pages kept -------------------------------------


def test_the_manifest_is_linked_from_every_page_and_open_to_all(client, worker):
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in login_page
    client.force_login(worker)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in client.get("/").content.decode()
    client.logout()
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["short_name"] == "Закрила" and manifest["lang"] == "bg"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:  # every icon is a file we ship
        assert client.get(icon["src"]).status_code == 200, icon["src"]


def test_the_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-store" in response["Cache-Control"]
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    settings = json.loads(script.split("\n", 1)[0].removeprefix("self.ZAKRILA = ").rstrip(";"))
    assert settings["offline"] == "/offline/"
    assert "/static/zakrila/outbox.js" in settings["precache"]
    assert settings["version"] and "{%" not in script
    # The worker's scripts are allowed by the Content-Security-Policy.
    csp = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp


def test_a_new_release_of_a_kept_file_gives_the_worker_a_new_version(client, monkeypatch):
    def version() -> str:
        first = client.get("/sw.js").content.decode().split("\n", 1)[0]
        return json.loads(first.removeprefix("self.ZAKRILA = ").rstrip(";"))["version"]

    before = version()
    assert version() == before  # stable while nothing changes
    monkeypatch.setattr(offline_views, "_static_fingerprint", lambda: "another release")
    assert version() != before


def test_the_contact_form_is_kept_for_offline_work_and_the_case_page_is_not(client, worker, case):
    client.force_login(worker)
    contact_page = client.get(reverse("cases:contact_new", args=[case.pk]))
    assert contact_page["X-Zakrila-Offline"] == "page"
    html = contact_page.content.decode()
    assert "data-outbox " in html and 'name="submission_key"' in html
    assert "data-offline-now" in html  # the kept copy shows the time it is opened
    for url in (case.get_absolute_url(), reverse("people:edit", args=[case.person_id]), "/"):
        assert "X-Zakrila-Offline" not in client.get(url), url
    # A refused form shown again is never kept.
    refused = client.post(reverse("cases:contact_new", args=[case.pk]), _contact(kind=""))
    assert refused.status_code == 200 and "X-Zakrila-Offline" not in refused


def test_every_signed_in_answer_names_its_owner_and_owners_differ(client, worker, colleague):
    assert "X-Zakrila-Owner" not in client.get(reverse("accounts:login"))
    client.force_login(worker)
    mine = client.get("/")["X-Zakrila-Owner"]
    assert mine == client.get(reverse("core:outbox_session")).json()["owner"]
    assert str(worker.pk) != mine and worker.email not in mine
    client.force_login(colleague)
    assert client.get("/")["X-Zakrila-Owner"] != mine


def test_the_no_connection_page_holds_nobodys_data(client, worker):
    client.force_login(worker)
    page = client.get(reverse("core:offline"))
    assert page.status_code == 200
    html = page.content.decode()
    assert worker.full_name not in html and worker.email not in html
    config = json.loads(
        html.split('id="zakrila-offline" type="application/json">')[1].split("<")[0]
    )
    assert config["owner"] == ""


# --- The session the outbox asks for before it sends ---------------------------------------


def test_the_outbox_session_says_signed_out_as_json(client):
    response = client.get(reverse("core:outbox_session"))
    assert response.status_code == 401
    assert _answer(response)["status"] == "signed_out"
    assert _answer(response)["url"].startswith("/accounts/login/")


def test_a_token_from_the_outbox_session_lets_the_outbox_send(worker, case):
    """The outbox sends long after the page was kept: it uses the session's CSRF token, never
    the page's."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    url = reverse("cases:contact_new", args=[case.pk])
    without = client.post(url, _contact(), **OUTBOX)
    assert _answer(without)["status"] == "error"  # the CSRF check refused it: it waits
    csrf = client.get(reverse("core:outbox_session")).json()["csrf"]
    sent = client.post(url, _contact(), HTTP_X_CSRFTOKEN=csrf, **OUTBOX)
    assert _answer(sent)["status"] == "done"
    assert Contact.objects.filter(case=case).count() == 1


# --- The protocol -----------------------------------------------------------------------------


def test_a_contact_from_the_outbox_is_done_and_leads_to_the_case(client, worker, case):
    client.force_login(worker)
    response = client.post(reverse("cases:contact_new", args=[case.pk]), _contact(), **OUTBOX)
    assert response.status_code == 200
    answer = _answer(response)
    assert answer == {
        "status": "done", "message": "Контактът е записан.", "url": case.get_absolute_url(),
        "repeated": False,
    }  # fmt: skip
    assert Contact.objects.filter(case=case).count() == 1
    # Sent in the background: its message does not turn up later on another page.
    assert "Контактът е записан." not in client.get(case.get_absolute_url()).content.decode()


def test_a_form_sent_by_its_page_keeps_its_message_for_the_next_page(client, worker, case):
    client.force_login(worker)
    url = reverse("cases:contact_new", args=[case.pk])
    response = client.post(url, _contact(), HTTP_X_ZAKRILA_OUTBOX="page")
    assert _answer(response)["status"] == "done"
    assert "Контактът е записан." in client.get(case.get_absolute_url()).content.decode()


def test_the_same_outbox_entry_sent_again_records_nothing_new(client, worker, case):
    client.force_login(worker)
    url = reverse("cases:contact_new", args=[case.pk])
    key = str(uuid.uuid4())
    first = _answer(client.post(url, _contact(key), **OUTBOX))
    # The answer was lost on the way; the outbox sends the entry again, by header too.
    again = _answer(client.post(url, _contact(key), **OUTBOX))
    by_header = _answer(
        client.post(url, _contact(key, submission_key=""), HTTP_IDEMPOTENCY_KEY=key, **OUTBOX)
    )
    assert first["repeated"] is False
    assert again["status"] == by_header["status"] == "done"
    assert again["repeated"] is by_header["repeated"] is True
    assert again["url"] == first["url"] == case.get_absolute_url()
    assert Contact.objects.filter(case=case).count() == 1


def test_refused_input_is_refused_with_what_to_fix_and_can_be_sent_corrected(client, worker, case):
    client.force_login(worker)
    url = reverse("cases:contact_new", args=[case.pk])
    key = str(uuid.uuid4())
    response = client.post(url, _contact(key, occurred_at="вчера"), **OUTBOX)
    assert response.status_code == 422
    answer = _answer(response)
    assert answer["status"] == "refused"
    assert answer["message"].startswith("Дата и час:"), answer["message"]  # the field, then why
    assert not Contact.objects.filter(case=case).exists()
    assert not Submission.objects.filter(key=key).exists()  # the key is free for the correction
    corrected = _answer(client.post(url, _contact(key), **OUTBOX))
    assert corrected["status"] == "done" and Contact.objects.filter(case=case).count() == 1


def test_a_rule_of_the_service_is_a_refusal_too(client, worker, case):
    client.force_login(worker)
    url = reverse("cases:contact_new", args=[case.pk])
    answer = _answer(client.post(url, _contact(duration_minutes=2000), **OUTBOX))
    assert answer["status"] == "refused"
    assert "24" in answer["message"]
    assert not Contact.objects.filter(case=case).exists()


def test_a_stale_offline_edit_is_a_conflict_and_overwrites_nothing(client, worker, org, cop):
    child = PersonFactory(organisation=org, unit=cop, phone="", address="")
    colleague = member(org, Role.SPECIALIST, email="colleague-offline@example.bg")
    client.force_login(worker)
    url = reverse("people:edit", args=[child.pk])
    form = client.get(url).context["form"]
    assert form["version"].value() == child.version
    # While the worker is offline, a colleague changes the record on the server.
    person_update(
        actor=colleague, person=child, data={"phone": "0888123456"}, expected_version=child.version
    )
    data = _as_posted(form, address="ул. „Гарова“ 3", submission_key=str(uuid.uuid4()))
    response = client.post(url, data, **OUTBOX)
    assert response.status_code == 409
    answer = _answer(response)
    assert answer["status"] == "conflict"
    assert "colleague-offline@example.bg" in answer["message"]  # who changed it
    child.refresh_from_db()
    assert (child.phone, child.address) == ("0888123456", "")  # nothing of the worker's applied


def test_an_edit_sent_twice_is_done_once_not_a_conflict_with_itself(client, worker, org, cop):
    child = PersonFactory(organisation=org, unit=cop, phone="")
    before = child.version
    client.force_login(worker)
    url = reverse("people:edit", args=[child.pk])
    data = _as_posted(client.get(url).context["form"], phone="0877000111")
    data["submission_key"] = str(uuid.uuid4())
    first = _answer(client.post(url, data, **OUTBOX))
    again = _answer(client.post(url, data, **OUTBOX))
    assert first["status"] == again["status"] == "done"
    assert again["repeated"] is True
    child.refresh_from_db()
    assert child.phone == "0877000111" and child.version == before + 1


def test_a_signed_out_outbox_is_asked_to_sign_in_and_nothing_is_recorded(client, case):
    response = client.post(reverse("cases:contact_new", args=[case.pk]), _contact(), **OUTBOX)
    assert response.status_code == 401
    answer = _answer(response)
    assert answer["status"] == "signed_out" and answer["url"] == reverse("accounts:login")
    assert not Contact.objects.exists()


@override_settings(ZAKRILA_REQUIRE_2FA=True)
def test_an_outbox_that_must_finish_signing_in_is_told_where(client, worker, case):
    client.force_login(worker)  # signed in, the one-time code not yet given
    response = client.post(reverse("cases:contact_new", args=[case.pk]), _contact(), **OUTBOX)
    answer = _answer(response)
    assert answer["status"] == "signed_out" and answer["url"].startswith("/accounts/2fa/")
    assert not Contact.objects.exists()


def test_a_role_without_the_right_is_refused_with_the_reason(client, org, case):
    carer = member(org, Role.CARER, email="carer-offline@example.bg")
    client.force_login(carer)
    response = client.post(reverse("cases:contact_new", args=[case.pk]), _contact(), **OUTBOX)
    assert response.status_code == 403
    answer = _answer(response)
    assert answer["status"] == "refused"
    assert "контакт" in answer["message"].lower()
    assert not Contact.objects.exists()


def test_another_organisations_record_is_refused_as_not_found(client, outsider, case):
    client.force_login(outsider)
    response = client.post(reverse("cases:contact_new", args=[case.pk]), _contact(), **OUTBOX)
    assert response.status_code == 404
    assert _answer(response)["status"] == "refused"
    assert not Contact.objects.exists()


def test_forms_without_the_header_are_answered_as_before(client, worker, case):
    client.force_login(worker)
    response = client.post(reverse("cases:contact_new", args=[case.pk]), _contact())
    assert response.status_code == 302 and response.url == case.get_absolute_url()


def test_a_refusal_by_redirect_with_an_error_message_is_a_refusal(client, worker, case):
    """Some views refuse with a message and a redirect (adding a goal to a plan)."""
    from zakrila.cases.services import plan_create

    plan = plan_create(actor=worker, case=case, starts_on=case.opened_on)
    client.force_login(worker)
    url = reverse("cases:plan_goal_add", args=[plan.pk])
    answer = _answer(client.post(url, {"text": ""}, **OUTBOX))
    assert answer["status"] == "refused" and answer["message"] == "Напишете целта."
    assert (
        _answer(client.post(url, {"text": "Детето ходи на училище"}, **OUTBOX))["status"] == "done"
    )

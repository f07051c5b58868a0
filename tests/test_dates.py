"""Dates as people enter them: a native picker on every date field of every form, the common
Bulgarian ways of writing a date accepted, and a wrong date answered with the expected form."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

import zakrila
from tests.factories import member
from zakrila.accounts.models import Role
from zakrila.core.dates import DatePickerInput, DateTimePickerInput


def _every_form_class() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(zakrila.__path__, "zakrila."):
        if ".migrations" in module.name or module.name.endswith(("__main__", "wsgi", "settings")):
            continue
        importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("zakrila."):
                found.append(sub)
    return found


def test_every_date_field_of_every_form_is_a_native_picker():
    classes = _every_form_class()
    assert len(classes) > 30, "the walk found the project's forms"
    checked, wrong, refuses_iso = 0, [], []
    for form_class in classes:
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, forms.DateTimeField):
                expected: type = DateTimePickerInput
            elif isinstance(field, forms.DateField):
                expected = DatePickerInput
            else:
                continue
            checked += 1
            where = f"{form_class.__module__}.{form_class.__name__}.{name}"
            if not isinstance(field.widget, expected):
                wrong.append(where)
            sample = "2026-11-27T14:30" if expected is DateTimePickerInput else "2026-11-27"
            try:
                field.to_python(sample)
            except forms.ValidationError:
                refuses_iso.append(where)  # its own input_formats leave out the picker's form
    assert checked > 25
    assert not wrong, f"date fields without the picker: {wrong}"
    assert not refuses_iso, f"date fields refusing what the picker sends: {refuses_iso}"


def test_the_pickers_render_as_the_browsers_date_inputs():
    class Form(forms.Form):
        on = forms.DateField()
        at = forms.DateTimeField()

    html = str(Form(initial={"on": dt.date(2026, 11, 27), "at": dt.datetime(2026, 11, 27, 14, 30)}))  # noqa: DTZ001

    assert 'type="date" name="on" value="2026-11-27"' in html
    assert 'type="datetime-local" name="at" value="2026-11-27T14:30"' in html


@pytest.mark.parametrize(
    "typed", ["27.11.2026", "27.11.26", "27/11/2026", "27/11/26", "2026-11-27", " 27.11.2026 "]
)
def test_the_common_bulgarian_ways_of_writing_a_date_are_accepted(typed):
    with translation.override("bg"):
        assert forms.DateField().clean(typed) == dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    "typed",
    [
        "27.11.2026 14:30",
        "27.11.26 14:30",
        "27/11/2026 14:30",
        "2026-11-27T14:30",
        "2026-11-27 14:30",
    ],
)
def test_the_common_ways_of_writing_a_date_and_time_are_accepted(typed, settings):
    with translation.override("bg"):
        value = forms.DateTimeField().clean(typed)
    assert (value.year, value.month, value.day, value.hour, value.minute) == (2026, 11, 27, 14, 30)


@pytest.mark.parametrize("typed", ["31.02.2026", "27-11-2026", "вчера", "11/27/2026"])
def test_a_wrong_date_is_answered_with_the_expected_form_in_bulgarian(typed):
    with translation.override("bg"), pytest.raises(forms.ValidationError) as refused:
        forms.DateField().clean(typed)
    assert "дд.мм.гггг" in refused.value.messages[0]
    assert refused.value.messages[0].startswith("Въведете датата")


def test_a_wrong_date_and_time_is_answered_with_the_expected_form_in_bulgarian():
    with translation.override("bg"), pytest.raises(forms.ValidationError) as refused:
        forms.DateTimeField().clean("27.11.2026 25:00")
    assert "дд.мм.гггг чч:мм" in refused.value.messages[0]


def test_a_date_typed_another_way_is_shown_again_in_the_picker():
    class Form(forms.Form):
        on = forms.DateField()
        at = forms.DateTimeField()
        must = forms.CharField()

    with translation.override("bg"):
        html = str(Form(data={"on": "27/11/2026", "at": "27.11.2026 14:30", "must": ""}))

    assert 'value="2026-11-27"' in html
    assert 'value="2026-11-27T14:30"' in html


def test_a_page_takes_a_bulgarian_date_and_shows_it_in_the_picker(client, org):
    client.force_login(member(org, Role.DPO))

    response = client.get(
        reverse("audit:search"), {"date_from": "01/11/2026", "date_to": "27.11.26"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'type="date" name="date_from" value="2026-11-01"' in page
    assert 'type="date" name="date_to" value="2026-11-27"' in page


def test_a_page_answers_a_wrong_date_with_the_expected_form(client, org):
    client.force_login(member(org, Role.DPO))

    response = client.get(reverse("audit:search"), {"date_from": "32.11.2026"})

    assert "Въведете датата във вида дд.мм.гггг" in response.content.decode()

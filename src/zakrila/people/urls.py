from django.urls import path

from zakrila.people.views import consents, duplicates, households, people, privacy

app_name = "people"

urlpatterns = [
    path("", people.person_list, name="list"),
    path("search/", people.person_search, name="search"),
    path("new/", people.person_new, name="create"),
    path("duplicates/", duplicates.duplicate_list, name="duplicates"),
    path(
        "duplicates/<int:first>/<int:second>/",
        duplicates.duplicate_compare,
        name="duplicate_compare",
    ),
    path("<int:pk>/", people.person_detail, name="person"),
    path("<int:pk>/edit/", people.person_edit, name="edit"),
    path("<int:pk>/history/", privacy.person_history, name="history"),
    path("<int:pk>/export.<str:fmt>", privacy.person_export, name="export"),
    path("<int:pk>/erase/", privacy.person_erase, name="erase"),
    path("<int:pk>/households/new/", households.household_new, name="household_new"),
    path("<int:pk>/consents/new/", consents.consent_new, name="consent_new"),
    path("<int:pk>/disclosures/new/", consents.disclosure_new, name="disclosure_new"),
    path("households/<int:pk>/", households.household_detail, name="household"),
    path(
        "households/<int:pk>/members/new/",
        households.household_member_new,
        name="household_member_new",
    ),
    path("consents/<int:pk>/withdraw/", consents.consent_withdraw_view, name="consent_withdraw"),
]

from django.urls import path

from zakrila.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("search/", views.person_search, name="search"),
    path("new/", views.person_new, name="create"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/<int:first>/<int:second>/", views.duplicate_compare, name="duplicate_compare"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/history/", views.person_history, name="history"),
    path("<int:pk>/export.<str:fmt>", views.person_export, name="export"),
    path("<int:pk>/erase/", views.person_erase, name="erase"),
    path("<int:pk>/households/new/", views.household_new, name="household_new"),
    path("<int:pk>/consents/new/", views.consent_new, name="consent_new"),
    path("<int:pk>/disclosures/new/", views.disclosure_new, name="disclosure_new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path(
        "households/<int:pk>/members/new/", views.household_member_new, name="household_member_new"
    ),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
]

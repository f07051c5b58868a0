from django.urls import path

from zakrila.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/move/", views.case_move_view, name="move"),
    path("<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("<int:pk>/history/", views.case_history, name="history"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("new-for/<int:person_pk>/", views.case_new, name="case_new"),
    path("referrals/new-for/<int:person_pk>/", views.referral_new, name="referral_new"),
]

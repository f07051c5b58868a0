from django.urls import path

from zakrila.organisations import views

app_name = "organisations"

urlpatterns = [
    path("<int:pk>/", views.organisation_detail, name="organisation"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
]

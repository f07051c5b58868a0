from django.urls import path

from zakrila.placements import views

app_name = "placements"

urlpatterns = [
    path("", views.board_list, name="boards"),
    path("units/<int:pk>/", views.board, name="board"),
    path("units/<int:pk>/admit/", views.admit, name="admit"),
    path("units/<int:pk>/admit/new-child/", views.admit_new_child, name="admit_new_child"),
    path("units/<int:pk>/figures/", views.figures, name="figures"),
    path("units/<int:pk>/figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("<int:pk>/", views.placement_detail, name="placement"),
    path("<int:pk>/discharge/", views.discharge, name="discharge"),
]

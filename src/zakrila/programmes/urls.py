from django.urls import URLPattern, URLResolver, path

from zakrila.programmes.views import engine, prevention, programme

app_name = "programmes"

urlpatterns: list[URLPattern | URLResolver] = [
    path("visits/", engine.visits_due, name="visits_due"),
    path("visits/<int:pk>/", engine.visit_detail, name="visit"),
    path("visits/<int:pk>/missed/", engine.visit_missed, name="visit_missed"),
    path("enrolments/<int:pk>/", engine.enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/visit/", engine.visit_new, name="visit_new"),
    path("enrolments/<int:pk>/stage/", engine.enrolment_stage, name="enrolment_stage"),
    path("enrolments/<int:pk>/end/", engine.enrolment_close, name="enrolment_end"),
    path("enrol/<int:person_pk>/", engine.enrol, name="enrol"),
    path("<int:pk>/", programme.programme_detail, name="programme"),
    path("<int:pk>/maternity/new/", prevention.maternity_new, name="maternity_new"),
    path("<int:pk>/pregnancy/new/", prevention.pregnancy_new, name="pregnancy_new"),
    path("<int:pk>/leaving/new/", prevention.leaving_new, name="leaving_new"),
    path("enrolments/<int:pk>/birth/", prevention.pregnancy_birth_view, name="pregnancy_birth"),
    path("enrolments/<int:pk>/left/", prevention.leaving_left, name="leaving_left"),
    path("enrolments/<int:pk>/screening/", prevention.screening_new, name="screening_new"),
    path("enrolments/<int:pk>/goals/", prevention.goal_new, name="goal_new"),
    path("goals/<int:pk>/met/", prevention.goal_done, name="goal_met"),
    path("<int:pk>/export.xlsx", programme.programme_export_xlsx, name="export_xlsx"),
    path("<int:pk>/export.csv", programme.programme_export_csv, name="export_csv"),
]

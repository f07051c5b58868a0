from django.urls import URLPattern, URLResolver, path

from zakrila.programmes.views import calls, engine, groups, outreach, prevention, programme

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

# Groups, the SOS line, street and field work (#11).
urlpatterns += [
    path("line/", calls.line, name="line"),
    path("line/new/", calls.call_new, name="call_new"),
    path("line/non-contact/", calls.non_contact, name="non_contact"),
    path("line/figures/", calls.line_figures, name="line_figures"),
    path("line/<int:pk>/", calls.call_detail, name="call"),
    path("line/<int:pk>/referral/", calls.call_referral, name="call_referral"),
    path("groups/", groups.group_list, name="groups"),
    path("groups/new/", groups.group_new, name="group_new"),
    path("groups/<int:pk>/", groups.group_detail, name="group"),
    path("groups/<int:pk>/members/new/", groups.group_member_new, name="group_member_new"),
    path("groups/<int:pk>/sessions/new/", groups.group_session_new, name="group_session_new"),
    path(
        "groups/sessions/<int:pk>/attendance/",
        groups.group_attendance,
        name="group_attendance",
    ),
    path("outreach/", outreach.outreach_list, name="outreach"),
    path("outreach/new/", outreach.outreach_session_new, name="outreach_session_new"),
    path("outreach/<int:pk>/", outreach.outreach_session, name="outreach_session"),
    path(
        "outreach/<int:pk>/contacts/new/",
        outreach.outreach_contact_new,
        name="outreach_contact_new",
    ),
    path("outreach/people/<int:pk>/", outreach.outreach_person, name="outreach_person"),
    path("outreach/people/<int:pk>/drop-in/", outreach.drop_in_new, name="drop_in_new"),
    path(
        "outreach/people/<int:pk>/identify/", outreach.outreach_identify, name="outreach_identify"
    ),
    path("outreach/people/<int:pk>/case/", outreach.outreach_case_new, name="outreach_case_new"),
]

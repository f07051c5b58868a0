from django.urls import URLPattern, URLResolver, path

from zakrila.programmes.views import calls, groups, outreach

app_name = "programmes"

urlpatterns: list[URLPattern | URLResolver] = []

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

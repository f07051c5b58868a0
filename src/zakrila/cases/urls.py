from django.urls import path

from zakrila.cases.views import assessments, cases, documents, plans, work

app_name = "cases"

urlpatterns = [
    path("", cases.case_list, name="list"),
    path("my-work/", work.my_work, name="my_work"),
    path("<int:pk>/close/", work.closure_new, name="close"),
    path("<int:pk>/closure/", work.closure_decide, name="closure_decide"),
    path("<int:pk>/tasks/new/", work.task_new, name="task_new"),
    path("tasks/<int:pk>/done/", work.task_done, name="task_done"),
    path("follow-ups/<int:pk>/", work.follow_up_view, name="follow_up"),
    path("<int:pk>/assessments/new/", assessments.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment"),
    path(
        "assessments/<int:pk>/approve/",
        assessments.assessment_approve_view,
        name="assessment_approve",
    ),
    path("assessments/<int:pk>/print.pdf", assessments.assessment_pdf, name="assessment_pdf"),
    path("<int:pk>/plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("plans/<int:pk>/goals/", plans.plan_goal_add, name="plan_goal_add"),
    path("plans/<int:pk>/approve/", plans.plan_approve_view, name="plan_approve"),
    path("plans/<int:pk>/print.pdf", plans.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/reviews/new/", plans.review_new, name="review_new"),
    path("goals/<int:pk>/activities/", plans.plan_activity_add, name="plan_activity_add"),
    path("goals/<int:pk>/remove/", plans.plan_goal_remove, name="plan_goal_remove"),
    path("<int:pk>/contracts/new/", plans.contract_new, name="contract_new"),
    path("<int:pk>/documents/new/", documents.document_new, name="document_new"),
    path("documents/<int:pk>/", documents.document_download, name="document"),
    path("contracts/<int:pk>/annexes/new/", plans.annex_new, name="annex_new"),
    path("<int:pk>/", cases.case_detail, name="case"),
    path("<int:pk>/edit/", cases.case_edit, name="edit"),
    path("<int:pk>/move/", cases.case_move_view, name="move"),
    path("<int:pk>/contacts/new/", cases.contact_new, name="contact_new"),
    path("<int:pk>/history/", cases.case_history, name="history"),
    path("referrals/<int:pk>/", cases.referral_detail, name="referral"),
    path("new-for/<int:person_pk>/", cases.case_new, name="case_new"),
    path("referrals/new-for/<int:person_pk>/", cases.referral_new, name="referral_new"),
]

from django.urls import path

from zakrila.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("my-work/", views.my_work, name="my_work"),
    path("<int:pk>/close/", views.closure_new, name="close"),
    path("<int:pk>/closure/", views.closure_decide, name="closure_decide"),
    path("<int:pk>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("follow-ups/<int:pk>/", views.follow_up_view, name="follow_up"),
    path("<int:pk>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/approve/", views.assessment_approve_view, name="assessment_approve"),
    path("assessments/<int:pk>/print.pdf", views.assessment_pdf, name="assessment_pdf"),
    path("<int:pk>/plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/goals/", views.plan_goal_add, name="plan_goal_add"),
    path("plans/<int:pk>/approve/", views.plan_approve_view, name="plan_approve"),
    path("plans/<int:pk>/print.pdf", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/reviews/new/", views.review_new, name="review_new"),
    path("goals/<int:pk>/activities/", views.plan_activity_add, name="plan_activity_add"),
    path("goals/<int:pk>/remove/", views.plan_goal_remove, name="plan_goal_remove"),
    path("<int:pk>/contracts/new/", views.contract_new, name="contract_new"),
    path("<int:pk>/documents/new/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("contracts/<int:pk>/annexes/new/", views.annex_new, name="annex_new"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/move/", views.case_move_view, name="move"),
    path("<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("<int:pk>/history/", views.case_history, name="history"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("new-for/<int:person_pk>/", views.case_new, name="case_new"),
    path("referrals/new-for/<int:person_pk>/", views.referral_new, name="referral_new"),
]

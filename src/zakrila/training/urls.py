from django.urls import path

from zakrila.training.views import (
    attendance,
    certificates,
    cohorts,
    feedback,
    figures,
    programmes,
    public,
)

app_name = "training"

urlpatterns = [
    path("", programmes.index, name="index"),
    path("programmes/new/", programmes.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme"),
    path("programmes/<int:pk>/editions/new/", programmes.edition_new_view, name="edition_new"),
    path("editions/<int:pk>/", programmes.edition_detail, name="edition"),
    path("editions/<int:pk>/publish/", programmes.edition_publish_view, name="edition_publish"),
    path("editions/<int:pk>/modules/new/", programmes.module_new, name="module_new"),
    path("modules/<int:pk>/edit/", programmes.module_edit, name="module_edit"),
    path("cohorts/new/", cohorts.cohort_new, name="cohort_new"),
    path("cohorts/<int:pk>/", cohorts.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/edit/", cohorts.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/trainees/new/", cohorts.trainee_new, name="trainee_new"),
    path("cohorts/<int:pk>/sessions/new/", cohorts.session_new, name="session_new"),
    path("cohorts/<int:pk>/completion/", cohorts.completion, name="completion"),
    path(
        "cohorts/<int:pk>/certificates/", certificates.certificates_issue, name="certificates_issue"
    ),
    path("cohorts/<int:pk>/feedback/", feedback.feedback, name="feedback"),
    path("cohorts/<int:pk>/feedback/new/", feedback.feedback_new, name="feedback_new"),
    path("trainees/<int:pk>/", cohorts.trainee_detail, name="trainee"),
    path("trainees/<int:pk>/edit/", cohorts.trainee_edit, name="trainee_edit"),
    path(
        "trainees/<int:pk>/certificate/",
        certificates.certificate_issue_view,
        name="certificate_issue",
    ),
    path("sessions/<int:pk>/attendance/", attendance.attendance, name="attendance"),
    path("certificates/<int:pk>/", certificates.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/pdf/", certificates.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/badge/", certificates.certificate_badge, name="certificate_badge"),
    path(
        "certificates/<int:pk>/revoke/",
        certificates.certificate_revoke_view,
        name="certificate_revoke",
    ),
    path("figures/", figures.figures, name="figures"),
    path("figures.xlsx", figures.figures_xlsx, name="figures_xlsx"),
    # Public, no sign-in: what the QR code on a certificate opens.
    path("verify/", public.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", public.verify, name="verify"),
]

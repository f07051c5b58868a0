from django.contrib import admin

from zakrila.audit.admin import AuditedModelAdmin
from zakrila.cases.models import AssessmentTemplate, TemplateQuestion, TemplateSection


class SectionInline(admin.StackedInline):
    model = TemplateSection
    extra = 0


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(AuditedModelAdmin):
    """Templates are data: an administrator may add one here, or import it from a file."""

    list_display = ("code", "version", "name_bg", "organisation", "is_current")
    list_filter = ("is_current",)
    inlines = [SectionInline]


@admin.register(TemplateQuestion)
class TemplateQuestionAdmin(AuditedModelAdmin):
    list_display = ("key", "text_bg", "answer_type", "required", "section")
    list_filter = ("answer_type", "section__template")

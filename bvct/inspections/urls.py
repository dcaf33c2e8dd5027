from django.urls import path

from bvct.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("templates/", views.templates, name="templates"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/units/", views.plan_add_unit, name="plan-add-unit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan-approve"),
    path("<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("<int:pk>/decision/", views.decision, name="decision"),
    path("<int:pk>/contacts/", views.contact_add, name="contact-add"),
    path("<int:pk>/outline/", views.outline_send, name="outline-send"),
    path("<int:pk>/report/", views.report_save, name="report-save"),
    path("<int:pk>/report/diff/", views.report_diff, name="report-diff"),
    path("<int:pk>/comments/", views.comment_add, name="comment-add"),
    path("<int:pk>/sessions/", views.session_record, name="session-record"),
    path("<int:pk>/findings/", views.finding_add, name="finding-add"),
    path("<int:pk>/findings/case/", views.finding_case, name="finding-case"),
    path("<int:pk>/notice/", views.notice_issue, name="notice-issue"),
    path("<int:pk>/remediation/", views.remediation_add, name="remediation-add"),
    path("<int:pk>/remediation/done/", views.remediation_done, name="remediation-done"),
    path("<int:pk>/remediation/waive/", views.remediation_waive, name="remediation-waive"),
    path("<int:pk>/close/", views.inspection_close, name="close"),
    path("documents/<int:pk>/", views.document_download, name="document"),
]

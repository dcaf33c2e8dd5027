from django.urls import path

from bvct.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("new/", views.job_create, name="job-create"),
    path("<int:pk>/", views.job_detail, name="job-detail"),
    path("<int:pk>/report.xlsx", views.job_report, name="job-report"),
    path("<int:pk>/resume/", views.job_resume, name="job-resume"),
    path("template.xlsx", views.template_download, name="template"),
    path("export/people.xlsx", views.people_export, name="people-export"),
]

from django.urls import path

from bvct.criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.ruleset_list, name="ruleset-list"),
    path("import/", views.ruleset_import, name="ruleset-import"),
    path("versions/<int:pk>/", views.version_detail, name="version-detail"),
    path("versions/<int:pk>/yaml/", views.version_export, name="version-export"),
    path("versions/<int:pk>/diff/", views.version_diff, name="version-diff"),
    path("versions/<int:pk>/impact/", views.version_impact, name="version-impact"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version-publish"),
    path("people/<int:pk>/evaluation/", views.person_evaluation, name="person-evaluation"),
]

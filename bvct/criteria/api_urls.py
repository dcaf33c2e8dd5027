from django.urls import path

from bvct.criteria import api

urlpatterns = [
    path("criteria/rulesets/", api.ruleset_list, name="criteria-ruleset-list"),
    path("criteria/rulesets/import/", api.ruleset_import, name="criteria-ruleset-import"),
    path("criteria/versions/<int:pk>/", api.version_detail, name="criteria-version-detail"),
    path("criteria/versions/<int:pk>/impact/", api.version_impact, name="criteria-version-impact"),
    path(
        "criteria/versions/<int:pk>/publish/", api.version_publish, name="criteria-version-publish"
    ),
    path(
        "criteria/people/<int:pk>/evaluation/",
        api.person_evaluation,
        name="criteria-person-evaluation",
    ),
]

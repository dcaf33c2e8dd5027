"""REST API v1. Each app contributes `api_urls.urlpatterns` inside the one `api` namespace."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include("bvct.accounts.api_urls")),
    path("", include("bvct.orgs.api_urls")),
    path("", include("bvct.audit.api_urls")),
    path("", include("bvct.workdays.api_urls")),
    path("", include("bvct.people.api_urls")),
    path("", include("bvct.intake.api_urls")),
    path("", include("bvct.declarations.api_urls")),
    path("", include("bvct.vetting.api_urls")),
    path("", include("bvct.criteria.api_urls")),
    path("", include("bvct.verification.api_urls")),
    path("", include("bvct.travel.api_urls")),
]

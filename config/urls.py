from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("bvct.core.urls")),
    path("accounts/", include("bvct.accounts.urls")),
    path("orgs/", include("bvct.orgs.urls")),
    path("audit/", include("bvct.audit.urls")),
    path("calendar/", include("bvct.workdays.urls")),
    path("people/", include("bvct.people.urls")),
    path("imports/", include("bvct.intake.urls")),
    path("declarations/", include("bvct.declarations.urls")),
    path("cases/", include("bvct.vetting.urls")),
    path("criteria/", include("bvct.criteria.urls")),
    path("requests/", include("bvct.verification.urls")),
    path("inspections/", include("bvct.inspections.urls")),
    path("travel/", include("bvct.travel.urls")),
    path("registers/", include("bvct.registers.urls")),
    path("reports/", include("bvct.reports.urls")),
    path("privacy/", include("bvct.privacy.urls")),
    path("exchange/", include("bvct.exchange.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("config.api_urls")),
]

handler404 = "bvct.core.views.not_found"

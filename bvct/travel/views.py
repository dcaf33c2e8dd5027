"""Travel pages: the member's own trips and reports (portal), and the staff lists and the
application page. Thin: parse, fetch through `policy.travel_visible_to` (404 outside), one
service, redirect with the outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.core.errors import DomainError
from bvct.core.forms import parse_day
from bvct.core.replica import reads_from_replica
from bvct.core.types import AuthenticatedHttpRequest
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.travel import services
from bvct.travel.models import ShortReport, TravelApplication

S = TravelApplication.Status


LABELS = {
    "departs_on": gettext_lazy("Departure"),
    "returns_on": gettext_lazy("Planned return"),
    "reentered_on": gettext_lazy("Came back on"),
    "happened_on": gettext_lazy("Date"),
    "from": gettext_lazy("Departing from"),
    "to": gettext_lazy("to"),
}


def _date(raw: str, field: str) -> dt.date:
    return parse_day(raw, field=field, label=str(LABELS[field]))


def _not_linked(request: AuthenticatedHttpRequest) -> HttpResponse:
    messages.error(
        request,
        _("Your account is not linked to a party-member record; ask the unit that manages you."),
    )
    return redirect("travel:mine")


def _input(request: AuthenticatedHttpRequest, person: Person) -> services.ApplicationInput:
    post = request.POST
    wanted = [v for v in post.getlist("relatives") if v.isdigit()]
    relatives = list(person.relatives.filter(pk__in=wanted))
    code = post.get("active_unit", "").strip()
    active = OrgUnit.objects.filter(code__iexact=code).first() if code else None
    if code and active is None:
        raise DomainError(
            _("Where you are active: no unit has the code “%(code)s”.") % {"code": code},
            field="active_unit",
        )
    return services.ApplicationInput(
        purpose=post.get("purpose", ""),
        countries=post.get("countries", ""),
        departs_on=_date(post.get("departs_on", ""), "departs_on"),
        returns_on=_date(post.get("returns_on", ""), "returns_on"),
        funding=post.get("funding", ""),
        funding_note=post.get("funding_note", ""),
        companions=post.get("companions", ""),
        classified_material=post.get("classified_material") == "on",
        classified_note=post.get("classified_note", ""),
        relatives=relatives,
        relatives_commitment=post.get("relatives_commitment", ""),
        active_unit=active,
    )


def _form_context(person: Person, values: Any, error: DomainError | None) -> dict[str, Any]:
    return {
        "person": person,
        "purposes": TravelApplication.Purpose.choices,
        "fundings": TravelApplication.Funding.choices,
        "relatives": person.relatives.order_by("pk"),
        "values": values,
        "error": error,
    }


# --- member portal ------------------------------------------------------------------------------


@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = policy.person_for_member(request.user)
    rows = (
        policy.travel_visible_to(request.user)
        .select_related("report")
        .prefetch_related("decisions__committee")
    )
    reports = ShortReport.objects.filter(person=person) if person else ShortReport.objects.none()
    return render(
        request,
        "travel/mine.html",
        {"rows": rows, "reports": reports, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = policy.person_for_member(request.user)
    if person is None:
        return _not_linked(request)
    error = None
    if request.method == "POST":
        try:
            created = services.application_submit(
                actor=request.user, person=person, data=_input(request, person)
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Your application was sent to your chi bộ."))
            return redirect("travel:my-detail", pk=created.pk)
    return render(request, "travel/apply.html", _form_context(person, request.POST, error))


@require_GET
def my_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        policy.travel_visible_to(request.user).filter(person__account=request.user), pk=pk
    )
    return render(
        request,
        "travel/detail.html",
        {"application": application, "member_view": True, "today": timezone.localdate()},
    )


@require_POST
def my_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        policy.travel_visible_to(request.user).filter(person__account=request.user), pk=pk
    )
    try:
        if application.reentered_on is None:
            services.reentry_record(
                actor=request.user,
                application=application,
                day=_date(request.POST.get("reentered_on", ""), "reentered_on"),
            )
            application.refresh_from_db()
        content = request.POST.get("content", "")
        if content.strip():
            services.report_submit(actor=request.user, application=application, content=content)
            messages.success(request, _("Your return report was received."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("travel:my-detail", pk=application.pk)


@require_http_methods(["GET", "POST"])
def my_short(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = policy.person_for_member(request.user)
    if person is None:
        return _not_linked(request)
    if request.method == "POST":
        try:
            report = services.short_report_submit(
                actor=request.user,
                person=person,
                kind=request.POST.get("kind", ""),
                happened_on=_date(request.POST.get("happened_on", ""), "happened_on"),
                counterpart=request.POST.get("counterpart", ""),
                content=request.POST.get("content", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Received. Keep the receipt number %(receipt)s.") % {"receipt": report.receipt},
            )
        return redirect("travel:mine")
    return render(request, "travel/short.html", {"kinds": ShortReport.Kind.choices})


# --- staff ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def paper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A paper application entered by a clerk or officer who keeps the member's dossier."""
    person = get_object_or_404(policy.people_visible_to(request.user), pk=pk)
    error = None
    if request.method == "POST":
        try:
            created = services.application_submit(
                actor=request.user, person=person, data=_input(request, person)
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The paper application was entered."))
            return redirect("travel:detail", pk=created.pk)
    context = _form_context(person, request.POST, error) | {"paper": True}
    return render(request, "travel/apply.html", context)


@require_GET
@reads_from_replica
def lists(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = policy.travel_visible_to(request.user).select_related(
        "person", "person__org_unit", "report"
    )
    pending = list(
        visible.filter(status__in=[S.SUBMITTED, S.AWAITING_DECISION]).prefetch_related(
            "decisions__committee"
        )
    )
    abroad = visible.filter(status=S.APPROVED, departs_on__lte=today, reentered_on__isnull=True)
    overdue = services.overdue_reports(rows=visible, today=today)
    try:
        date_from = _date(request.GET.get("from", ""), "from")
    except DomainError:
        date_from = today.replace(month=1, day=1)
    try:
        date_to = _date(request.GET.get("to", ""), "to")
    except DomainError:
        date_to = today.replace(month=12, day=31)
    period = visible.filter(departs_on__gte=date_from, departs_on__lte=date_to)
    context = {
        "pending": pending,
        "abroad": abroad,
        "overdue": overdue,
        "period": period,
        "date_from": date_from,
        "date_to": date_to,
        "today": today,
    }
    return render(request, "travel/lists.html", context)


def _staff_get(request: AuthenticatedHttpRequest, pk: int) -> TravelApplication:
    return get_object_or_404(
        policy.travel_visible_to(request.user).select_related("person__org_unit"), pk=pk
    )


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _staff_get(request, pk)
    decisions = list(application.decisions.select_related("committee", "decided_by"))
    context = {
        "application": application,
        "member_view": False,
        "decisions": decisions,
        "can_review": policy.can_review_travel(request.user, application),
        "my_committees": [
            d
            for d in decisions
            if d.approved is None
            and policy.in_jurisdiction(request.user, d.committee)
            and request.user.has_role("approver")
        ],
        "can_decide_classified": request.user.has_role("approver")
        and policy.in_jurisdiction(
            request.user, services.managing_committee(application.person.org_unit)
        )
        and policy.has_clearance(request.user, 1),
        "today": timezone.localdate(),
    }
    return render(request, "travel/detail.html", context)


def _back(
    request: AuthenticatedHttpRequest, application: TravelApplication, error: DomainError | None
) -> HttpResponse:
    if error is not None:
        messages.error(request, error.message)
    return redirect("travel:detail", pk=application.pk)


@require_POST
def opinion(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _staff_get(request, pk)
    try:
        services.branch_opinion(
            actor=request.user, application=application, opinion=request.POST.get("opinion", "")
        )
    except DomainError as exc:
        return _back(request, application, exc)
    return _back(request, application, None)


@require_POST
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _staff_get(request, pk)
    try:
        raw = request.POST.get("committee", "")
        committee = OrgUnit.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if committee is None:
            raise DomainError(_("Committee: choose one."), field="committee")
        services.committee_decide(
            actor=request.user,
            application=application,
            committee=committee,
            approve=request.POST.get("approve") == "1",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return _back(request, application, exc)
    return _back(request, application, None)


@require_POST
def classified(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _staff_get(request, pk)
    try:
        services.classified_decide(
            actor=request.user,
            application=application,
            approve=request.POST.get("approve") == "1",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return _back(request, application, exc)
    return _back(request, application, None)


@require_POST
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _staff_get(request, pk)
    report = getattr(application, "report", None)
    try:
        if report is None:
            raise DomainError(_("There is no return report yet."))
        services.report_review(
            actor=request.user,
            report=report,
            branch_comment=request.POST.get("branch_comment", ""),
            committee_opinion=request.POST.get("committee_opinion", ""),
        )
    except DomainError as exc:
        return _back(request, application, exc)
    return _back(request, application, None)

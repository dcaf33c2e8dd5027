"""Calendar pages: the year view with its calculator, and the overrides (national admins only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.core.errors import DomainError
from bvct.core.htmx import is_htmx
from bvct.core.types import AuthenticatedHttpRequest
from bvct.workdays import calendar, selectors, services
from bvct.workdays.forms import (
    AddWorkingDaysForm,
    CountWorkingDaysForm,
    OverrideForm,
    YearForm,
    add_domain_error,
)

TEMPLATE = "workdays/calendar.html"


def _year_url(year: int) -> str:
    return f"{reverse('workdays:calendar')}?year={year}"


def _selected_year(request: AuthenticatedHttpRequest) -> int:
    """?year=, or the current year (with a message when ?year= is not a supported year)."""
    if "year" not in request.GET:
        return timezone.localdate().year
    form = YearForm(request.GET)
    if form.is_valid():
        year: int = form.cleaned_data["year"]
        return year
    messages.error(
        request,
        _("Year: enter a year from %(first)s to %(last)s.")
        % {"first": calendar.FIRST_YEAR, "last": calendar.LAST_YEAR},
    )
    return timezone.localdate().year


def _add_calculator(query: QueryDict) -> dict[str, Any]:
    form = AddWorkingDaysForm(query if query.get("calc") == "add" else None, prefix="add")
    result = None
    if form.is_valid():
        start, days = form.cleaned_data["start"], form.cleaned_data["days"]
        try:
            result = {
                "start": start,
                "days": days,
                "steps": abs(days),
                "result": calendar.add_working_days(start, days),
            }
        except calendar.CalendarRangeError as exc:
            form.add_error("start" if exc.day == start else "days", exc.message)
    return {"add_form": form, "add_result": result}


def _count_calculator(query: QueryDict) -> dict[str, Any]:
    form = CountWorkingDaysForm(query if query.get("calc") == "count" else None, prefix="count")
    result = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        try:
            result = {
                "start": start,
                "end": end,
                "working_days": calendar.working_days_between(start, end),
            }
        except calendar.CalendarRangeError as exc:
            form.add_error("start" if exc.day == start else "end", exc.message)
    return {"count_form": form, "count_result": result}


@require_GET
def calendar_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The year (?year=), its days off and overrides, and the working-day calculator."""
    year = _selected_year(request)
    context = {"year": year} | _add_calculator(request.GET) | _count_calculator(request.GET)
    calc = request.GET.get("calc")
    if is_htmx(request) and calc in {"add", "count"}:
        return render(request, f"{TEMPLATE}#{calc}-calculator", context)
    context |= {
        "view": selectors.calendar_year(actor=request.user, year=year),
        "weekday_headers": selectors.WEEKDAY_HEADERS,
        "can_edit": policy.can_edit_calendar(request.user),
        "today": timezone.localdate(),
        "first_year": calendar.FIRST_YEAR,
        "last_year": calendar.LAST_YEAR,
    }
    return render(request, TEMPLATE, context)


@require_http_methods(["GET", "POST"])
def override_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_edit_calendar(request.user):
        raise PermissionDenied
    form = OverrideForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            override = services.override_create(**form.cleaned_data, actor=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Override for %(date)s saved.") % {"date": calendar.format_day(override.date)},
            )
            return redirect(_year_url(override.date.year))
    return render(request, "workdays/override_form.html", {"form": form})


@require_POST
def override_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not policy.can_edit_calendar(request.user):
        raise PermissionDenied
    override = get_object_or_404(selectors.overrides_visible_to(request.user), pk=pk)
    try:
        services.override_delete(override=override, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Override for %(date)s removed.") % {"date": calendar.format_day(override.date)},
        )
    return redirect(_year_url(override.date.year))

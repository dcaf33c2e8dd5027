"""HTML views of the organisation tree: browse (lazy, with htmx), search, detail, and the admin
actions create / rename / merge. Thin: parse, fetch through `selectors`, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bvct.access.policy import can_manage_org_unit
from bvct.core.errors import DomainError
from bvct.core.htmx import is_htmx
from bvct.core.replica import reads_from_replica
from bvct.core.types import AuthenticatedHttpRequest
from bvct.orgs import selectors, services
from bvct.orgs.forms import UnitCreateForm, UnitMergeForm, UnitRenameForm
from bvct.orgs.models import OrgUnit

_MAX_QUERY = 100


def _managed_unit(request: AuthenticatedHttpRequest, pk: int) -> OrgUnit:
    """A unit the user may manage: 404 when out of scope, 403 when visible but not managed."""
    unit = selectors.unit_get_for_actor(actor=request.user, pk=pk)
    if not can_manage_org_unit(request.user, unit):
        raise PermissionDenied
    return unit


def _form_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_GET
@reads_from_replica
def unit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    root = selectors.unit_root_for_actor(actor=request.user)
    children = selectors.unit_children(actor=request.user, unit=root) if root else []
    return render(request, "orgs/unit_list.html", {"root": root, "children": children})


@require_GET
def unit_children(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get_for_actor(actor=request.user, pk=pk)
    if not is_htmx(request):  # the detail page lists the children
        return redirect("orgs:unit-detail", pk=unit.pk)
    children = selectors.unit_children(actor=request.user, unit=unit)
    return render(request, "orgs/unit_list.html#children", {"children": children})


@require_GET
@reads_from_replica
def unit_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:_MAX_QUERY].strip()
    hits = selectors.unit_search(actor=request.user, query=query) if query else []
    template = "orgs/unit_search.html#results" if is_htmx(request) else "orgs/unit_search.html"
    return render(request, template, {"query": query, "hits": hits})


@require_GET
def unit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    detail = selectors.unit_detail_for_actor(actor=request.user, pk=pk)
    return render(request, "orgs/unit_detail.html", {"detail": detail, "unit": detail.unit})


@require_http_methods(["GET", "POST"])
def unit_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    parent = _managed_unit(request, pk)
    form = UnitCreateForm(request.POST if request.method == "POST" else None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(parent=parent, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("orgs:unit-detail", pk=unit.pk)
    title = _("Add a unit under “%(name)s”") % {"name": parent.name}
    context = {"form": form, "unit": parent, "title": title, "action": "create"}
    return render(request, "orgs/unit_form.html", context)


@require_http_methods(["GET", "POST"])
def unit_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    initial = {"name": unit.name, "short_name": unit.short_name}
    form = UnitRenameForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_rename(unit=unit, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Unit renamed to “%(name)s”.") % {"name": unit.name})
            return redirect("orgs:unit-detail", pk=unit.pk)
    title = _("Rename “%(name)s”") % {"name": unit.name}
    context = {"form": form, "unit": unit, "title": title, "action": "update"}
    return render(request, "orgs/unit_form.html", context)


@require_http_methods(["GET", "POST"])
def unit_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = UnitMergeForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"unit": unit, "form": form, "candidates": [], "successor": None}
    if request.method == "POST" and form.is_valid():
        successor = _pick_successor(request, form, unit, context)
        if successor is not None:
            merge: dict[str, Any] = {"unit": unit, "successor": successor, "actor": request.user}
            merge["effective_date"] = form.cleaned_data["effective_date"]
            try:
                if not form.cleaned_data["confirm"]:  # first the check and what would move
                    services.unit_merge_check(**merge)
                    context["preview"] = selectors.unit_merge_preview(actor=request.user, unit=unit)
                else:
                    services.unit_merge(**merge)
                    text = _("“%(unit)s” was merged into “%(successor)s”.")
                    messages.success(
                        request, text % {"unit": unit.name, "successor": successor.name}
                    )
                    return redirect("orgs:unit-detail", pk=successor.pk)
            except DomainError as error:
                _form_error(form, error)
    return render(request, "orgs/unit_merge.html", context)


def _pick_successor(
    request: AuthenticatedHttpRequest, form: UnitMergeForm, unit: OrgUnit, context: dict[str, Any]
) -> OrgUnit | None:
    """The successor named by id (a picked candidate) or by exact code; else list candidates."""
    actor, data = request.user, form.cleaned_data
    if data["successor_id"]:
        successor = selectors.unit_get_visible(actor=actor, pk=data["successor_id"])
    else:
        successor = selectors.unit_get_by_code_for_actor(actor=actor, code=data["successor"])
    if successor is not None:
        context["successor"] = successor
        return successor
    hits = selectors.unit_search(actor=actor, query=data["successor"], kind=unit.kind)
    context["candidates"] = [hit for hit in hits if hit.pk != unit.pk and hit.is_active]
    if not context["candidates"]:
        form.add_error("successor", _("No unit in your jurisdiction has this code or name."))
    return None

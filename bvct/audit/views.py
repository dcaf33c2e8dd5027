"""The auditor's pages: the event list (with htmx-refreshed results), one event, verification."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bvct.audit import selectors, services
from bvct.audit.forms import AuditEventFilterForm, ChainVerifyForm
from bvct.core.htmx import is_htmx
from bvct.core.types import AuthenticatedHttpRequest

PAGE_SIZE = 50


@require_GET
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditEventFilterForm(request.GET, user=request.user)
    if form.is_valid():
        events = selectors.audit_event_list_for_actor(actor=request.user, filters=form.to_filter())
    else:
        events = selectors.audit_event_list_for_actor(actor=request.user).none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "audit/event_list.html"
    if is_htmx(request):
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@require_GET
def event_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.audit_event_get_for_actor(actor=request.user, pk=pk)
    return render(request, "audit/event_detail.html", {"event": event})


@require_http_methods(["GET", "POST"])
def chain_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        if not ChainVerifyForm(request.POST).is_valid():
            messages.error(request, _("Nothing was verified: use the Verify now button."))
            status = 400
        else:
            result, _record = services.chain_verify(actor=request.user)
            if not is_htmx(request):  # plain POST: say it and show the page again
                level = messages.SUCCESS if result.ok else messages.ERROR
                messages.add_message(request, level, result.reason)
                return redirect("audit:chain-verify")
    latest = selectors.chain_verification_latest()
    context = {
        "latest": latest,
        "bad_event_visible": latest is not None
        and latest.first_bad_seq is not None
        and selectors.audit_event_is_visible(actor=request.user, pk=latest.first_bad_seq),
    }
    template = "audit/chain_verify.html#result" if is_htmx(request) else "audit/chain_verify.html"
    return render(request, template, context, status=status)

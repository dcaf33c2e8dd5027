"""Exchange pages: the queue per peer site, bundles sent and received with their receipts,
download of a bundle file and upload of a received one. Thin: fetch through `selectors`
(operators only; anything else answers 404), call one service, respond."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.audit.services import audit_record
from bvct.core.errors import DomainError
from bvct.core.types import AuthenticatedHttpRequest
from bvct.exchange import selectors, services
from bvct.exchange.forms import TransferForm, UploadForm
from bvct.orgs.models import OrgUnit
from bvct.vetting.selectors import case_get_for_actor

MAX_UPLOAD = 64 * 1024 * 1024  # a 10,000-item bundle is about 0.6 MB


@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    site = services.local_site()
    operator = policy.can_operate_exchange(request.user)
    context = {
        "site": site,
        "operator": operator,
        "fingerprint": services.fingerprint() if site is not None and operator else "",
        "peers": selectors.peers_with_queues(actor=request.user) if operator else [],
        "bundles": selectors.bundles_for(actor=request.user) if operator else [],
    }
    return render(request, "exchange/index.html", context)


@require_GET
def peer_queue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    peer = selectors.peer_get_for_actor(actor=request.user, pk=pk)
    site = services.require_site()
    lines = [
        {
            "kind": p.kind,
            "label": p.label,
            "classification": p.classification,
            "id": p.item_id(site.site_id),
        }
        for p in services.pending_items(site, peer)
    ]
    shown, hidden = selectors.visible_lines(actor=request.user, lines=lines)
    context = {
        "peer": peer,
        "lines": shown,
        "hidden": hidden,
        "total": len(lines),
        "bundles": selectors.bundles_for(actor=request.user, peer=peer),
    }
    return render(request, "exchange/peer_queue.html", context)


@require_POST
def peer_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    peer = selectors.peer_get_for_actor(actor=request.user, pk=pk)
    try:
        bundle = services.bundle_export(actor=request.user, peer=peer)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("exchange:peer-queue", pk=peer.pk)
    messages.success(request, _("Bundle made: download it and carry it to the other site."))
    return redirect("exchange:bundle-detail", pk=bundle.pk)


@require_GET
def bundle_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    bundle = selectors.bundle_get_for_actor(actor=request.user, pk=pk)
    shown, hidden = selectors.visible_lines(actor=request.user, lines=bundle.items)
    receipt = getattr(bundle, "receipt", None)
    context = {"bundle": bundle, "lines": shown, "hidden": hidden, "receipt": receipt}
    return render(request, "exchange/bundle_detail.html", context)


@require_GET
def bundle_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    bundle = selectors.bundle_get_for_actor(actor=request.user, pk=pk)
    if not bundle.file_name:
        messages.error(request, _("Only bundles made here can be downloaded."))
        return redirect("exchange:bundle-detail", pk=bundle.pk)
    data = services.read_bundle_file(bundle)
    audit_record(
        actor=request.user,
        action="exchange.bundle.download",
        target=bundle,
        data={"sha256": bundle.sha256},
    )
    name = f"{bundle.kind}-{bundle.peer.site_id}-{bundle.created_at:%Y%m%d-%H%M}.bvct"
    return FileResponse(
        iter([data]), as_attachment=True, filename=name, content_type="application/octet-stream"
    )


@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = UploadForm(request.POST or None, request.FILES or None)
    operator = policy.can_operate_exchange(request.user)
    if request.method == "POST" and operator and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than a bundle may be."))
        else:
            try:
                bundle = services.bundle_import(actor=request.user, data=upload.read())
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request,
                    _("Bundle imported: %(status)s.") % {"status": bundle.get_status_display()},
                )
                return redirect("exchange:bundle-detail", pk=bundle.pk)
    return render(request, "exchange/upload.html", {"form": form, "operator": operator})


@require_http_methods(["GET", "POST"])
def case_transfer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """Hand a case's file to a unit another site serves (its subject moved there)."""
    case = case_get_for_actor(actor=request.user, pk=pk)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["to_unit"].strip()
        to_unit = OrgUnit.objects.filter(code__iexact=code).first()
        if to_unit is None:
            form.add_error("to_unit", _("To: no unit has the code %(code)s.") % {"code": code})
        else:
            try:
                services.transfer_create(
                    actor=request.user,
                    case=case,
                    to_unit=to_unit,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form.add_error("to_unit" if exc.field == "to_unit" else None, exc.message)
            else:
                messages.success(request, _("Transfer queued: it goes in the next bundle."))
                return redirect(case)
    return render(request, "exchange/case_transfer.html", {"case": case, "form": form})

"""Lý lịch pages: the member portal (own record, no pk anywhere) and staff pages per person.

Both edit a draft section by section on the same page (`declaration_edit.html`): each section
posts on its own (htmx swaps the section and, out of band, the linter's findings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.core.errors import AccessDenied, DomainError
from bvct.core.htmx import is_htmx
from bvct.core.types import AuthenticatedHttpRequest
from bvct.declarations import selectors, services
from bvct.declarations.forms import SECTION_FIELD, SectionEntry, section_entry
from bvct.declarations.linter import Finding
from bvct.declarations.models import Declaration
from bvct.declarations.presenters import present, present_findings
from bvct.declarations.schema import SECTION_BY_KEY, SECTIONS

EDIT_TEMPLATE = "declarations/declaration_edit.html"
MY_TEMPLATE = "declarations/my_declaration.html"
Channel = Declaration.Channel


@dataclass(frozen=True)
class EditUrls:
    action: str
    submit: str
    back: str


# --- shared editing ---------------------------------------------------------------------------


def _entries(declaration: Declaration, bound: SectionEntry | None = None) -> list[SectionEntry]:
    return [
        bound
        if bound is not None and bound.key == spec.key
        else section_entry(spec, declaration.content.get(spec.key))
        for spec in SECTIONS
    ]


def _findings_context(declaration: Declaration) -> dict[str, Any]:
    findings = present_findings(services.declaration_lint(declaration))
    return {
        "findings": findings,
        "blocking_count": sum(f.is_blocking for f in findings),
    }


def _edit_page(
    request: AuthenticatedHttpRequest,
    declaration: Declaration,
    urls: EditUrls,
    *,
    bound: SectionEntry | None = None,
    refused: list[Finding] | None = None,
) -> HttpResponse:
    context = {
        "declaration": declaration,
        "person": declaration.person,
        "sections": _entries(declaration, bound),
        "urls": urls,
        "refused": present_findings(refused or []),
        **_findings_context(declaration),
    }
    return render(request, EDIT_TEMPLATE, context)


def _save_section(
    request: AuthenticatedHttpRequest, declaration: Declaration, urls: EditUrls
) -> HttpResponse:
    spec = SECTION_BY_KEY.get(request.POST.get(SECTION_FIELD, ""))
    if spec is None:
        return HttpResponseBadRequest(_("Unknown section."))
    entry = section_entry(spec, declaration.content.get(spec.key), request.POST)
    if not entry.is_valid():
        entry.errors = (_("Check the highlighted fields."),)
    else:
        try:
            declaration = services.declaration_update_section(
                declaration=declaration, section=spec.key, data=entry.data(), actor=request.user
            )
        except services.DeclarationInvalidError as exc:
            entry.add_schema_errors(exc.errors)
        except DomainError as exc:
            entry.errors = (exc.message,)
        else:
            entry = section_entry(spec, declaration.content.get(spec.key))
            entry.is_saved = True
    if not is_htmx(request):
        if entry.is_saved:
            return redirect(f"{urls.action}#section-{spec.key}")
        return _edit_page(request, declaration, urls, bound=entry)
    context = {"declaration": declaration, "entry": entry, "urls": urls}
    html = render_to_string(f"{EDIT_TEMPLATE}#section", context, request)
    findings = {**_findings_context(declaration), "oob": True}
    html += render_to_string(f"{EDIT_TEMPLATE}#findings", findings, request)
    return HttpResponse(html)


def _submit(
    request: AuthenticatedHttpRequest, declaration: Declaration, urls: EditUrls, done: str
) -> HttpResponse:
    try:
        declaration = services.declaration_submit(declaration=declaration, actor=request.user)
    except services.DeclarationRefusedError as exc:
        return _edit_page(request, declaration, urls, refused=exc.findings)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(urls.back)
    messages.success(request, _("Version %(number)d submitted.") % {"number": declaration.number})
    if declaration.findings:
        messages.warning(
            request,
            _("Submitted with %(count)d warnings, recorded with the version.")
            % {"count": len(declaration.findings)},
        )
    return redirect(done)


def _compare_context(
    versions: QuerySet[Declaration], a: str | None, b: str | None
) -> dict[str, Any]:
    """Versions `a` and `b` (numbers from the query string; default: the two newest)."""
    if a is None and b is None:
        newest = list(versions.order_by("-number")[:2])
        if len(newest) < 2:  # noqa: PLR2004
            return {"comparison": None}
        old, new = newest[1], newest[0]
    else:
        old = selectors.version_by_number(versions, a)
        new = selectors.version_by_number(versions, b)
    diff = services.declaration_compare(a=old, b=new)
    return {"comparison": {"a": old, "b": new, "sections": diff}}


# --- member portal (own record only: no pk) ---------------------------------------------------


def _member_urls() -> EditUrls:
    return EditUrls(
        action=reverse("declarations:my-declaration"),
        submit=reverse("declarations:my-declaration-submit"),
        back=reverse("declarations:my-history"),
    )


def _own_draft(request: AuthenticatedHttpRequest) -> Declaration | None:
    person = selectors.own_person(actor=request.user)
    if person is None:
        return None
    draft = selectors.current_draft(selectors.own_declarations(person=person))
    return draft if draft is not None and draft.channel == Channel.PORTAL else None


@require_http_methods(["GET", "POST"])
def my_declaration(request: AuthenticatedHttpRequest) -> HttpResponse:
    draft = _own_draft(request)
    if draft is not None and request.method == "POST":
        return _save_section(request, draft, _member_urls())
    if draft is not None:
        return _edit_page(request, draft, _member_urls())
    if request.method == "POST":
        return redirect("declarations:my-declaration")
    person = selectors.own_person(actor=request.user)
    versions = selectors.own_declarations(person=person) if person is not None else None
    context = {
        "person": person,
        "draft": selectors.current_draft(versions) if versions is not None else None,
        "latest": (
            versions.filter(status=Declaration.Status.SUBMITTED).first()
            if versions is not None
            else None
        ),
    }
    return render(request, MY_TEMPLATE, context)


@require_POST
def my_declaration_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = selectors.own_person(actor=request.user)
    if person is not None:
        try:
            services.declaration_start(person=person, channel=Channel.PORTAL, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("declarations:my-declaration")


@require_POST
def my_declaration_submit(request: AuthenticatedHttpRequest) -> HttpResponse:
    draft = _own_draft(request)
    if draft is None:
        return redirect("declarations:my-declaration")
    urls = _member_urls()
    return _submit(request, draft, urls, f"{urls.back}?version={draft.number}")


@require_GET
def my_history(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = selectors.own_person(actor=request.user)
    if person is None:
        return render(request, MY_TEMPLATE, {"person": None})
    versions = selectors.own_declarations(person=person)
    context: dict[str, Any] = {"person": person, "versions": versions, "comparison": None}
    if "version" in request.GET:
        shown = selectors.version_by_number(versions, request.GET["version"])
        context |= {"shown": shown, "content": present(shown.content)}
        context["recorded"] = present_findings(shown.findings)
    elif "a" in request.GET or "b" in request.GET:
        context |= _compare_context(versions, request.GET.get("a"), request.GET.get("b"))
    return render(request, "declarations/my_history.html", context)


# --- staff: a person in the actor's jurisdiction ----------------------------------------------


def _staff_urls(declaration: Declaration) -> EditUrls:
    return EditUrls(
        action=reverse("declarations:declaration-edit", args=[declaration.pk]),
        submit=reverse("declarations:declaration-submit", args=[declaration.pk]),
        back=reverse("declarations:declaration-detail", args=[declaration.pk]),
    )


@require_GET
def declaration_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_actor(actor=request.user, pk=pk)
    versions = list(selectors.declaration_list_for_person(actor=request.user, person=person))
    context = {
        "person": person,
        "versions": versions,
        "draft": next((v for v in versions if v.is_draft), None),
        "can_enter": policy.can_enter_declaration(request.user, person),
    }
    return render(request, "declarations/declaration_list.html", context)


@require_POST
def declaration_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_actor(actor=request.user, pk=pk)
    try:
        declaration = services.declaration_start(
            person=person, channel=Channel.PAPER, actor=request.user
        )
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("declarations:declaration-list", pk=person.pk)
    return redirect("declarations:declaration-edit", pk=declaration.pk)


@require_GET
def declaration_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get_for_actor(actor=request.user, pk=pk)
    findings = (
        services.declaration_lint(declaration) if declaration.is_draft else declaration.findings
    )
    context = {
        "declaration": declaration,
        "person": declaration.person,
        "content": present(declaration.content),
        "findings": present_findings(findings),
        "can_edit": declaration.is_draft
        and declaration.is_from_paper
        and policy.can_enter_declaration(request.user, declaration.person),
    }
    return render(request, "declarations/declaration_detail.html", context)


def _editable_paper_draft(request: AuthenticatedHttpRequest, pk: int) -> Declaration | None:
    """The draft if this user may enter it from paper; otherwise a message says why not."""
    declaration = selectors.declaration_get_for_actor(actor=request.user, pk=pk)
    if not declaration.is_draft:
        messages.info(request, _("This version has been submitted and can no longer be changed."))
    elif not declaration.is_from_paper:
        messages.info(request, _("The member is writing this draft in the portal."))
    elif not policy.can_enter_declaration(request.user, declaration.person):
        raise PermissionDenied
    else:
        return declaration
    return None


@require_http_methods(["GET", "POST"])
def declaration_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = _editable_paper_draft(request, pk)
    if declaration is None:
        return redirect("declarations:declaration-detail", pk=pk)
    if request.method == "POST":
        return _save_section(request, declaration, _staff_urls(declaration))
    return _edit_page(request, declaration, _staff_urls(declaration))


@require_POST
def declaration_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = _editable_paper_draft(request, pk)
    if declaration is None:
        return redirect("declarations:declaration-detail", pk=pk)
    urls = _staff_urls(declaration)
    return _submit(request, declaration, urls, urls.back)


@require_GET
def declaration_compare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_actor(actor=request.user, pk=pk)
    versions = selectors.declaration_list_for_person(actor=request.user, person=person)
    context = {
        "person": person,
        "versions": versions,
        **_compare_context(versions, request.GET.get("a"), request.GET.get("b")),
    }
    return render(request, "declarations/declaration_compare.html", context)

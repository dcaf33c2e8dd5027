"""Lockout (django-axes, issue 11 item 2): five failed logins for one account within 15 minutes
lock it for 15 minutes. A locked account gets exactly the page a wrong password gets — the same
form, the same message, the same status — so the login page never tells an unknown user, a wrong
password and a locked account apart. An administrator unlocks from the user page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bvct.accounts.forms import LoginForm


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    form = LoginForm(request, data=request.POST or None)
    form.is_valid()  # the locked account does not authenticate: the same error as a wrong password
    return render(request, "registration/login.html", {"form": form}, status=200)

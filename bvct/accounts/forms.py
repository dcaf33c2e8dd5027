from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from bvct.core.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class PasswordChangeBootstrapForm(BootstrapFormMixin, PasswordChangeForm):
    pass

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bvct.accounts import selectors
from bvct.accounts.models import Clearance, RoleCode, User
from bvct.core.errors import DomainError
from bvct.core.forms import BootstrapFormMixin
from bvct.orgs.models import OrgUnit


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    # One message for unknown user and wrong password: it never tells which one was wrong.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Check both and try again."),
    }


class PasswordChangeBootstrapForm(BootstrapFormMixin, PasswordChangeForm):
    pass


# Service error fields → form fields.
_FIELD_FOR_SERVICE = {"org_unit": "org_unit_code", "password": "password1"}


class UserFormBase(BootstrapFormMixin, forms.Form):
    """Fields shared by the create and update forms. Parsing only: the rules live in services."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    org_unit_code = forms.CharField(
        label=_("Unit code"),
        max_length=40,
        required=False,
        help_text=_("The code shown in the organisation tree, e.g. T01 for Hà Nội."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=RoleCode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    clearance = forms.TypedChoiceField(
        label=_("Clearance"), choices=Clearance.choices, coerce=int, initial=Clearance.NONE
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        # Set before super().__init__: the Bootstrap mixin validates a bound form while styling it.
        self.actor = actor
        self.org_unit: OrgUnit | None = None
        super().__init__(*args, **kwargs)
        self.fields["roles"].widget.attrs["class"] = "form-check-input"
        self.fields["org_unit_code"].widget.attrs["autocomplete"] = "off"

    def clean_org_unit_code(self) -> str:
        code: str = self.cleaned_data["org_unit_code"].strip()
        if code:
            self.org_unit = selectors.org_unit_for_placement(actor=self.actor, code=code)
            if self.org_unit is None:
                raise forms.ValidationError(
                    gettext("Unit code: no unit “%(code)s” in your jurisdiction.") % {"code": code}
                )
        return code

    def add_service_error(self, exc: DomainError) -> None:
        name = _FIELD_FOR_SERVICE.get(exc.field or "", exc.field)
        self.add_error(name if name in self.fields else None, exc.message)


class UserCreateForm(UserFormBase):
    username = forms.CharField(label=pgettext_lazy("login name", "Username"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "full_name",
        "org_unit_code",
        "roles",
        "clearance",
        "password1",
        "password2",
    ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2", gettext("Password confirmation: the two passwords do not match.")
            )
        return cleaned


class UserUpdateForm(UserFormBase):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An inactive user cannot log in. Accounts are deactivated, never deleted."),
    )

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return {
            "full_name": user.full_name,
            "org_unit_code": user.org_unit.code if user.org_unit else "",
            "roles": sorted(role.code for role in user.roles.all()),
            "clearance": user.clearance,
            "is_active": user.is_active,
        }


class SecondFactorForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        strip=True,
        help_text=_(
            "The 6-digit code shown by your authenticator app, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": _("Code: enter the code from your authenticator app.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class EnrolForm(SecondFactorForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "After adding BVCT to the app, type the 6-digit code it shows now."
        )
        self.fields["code"].widget.attrs["inputmode"] = "numeric"

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TransferForm(forms.Form):
    to_unit = forms.CharField(label=_("Unit the subject moved to (code)"), max_length=40)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Bundle file (.bvct)"))

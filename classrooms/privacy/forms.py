"""The erasure confirmation: a required checkbox, because erasure cannot be undone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    understood = forms.BooleanField(label=_("I understand this cannot be undone"), required=True)

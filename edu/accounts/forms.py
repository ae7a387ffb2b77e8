from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from edu.forms import CodeField


class TeacherLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not correct. Student? Use your login code instead."),
        "throttled": _("Too many failed attempts. Wait a few minutes and try again."),
    }


class LoginCodeForm(forms.Form):
    code = CodeField(label=_("Login code"), max_length=20, placeholder="ABCD-EFGH", autofocus=True)

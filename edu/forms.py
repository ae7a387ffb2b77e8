"""Form fields shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms

from edu import codes


class CodeField(forms.CharField):
    """A code people type or scan (login code, class join code, live session code): cleaned to its
    canonical form by ``edu.codes.normalise``, so full-width characters from a Korean IME, spaces,
    dashes and lower case are all forgiven the same way."""

    def __init__(self, *, placeholder: str = "", autofocus: bool = False, **kwargs: Any) -> None:
        attrs: dict[str, Any] = {
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "inputmode": "latin",
        }
        if placeholder:
            attrs["placeholder"] = placeholder
        if autofocus:
            attrs["autofocus"] = True
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)

    def clean(self, value: Any) -> str:
        return codes.normalise(super().clean(value))

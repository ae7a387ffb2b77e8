"""The tool registry's forms: registering a tool by hand (or editing it), making a dynamic-registration
invitation, and the tool's registration address that opens it. Each error lands on its field, worded
so the admin can fix it; the rules are ``registry_rules``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lti.models import ExternalTool
from lti.platform.registry_rules import (
    MAX_REDIRECT_URIS,
    MAX_URL,
    custom_parameters_parse,
    custom_parameters_text,
    public_key_problem,
    tool_url_problem,
)
from lti.platform.scopes import SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY, SCOPE_NRPS, SCOPE_RESULT_READONLY, SCOPE_SCORE
from lti.tool.addresses import internal_address

SCOPE_LABELS = {
    SCOPE_SCORE: gettext_lazy("Send scores to Baeum"),
    SCOPE_LINEITEM: gettext_lazy("Create and change its gradebook columns"),
    SCOPE_LINEITEM_READONLY: gettext_lazy("Read its gradebook columns"),
    SCOPE_RESULT_READONLY: gettext_lazy("Read the scores of its columns"),
    SCOPE_NRPS: gettext_lazy("Read class rosters (names only when names are sent)"),
}
URL_ATTRS = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off", "inputmode": "url"}
CODE_ATTRS = {"spellcheck": "false", "autocapitalize": "off", "autocomplete": "off"}


def url_problems(url: str) -> str | None:
    """Why a tool address cannot be used: not https (see ``tool_url_problem``), or inside a private
    network (Baeum calls the JWKS; no tool address may point to the school's or the cloud's inside)."""
    loopback = settings.LTI_ALLOW_HTTP_LOOPBACK
    if problem := tool_url_problem(url, http_loopback=loopback):
        return problem
    if internal_address(url, loopback):
        return _("The address points inside a private network, which Baeum does not call.")
    return None


class ToolUrlField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_URL)
        placeholder = kwargs.pop("placeholder", "")
        super().__init__(widget=forms.TextInput(attrs={**URL_ATTRS, "placeholder": placeholder}), **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and (problem := url_problems(value)):
            raise forms.ValidationError(problem, code="url")


class ToolForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("For example: EBS 수학"))
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What teachers will find in it (shown in the lesson editor)."),
    )
    login_url = ToolUrlField(
        label=gettext_lazy("OIDC login URL (login initiation)"), placeholder="https://tool.example.kr/lti/login"
    )
    redirect_uris = forms.CharField(
        label=gettext_lazy("Redirect URIs"),
        max_length=MAX_URL * MAX_REDIRECT_URIS,
        widget=forms.Textarea(attrs={"rows": 3, **CODE_ATTRS}),
        help_text=gettext_lazy("One per line. Baeum sends launches only to these exact addresses."),
    )
    target_link_uri = ToolUrlField(
        label=gettext_lazy("Target link URI (launch URL)"), placeholder="https://tool.example.kr/lti/launch"
    )
    deep_link_url = ToolUrlField(
        label=gettext_lazy("Deep Linking URL"),
        required=False,
        help_text=gettext_lazy("Optional. Where teachers pick the tool's content from the lesson editor."),
    )
    jwks_url = ToolUrlField(
        label=gettext_lazy("JWKS URL (the tool's public keys)"),
        required=False,
        help_text=gettext_lazy("Give the JWKS URL or paste a public key below, not both."),
    )
    public_key = forms.CharField(
        label=gettext_lazy("Public key (PEM)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, **CODE_ATTRS, "placeholder": "-----BEGIN PUBLIC KEY-----"}),
        help_text=gettext_lazy("Only for a tool without a JWKS URL: its RSA public key."),
    )
    custom_parameters = forms.CharField(
        label=gettext_lazy("Custom parameters"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3, **CODE_ATTRS, "placeholder": "grade=4"}),
        help_text=gettext_lazy("Optional. One name=value per line; names use A–Z, digits and “_”."),
    )
    send_names = forms.BooleanField(
        label=gettext_lazy("Send names"),
        required=False,
        help_text=gettext_lazy(
            "Launches and rosters include the user's display name. Without it the tool sees only an opaque ID. "
            "E-mail addresses are never sent."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Services the tool may use"),
        required=False,
        choices=list(SCOPE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, can_share: bool = False, tool: ExternalTool | None = None, **kwargs: Any) -> None:
        if tool is not None and "initial" not in kwargs:
            kwargs["initial"] = tool_initial(tool)
        super().__init__(*args, **kwargs)
        if can_share and tool is None:
            self.fields["site_wide"] = forms.BooleanField(
                label=gettext_lazy("For every school"),
                required=False,
                help_text=gettext_lazy("Each school then switches it on for itself. Otherwise it is this school's."),
            )

    def clean_redirect_uris(self) -> list[str]:
        uris = list(dict.fromkeys(line.strip() for line in self.cleaned_data["redirect_uris"].splitlines()))
        uris = [uri for uri in uris if uri]
        if not uris:
            raise forms.ValidationError(_("Enter at least one redirect URI."))
        if len(uris) > MAX_REDIRECT_URIS:
            raise forms.ValidationError(_("Enter at most %(max)d redirect URIs.") % {"max": MAX_REDIRECT_URIS})
        for number, uri in enumerate(uris, start=1):
            if problem := url_problems(uri):
                raise forms.ValidationError(_("Line %(n)d: %(problem)s") % {"n": number, "problem": problem})
        return uris

    def clean_custom_parameters(self) -> dict[str, str]:
        try:
            return custom_parameters_parse(self.cleaned_data["custom_parameters"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_public_key(self) -> str:
        pem: str = self.cleaned_data["public_key"].strip()
        if pem and (problem := public_key_problem(pem)):
            raise forms.ValidationError(problem)
        return pem + "\n" if pem else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        jwks, pem = data.get("jwks_url"), data.get("public_key")
        if "jwks_url" in data and "public_key" in data:
            if jwks and pem:
                self.add_error("public_key", _("Give either the JWKS URL or a public key, not both: clear one."))
            elif not jwks and not pem:
                self.add_error("jwks_url", _("Enter the tool's JWKS URL, or paste its public key below."))
        return data


def tool_initial(tool: ExternalTool) -> dict[str, Any]:
    return {
        "name": tool.name,
        "description": tool.description,
        "login_url": tool.login_url,
        "redirect_uris": "\n".join(tool.redirect_uris),
        "target_link_uri": tool.target_link_uri,
        "deep_link_url": tool.deep_link_url,
        "jwks_url": tool.jwks_url,
        "public_key": tool.public_key,
        "custom_parameters": custom_parameters_text(tool.custom_parameters),
        "send_names": tool.send_names,
        "scopes": tool.scopes,
    }


class InviteForm(forms.Form):
    send_names = forms.BooleanField(
        label=gettext_lazy("Send names"),
        required=False,
        help_text=gettext_lazy("The tool will receive users' display names. E-mail addresses are never sent."),
    )

    def __init__(self, *args: Any, can_share: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can_share:
            self.fields["site_wide"] = forms.BooleanField(
                label=gettext_lazy("For every school"),
                required=False,
                help_text=gettext_lazy("The tool will belong to the whole site; each school switches it on."),
            )


class ToolAddressForm(forms.Form):
    """The address of the tool's registration page, to open with Baeum's configuration and the token."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=200)
    tool_address = forms.CharField(
        label=gettext_lazy("The tool's registration address"),
        max_length=MAX_URL,
        widget=forms.TextInput(attrs={**URL_ATTRS, "placeholder": "https://tool.example.kr/lti/register"}),
        help_text=gettext_lazy("Optional: where the tool's admin starts a dynamic registration."),
    )

    def clean_tool_address(self) -> str:
        address: str = self.cleaned_data["tool_address"].strip()
        if problem := tool_url_problem(address, http_loopback=settings.LTI_ALLOW_HTTP_LOOPBACK):
            raise forms.ValidationError(problem)
        return address

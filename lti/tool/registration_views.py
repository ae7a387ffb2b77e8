"""Registering Baeum in an LMS. The setup pages (a school admin, or a superuser for any school) make
dynamic-registration links, show what to paste for a manual registration, and list the school's
registrations and deployments; the registration page is what the LMS opens with an invite; the
Canvas JSON is public. Thin: the rules are in ``registration_rules``, the rest in ``registration``."""

from __future__ import annotations

import json
import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key

from classrooms.models import School
from edu.accounts.models import User
from lti.tool import registration as services
from lti.tool.registration import RegistrationRefused, SchoolNotChosen, school_admin_for
from lti.tool.registration_rules import MAX_ID_LENGTH, canvas_config, tool_urls, url_problem

log = logging.getLogger("baeum.lti")
MAX_DEPLOYMENTS = 20


# --- Forms -------------------------------------------------------------------------------------


def _text_input(placeholder: str = "") -> forms.TextInput:
    attrs = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off", "inputmode": "url"}
    return forms.TextInput(attrs={**attrs, "placeholder": placeholder} if placeholder else attrs)


class LmsUrlField(forms.CharField):
    """An LMS address: https (http only on this machine when allowed), at most 200 characters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(widget=_text_input(kwargs.pop("placeholder", "")), **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and (problem := url_problem(value, http_loopback=settings.LTI_ALLOW_HTTP_LOOPBACK)):
            raise forms.ValidationError(problem, code="url")


def clean_identifier(value: str, label: str) -> str:
    """A client or deployment id: 1–255 visible ASCII characters, no spaces (LTI 1.3 §3.1.3)."""
    value = value.strip()
    if not value:
        raise forms.ValidationError(_("Enter the %(label)s.") % {"label": label}, code="required")
    if len(value) > MAX_ID_LENGTH:
        raise forms.ValidationError(
            _("The %(label)s can be at most %(max)d characters.") % {"label": label, "max": MAX_ID_LENGTH}
        )
    if not all("!" <= ch <= "~" for ch in value):
        raise forms.ValidationError(
            _("The %(label)s “%(value)s” may use only letters, digits and punctuation, without spaces.")
            % {"label": label, "value": value[:60]}
        )
    return value


class ManualRegistrationForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("For you, in the list below. For example: 한빛초 Moodle"),
    )
    issuer = LmsUrlField(
        label=gettext_lazy("Issuer (platform ID)"),
        placeholder="https://moodle.example.kr",
        help_text=gettext_lazy(
            "Exactly as the LMS shows it. Moodle: its web address. Canvas in the cloud: https://canvas.instructure.com"
        ),
    )
    client_id = forms.CharField(label=gettext_lazy("Client ID"), max_length=300, widget=_text_input())
    auth_url = LmsUrlField(label=gettext_lazy("Authentication request URL (OIDC)"))
    token_url = LmsUrlField(label=gettext_lazy("Access token URL"))
    keyset_url = LmsUrlField(label=gettext_lazy("Public keyset URL (JWKS)"))
    deployment_ids = forms.CharField(
        label=gettext_lazy("Deployment IDs"),
        max_length=6000,
        error_messages={"required": gettext_lazy("Enter at least one deployment ID.")},
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "off"}),
        help_text=gettext_lazy("One per line (or separated by commas). The LMS shows them after the tool is added."),
    )

    def clean_client_id(self) -> str:
        return clean_identifier(self.cleaned_data["client_id"], _("client ID"))

    def clean_issuer(self) -> str:
        issuer: str = self.cleaned_data["issuer"].strip()
        if "?" in issuer or "#" in issuer:
            raise forms.ValidationError(_("The issuer has no “?” or “#” part."))
        return issuer  # exactly as the LMS shows it: launches must carry this very string

    def clean_deployment_ids(self) -> list[str]:
        raw = self.cleaned_data["deployment_ids"].replace(",", "\n").splitlines()
        ids = list(dict.fromkeys(clean_identifier(line, _("deployment ID")) for line in raw if line.strip()))
        if not ids:
            raise forms.ValidationError(_("Enter at least one deployment ID."))
        if len(ids) > MAX_DEPLOYMENTS:
            raise forms.ValidationError(_("Enter at most %(max)d deployment IDs at a time.") % {"max": MAX_DEPLOYMENTS})
        return ids


class DeploymentForm(forms.Form):
    deployment_id = forms.CharField(label=gettext_lazy("Deployment ID"), max_length=300, widget=_text_input())

    def clean_deployment_id(self) -> str:
        return clean_identifier(self.cleaned_data["deployment_id"], _("deployment ID"))


# --- Setup pages -------------------------------------------------------------------------------


def _school_query(user: User, school: School) -> str:
    return f"?school={school.pk}" if user.is_superuser else ""


def _setup_url(user: User, school: School) -> str:
    return reverse("lti:setup") + _school_query(user, school)


def _setup_page(
    request: HttpRequest, user: User, school: School, *, failed: Any = None, status: int = 200
) -> HttpResponse:
    registrations = list(services.school_registrations(school))
    shared = services.shared_registration_ids(school, registrations)
    rows = [
        {
            "registration": r,
            "shared": r.pk in shared,
            "form": failed[1] if failed and failed[0] == r.pk else DeploymentForm(auto_id=f"id_r{r.pk}_%s"),
        }
        for r in registrations
    ]
    context = {
        "school": school,
        "school_query": _school_query(user, school),
        "rows": rows,
        "invites": services.open_invites(school).select_related("created_by"),
    }
    return render(request, "lti/setup.html", context, status=status)


@login_required
@require_GET
def setup(request: HttpRequest) -> HttpResponse:
    try:
        user, school = school_admin_for(request)
    except SchoolNotChosen:
        return render(request, "lti/setup_choose.html", {"schools": School.objects.order_by("name")})
    return _setup_page(request, user, school)


@login_required
@require_POST
def setup_invite(request: HttpRequest) -> HttpResponse:
    """Make a dynamic-registration link; its token is shown on this page only."""
    user, school = school_admin_for(request)
    invite, token = services.invite_create(school=school, created_by=user)
    context = {
        "school": school,
        "school_query": _school_query(user, school),
        "invite": invite,
        "url": settings.BASE_URL + reverse("lti:register", args=[token]),
    }
    return render(request, "lti/setup_invite.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def setup_manual(request: HttpRequest) -> HttpResponse:
    """Every address an LMS admin pastes, Baeum's public keys, and the form for what the LMS shows."""
    user, school = school_admin_for(request)
    form = ManualRegistrationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.registration_save(school=school, **form.cleaned_data)
            except RegistrationRefused as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("%(name)s is registered for your school.") % {"name": registration.name})
                return redirect(_setup_url(user, school))
        else:
            status = 400
    jwks = Key.objects.as_jwks()
    context = {
        "school": school,
        "school_query": _school_query(user, school),
        "urls": tool_urls(settings.BASE_URL),
        "jwks": json.dumps(jwks, indent=2),
        "has_keys": bool(jwks["keys"]),
        "form": form,
    }
    return render(request, "lti/setup_manual.html", context, status=status)


@login_required
@require_POST
def setup_deployment_add(request: HttpRequest, registration_id: int) -> HttpResponse:
    user, school = school_admin_for(request)
    registration = services.registration_for_admin(school, registration_id)
    form = DeploymentForm(request.POST, auto_id=f"id_r{registration.pk}_%s")
    if form.is_valid():
        deployment_id = form.cleaned_data["deployment_id"]
        try:
            services.deployment_add(registration=registration, deployment_id=deployment_id, school=school)
        except RegistrationRefused as error:
            form.add_error("deployment_id", error.message)
            return _setup_page(request, user, school, failed=(registration.pk, form), status=error.status)
        messages.success(request, _("Deployment “%(id)s” is active for your school.") % {"id": deployment_id})
        return redirect(_setup_url(user, school))
    return _setup_page(request, user, school, failed=(registration.pk, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def setup_deployment_deactivate(request: HttpRequest, deployment_id: int) -> HttpResponse:
    user, school = school_admin_for(request)
    deployment = services.deployment_for_admin(school, deployment_id)
    if request.method == "POST":
        services.deployment_deactivate(deployment=deployment)
        messages.success(request, _("Deployment “%(id)s” is deactivated.") % {"id": deployment.deployment_id})
        return redirect(_setup_url(user, school))
    context = {"school": school, "school_query": _school_query(user, school), "deployment": deployment}
    return render(request, "lti/setup_deactivate.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def setup_registration_deactivate(request: HttpRequest, registration_id: int) -> HttpResponse:
    user, school = school_admin_for(request)
    registration = services.registration_for_admin(school, registration_id)
    error = None
    if request.method == "POST":
        try:
            services.registration_deactivate(registration=registration, school=school)
        except RegistrationRefused as refused:
            error = refused
        else:
            messages.success(request, _("%(name)s is deactivated.") % {"name": registration.name})
            return redirect(_setup_url(user, school))
    context = {
        "school": school,
        "school_query": _school_query(user, school),
        "registration": registration,
        "error": error,
    }
    return render(request, "lti/setup_deactivate.html", context, status=error.status if error else 200)


@require_GET
def config_json(request: HttpRequest) -> JsonResponse:
    """Baeum's LTI 1.3 configuration in Canvas's JSON format (public: it holds no secret)."""
    response = JsonResponse(canvas_config(settings.BASE_URL), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- Dynamic registration (opened by the LMS) --------------------------------------------------


def _refused(request: HttpRequest, error: RegistrationRefused) -> HttpResponse:
    log.warning("lti registration refused: %s", error.code)
    return render(request, "lti/register_refused.html", {"error": error}, status=error.status)


@csrf_exempt  # the invite token in the URL is the authority; what is registered was fetched server-side
@xframe_options_exempt  # shown in the LMS's frame or popup; these pages carry no session data
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, token: str) -> HttpResponse:
    """GET (from the LMS, with ``openid_configuration`` and maybe ``registration_token``): fetch and
    check the LMS's configuration and ask to confirm. POST: register Baeum at the LMS and record it."""
    try:
        invite = services.invite_check(token)
        if request.method == "GET":
            configuration_url = request.GET.get("openid_configuration", "")[:2000]
            if not configuration_url:
                raise RegistrationRefused(
                    "no_configuration",
                    _("This link is for your LMS: paste it into the LMS's tool registration, not into a browser."),
                )
            registration_token = request.GET.get("registration_token", "")[:4000]
            platform = services.platform_config_fetch(configuration_url, registration_token)
            pending = services.pending_remember(invite, platform, registration_token)
            context = {"invite": invite, "school": invite.school, "platform": platform, "pending": pending}
            return render(request, "lti/register.html", context)
        platform, registration_token = services.pending_recall(request.POST.get("pending", ""), invite)
        registration = services.registration_dynamic(
            token=token, platform=platform, registration_token=registration_token
        )
    except RegistrationRefused as error:
        return _refused(request, error)
    deployments = list(
        registration.deployments.filter(baeum__school=invite.school).values_list("deployment_id", flat=True)
    )
    context = {"registration": registration, "school": invite.school, "deployments": deployments}
    return render(request, "lti/register_done.html", context)

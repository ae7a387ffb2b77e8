"""The LTI tool's front door: OIDC login initiation, the launch, and the JWKS. Thin: the rules are
in ``checks``, the validation in ``validation``, what a launch does in ``services``."""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlencode

from django.contrib.auth import login
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key, LtiRegistration

from edu.accounts.models import User
from lti.tool import checks, keys, services, state, tasks
from lti.tool.checks import LaunchRejected
from lti.tool.framing import FRAME_ORIGINS_KEY, origin_of
from lti.tool.session import cross_site_cookie, start_lti_session
from lti.tool.validation import ValidLaunch, launch_validate, login_memory, state_cookie_name

log = logging.getLogger("baeum.lti")
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id")
DEEP_LINK_KEY = "lti_deep_link"
BACKEND = "lti.tool.backends.LtiLaunchBackend"
COOKIE_PROBE = "baeum_lti_probe"  # readable by the login page's script: were cookies kept in the frame?


def rejected(request: HttpRequest, error: LaunchRejected, *, retry: dict[str, str] | None = None) -> HttpResponse:
    """The page for a refused login or launch: the reason in words, its code for the LMS admin, and
    (when the login is known) a way to open the launch in a new window. Logged without personal data."""
    log.warning("lti refused: %s", error.code)
    context = {"error": error, "retry_url": f"{reverse('lti:login')}?{urlencode(retry)}" if retry else ""}
    return render(request, "lti/refused.html", context, status=error.status)


def _registration_for(params: dict[str, str]) -> LtiRegistration:
    found = LtiRegistration.objects.filter(issuer=params.get("iss", ""), is_active=True)
    if params.get("client_id"):
        found = found.filter(client_id=params["client_id"])
    registrations = list(found[:2])
    if len(registrations) != 1:
        if registrations:
            raise LaunchRejected(
                "ambiguous_client", _("This LMS has several registrations in Baeum; it must send its client_id.")
            )
        raise LaunchRejected(
            "unknown_issuer", _("This LMS is not registered in Baeum. Ask your Baeum admin to register it."), 403
        )
    return registrations[0]


@csrf_exempt
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest) -> HttpResponse:
    """Step 1 of the launch (OIDC third-party initiated login): remember a state and nonce for this
    browser and send it to the LMS's authorisation endpoint."""
    source = request.POST if request.method == "POST" else request.GET
    params = {k: source[k][:2000] for k in LOGIN_PARAMS if source.get(k)}
    try:
        for required in ("iss", "login_hint", "target_link_uri"):
            if not params.get(required):
                raise LaunchRejected("bad_login", _("The LMS's login request lacks %(name)s.") % {"name": required})
        target = checks.split_url(params["target_link_uri"])
        if (
            target is None
            or f"{target.scheme}://{target.netloc}" != request.build_absolute_uri("/").rstrip("/")
            or not target.path.startswith("/lti/")
        ):
            raise LaunchRejected("foreign_target", _("The LMS asked to launch an address outside Baeum's LTI pages."))
        registration = _registration_for(params)
    except LaunchRejected as error:
        return rejected(request, error)
    state_value, nonce = state.new_state(), state.new_nonce()
    memory = login_memory(registration, nonce, params["target_link_uri"])
    state.login_remember(state_value, memory, registration_id=registration.pk, params=params)
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": request.build_absolute_uri(reverse("lti:launch")),
        "state": state_value,
        "nonce": nonce,
        "login_hint": params["login_hint"],
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    auth_url = f"{registration.auth_url}{'&' if '?' in registration.auth_url else '?'}{urlencode(query)}"
    if request.headers.get("Sec-Fetch-Dest") == "iframe" and source.get("new_window") != "1":
        # In the LMS's frame: before spending the LMS's one-time login hint, see whether this
        # browser keeps Baeum's cookies here; if not, offer a new window (which starts afresh).
        again = {**params, "new_window": "1"}
        context = {"auth_url": auth_url, "new_window_url": f"{reverse('lti:login')}?{urlencode(again)}"}
        response: HttpResponse = render(request, "lti/login_check.html", context)
        cross_site_cookie(response, COOKIE_PROBE, "1", max_age=state.LOGIN_TTL, httponly=False)
    else:
        response = redirect(auth_url)
    cross_site_cookie(response, state_cookie_name(state_value), "1", max_age=state.LOGIN_TTL)
    return response


def _frame_origins(valid: ValidLaunch) -> list[str]:
    presentation = valid.claims.get(checks.LTI + "launch_presentation") or {}
    urls = [valid.registration.issuer, valid.registration.auth_url]
    if isinstance(presentation, dict):
        urls.append(presentation.get("return_url"))
    return sorted({o for url in urls if (o := origin_of(url)) is not None})


@csrf_exempt
@xframe_options_exempt
@never_cache
@require_POST
def launch(request: HttpRequest) -> HttpResponseBase:
    """Step 2: the LMS posts the id_token. Validate it, map it onto Baeum, sign the person in (in the
    LTI session) and take them where they belong."""
    state_value = request.POST.get("state", "")[:200]
    try:
        valid = launch_validate(
            id_token=request.POST.get("id_token", "")[:20000],
            state_value=state_value,
            state_cookie=request.COOKIES.get(state_cookie_name(state_value)) if state_value else None,
        )
        launched = services.launch_accept(valid)
    except LaunchRejected as error:
        return rejected(request, error, retry=error.retry)
    log.info("lti launch: %s as %s", valid.message_type, launched.role)
    if launched.role == checks.TEACHER and launched.classroom is not None:
        class_link = launched.classroom.lti_link
        if class_link.context.memberships_url:  # the roster, at most every few minutes (tasks.sync_roster)
            transaction.on_commit(lambda: tasks.sync_roster.delay(class_link.pk), robust=True)
    deep_link = None
    if valid.message_type == checks.DEEP_LINKING_REQUEST:
        deep_link = {
            "registration_id": valid.registration.pk,
            "deployment_id": valid.deployment.deployment_id,
            "settings": valid.claims.get(checks.DEEP_LINKING_SETTINGS),
            "classroom_id": launched.classroom.pk if launched.classroom else None,
        }
    landing = reverse("lti:deep_link") if deep_link else services.landing_url(launched)
    if request.headers.get("Sec-Fetch-Dest") == "document":
        # A window of its own (not the LMS's frame): Baeum is first party here, so the person signs
        # in to this browser's own session, on a same-site page that can see who is signed in now.
        ticket = state.new_state()
        cache.set(_continue_key(ticket), {"user_id": launched.user.pk, "deep_link": deep_link, "landing": landing}, 300)
        return redirect("lti:continue", ticket=ticket)
    start_lti_session(request)
    login(request, launched.user, backend=BACKEND)
    request.session[FRAME_ORIGINS_KEY] = _frame_origins(valid)
    if deep_link:
        request.session[DEEP_LINK_KEY] = deep_link
    return redirect(landing)


def _continue_key(ticket: str) -> str:
    return "lti:continue:" + hashlib.sha256(ticket.encode()).hexdigest()


@never_cache
@require_http_methods(["GET", "POST"])
def continue_launch(request: HttpRequest, ticket: str) -> HttpResponse:
    """A launch in a window of its own ends here. If someone else is signed in to Baeum in this
    browser, ask before switching (nobody is signed out silently); otherwise sign in and go on."""
    key = _continue_key(ticket[:200])
    value = cache.get(key)
    expired = LaunchRejected(
        "unknown_state", _("This launch has expired or was already used. Open it again from your LMS.")
    )
    if value is None:
        return rejected(request, expired)
    user = User.objects.filter(pk=value["user_id"], is_active=True).first()
    if user is None:
        return rejected(request, LaunchRejected("inactive", _("This Baeum account is switched off."), status=403))
    current = request.user
    if request.method == "POST" and request.POST.get("do") == "cancel":
        cache.delete(key)
        return redirect("home")
    if current.is_authenticated and current.pk != user.pk and request.method != "POST":
        return render(request, "lti/continue.html", {"current": current, "launched": user})
    if not cache.delete(key):  # used once
        return rejected(request, expired)
    login(request, user, backend=BACKEND)
    if value["deep_link"]:
        request.session[DEEP_LINK_KEY] = value["deep_link"]
    return redirect(value["landing"])


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """Baeum's public keys (every active one: old and new while keys rotate). A fresh Baeum makes its
    first key here, so an LMS registering it never caches an empty key set."""
    if not Key.objects.active().exists():
        keys.signing_key()
    response = JsonResponse(Key.objects.as_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@xframe_options_exempt
def waiting(request: HttpRequest) -> HttpResponse:
    """A learner launched a link whose lesson their teacher has not chosen (or cannot show) yet."""
    return render(request, "lti/waiting.html")

"""The external tools' admin pages: the tools a school may use (on or off for it), registering one by
hand or by a dynamic-registration invitation, a tool's addresses for its admin, editing, deactivating.
Who: ``school_admin_for`` (a school admin for their school; a superuser for any with ``?school=``,
and the site-wide tools). Thin: rules in ``registry_rules``, operations in ``registry``, reads and
per-tool access in ``registry_selectors``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from classrooms.models import School
from edu.accounts.models import User
from lti.platform import registry
from lti.platform import registry_selectors as selectors
from lti.platform.forms import SCOPE_LABELS, InviteForm, ToolAddressForm, ToolForm
from lti.tool.registration import SchoolNotChosen, invite_digest, school_admin_for
from lti.tool.registration_rules import RegistrationRefused


def _query(user: User, school: School) -> str:
    return f"?school={school.pk}" if user.is_superuser else ""


def _url(name: str, user: User, school: School, *args: Any) -> str:
    return reverse(f"lti_platform:{name}", args=args) + _query(user, school)


def _context(user: User, school: School, **more: Any) -> dict[str, Any]:
    return {"school": school, "school_query": _query(user, school), "is_superuser": user.is_superuser, **more}


def _row(user: User, school: School, tool: Any) -> dict[str, Any]:
    deployment = tool.school_deployments[0] if tool.school_deployments else None
    return {
        "tool": tool,
        "enabled": bool(deployment and deployment.enabled),
        "manage": selectors.can_manage(user, school, tool),
        "scopes": [SCOPE_LABELS[s] for s in tool.scopes if s in SCOPE_LABELS],
    }


@login_required
@require_http_methods(["GET"])
def tools(request: HttpRequest) -> HttpResponse:
    try:
        user, school = school_admin_for(request)
    except SchoolNotChosen:
        schools = School.objects.order_by("name")
        return render(request, "lti/platform/choose_school.html", {"schools": schools})
    rows = [_row(user, school, tool) for tool in selectors.usable_tools(school)]
    invites = selectors.open_invites(user, school)
    return render(request, "lti/platform/tools.html", _context(user, school, rows=rows, invites=invites))


@login_required
@require_POST
def tool_enable(request: HttpRequest, tool_id: int) -> HttpResponse:
    user, school = school_admin_for(request)
    tool = selectors.tool_for_admin(user, school, tool_id)
    registry.tool_enable(tool, school, True, user)
    messages.success(request, _("%(name)s is on for your school.") % {"name": tool.name})
    return redirect(_url("tools", user, school))


def _confirm(request: HttpRequest, user: User, school: School, back: str = "tools", **context: Any) -> HttpResponse:
    """Ask before a change that is hard to undo; the form posts back to this very address."""
    context = _context(user, school, cancel=_url(back, user, school), **context)
    return render(request, "lti/platform/confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tool_disable(request: HttpRequest, tool_id: int) -> HttpResponse:
    user, school = school_admin_for(request)
    tool = selectors.tool_for_admin(user, school, tool_id)
    if request.method == "POST":
        registry.tool_enable(tool, school, False, user)
        messages.success(request, _("%(name)s is off for your school.") % {"name": tool.name})
        return redirect(_url("tools", user, school))
    return _confirm(
        request,
        user,
        school,
        title=_("Switch %(name)s off for %(school)s?") % {"name": tool.name, "school": school.name},
        text=_(
            "Teachers of this school will no longer find it in the lesson editor, and its activities in lessons "
            "will not launch. Scores already sent are kept. You can switch it on again; it keeps its deployment ID."
        ),
        button=_("Switch off"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_deactivate(request: HttpRequest, tool_id: int) -> HttpResponse:
    user, school = school_admin_for(request)
    tool = selectors.tool_for_admin(user, school, tool_id, manage=True)
    if request.method == "POST":
        registry.tool_deactivate(tool, by=user)
        messages.success(request, _("%(name)s is deactivated.") % {"name": tool.name})
        return redirect(_url("tools", user, school))
    text = _(
        "No school can launch it any more and it leaves every list; its activities in lessons stop working. "
        "Scores already sent are kept. Only a site administrator can switch it on again."
    )
    if tool.owner_school_id is None:
        text = _("This tool is for every school: it disappears for all of them.") + " " + text
    title = _("Deactivate %(name)s?") % {"name": tool.name}
    return _confirm(request, user, school, title=title, text=text, button=_("Deactivate"))


def _form_page(
    request: HttpRequest, user: User, school: School, form: ToolForm, tool: Any, status: int
) -> HttpResponse:
    context = _context(user, school, form=form, tool=tool)
    return render(request, "lti/platform/tool_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tool_new(request: HttpRequest) -> HttpResponse:
    user, school = school_admin_for(request)
    form = ToolForm(request.POST if request.method == "POST" else None, can_share=user.is_superuser)
    if request.method == "POST":
        if not form.is_valid():
            return _form_page(request, user, school, form, None, 400)
        data = dict(form.cleaned_data)
        owner = None if data.pop("site_wide", False) else school
        try:
            tool, _deployment = registry.tool_register(owner_school=owner, created_by=user, **data)
        except RegistrationRefused as error:
            form.add_error(None, error.message)
            return _form_page(request, user, school, form, None, error.status)
        messages.success(request, _("%(name)s is registered. Give its admin the values below.") % {"name": tool.name})
        return redirect(_url("tool", user, school, tool.pk))
    return _form_page(request, user, school, form, None, 200)


@login_required
@require_http_methods(["GET", "POST"])
def tool_edit(request: HttpRequest, tool_id: int) -> HttpResponse:
    user, school = school_admin_for(request)
    tool = selectors.tool_for_admin(user, school, tool_id, manage=True)
    form = ToolForm(request.POST if request.method == "POST" else None, tool=tool)
    if request.method == "POST":
        if not form.is_valid():
            return _form_page(request, user, school, form, tool, 400)
        try:
            registry.tool_update(tool, by=user, **form.cleaned_data)
        except RegistrationRefused as error:
            form.add_error(None, error.message)
            return _form_page(request, user, school, form, tool, error.status)
        messages.success(request, _("%(name)s is saved.") % {"name": tool.name})
        return redirect(_url("tool", user, school, tool.pk))
    return _form_page(request, user, school, form, tool, 200)


def _baeum_urls() -> dict[str, str]:
    base = settings.BASE_URL
    names = {"auth": "lti_platform:authorize", "token": "lti_platform:token", "jwks": "lti:jwks"}
    urls = {key: base + reverse(name) for key, name in names.items()}
    urls["configuration"] = base + reverse("lti_platform:openid_configuration")
    return {"issuer": base, **urls}


@login_required
@require_http_methods(["GET"])
def tool(request: HttpRequest, tool_id: int) -> HttpResponse:
    """The values the tool's admin enters in the tool, copy-friendly."""
    user, school = school_admin_for(request)
    found = selectors.tool_for_admin(user, school, tool_id)
    context = _context(
        user,
        school,
        row=_row(user, school, found),
        urls=_baeum_urls(),
        deployments=selectors.tool_deployments(found, user, school),
    )
    return render(request, "lti/platform/tool.html", context)


# --- Invitations ---------------------------------------------------------------------------------


def _invite_made(
    request: HttpRequest, user: User, school: School, token: str, address: ToolAddressForm
) -> HttpResponse:
    invite = selectors.invite_for_admin(user, school, digest=invite_digest(token))
    configuration = settings.BASE_URL + reverse("lti_platform:openid_configuration")
    link = ""
    if address.is_bound and address.is_valid():
        start = address.cleaned_data["tool_address"]
        query = urlencode({"openid_configuration": configuration, "registration_token": token})
        link = f"{start}{'&' if '?' in start else '?'}{query}"
    context = _context(
        user,
        school,
        invite=invite,
        token=token,
        configuration=configuration,
        send_names=invite.send_names,
        address_form=address,
        link=link,
    )
    return render(request, "lti/platform/tool_invite_made.html", context, status=400 if address.errors else 200)


@never_cache  # the page shows the registration token
@login_required
@require_http_methods(["GET", "POST"])
def tool_invite(request: HttpRequest) -> HttpResponse:
    """GET: the form and the open invitations. POST: a new invitation, its token shown this once."""
    user, school = school_admin_for(request)
    form = InviteForm(request.POST if request.method == "POST" else None, can_share=user.is_superuser)
    if request.method == "POST" and form.is_valid():
        owner = None if form.cleaned_data.get("site_wide") else school
        _invite, token = registry.invite_create(
            school=owner, created_by=user, send_names=form.cleaned_data["send_names"]
        )
        return _invite_made(request, user, school, token, ToolAddressForm(initial={"token": token}))
    context = _context(user, school, form=form, invites=selectors.open_invites(user, school))
    return render(request, "lti/platform/tool_invite.html", context)


@never_cache  # the page shows the registration token
@login_required
@require_POST
def tool_invite_link(request: HttpRequest) -> HttpResponse:
    """The invitation's page again, with a button opening the tool's registration address."""
    user, school = school_admin_for(request)
    address = ToolAddressForm(request.POST)
    token = str(request.POST.get("token", ""))[:200]
    return _invite_made(request, user, school, token, address)


@login_required
@require_http_methods(["GET", "POST"])
def invite_revoke(request: HttpRequest, invite_id: int) -> HttpResponse:
    user, school = school_admin_for(request)
    invite = selectors.invite_for_admin(user, school, pk=invite_id)
    if request.method == "POST":
        registry.invite_revoke(invite, by=user)
        messages.success(request, _("The invitation is revoked: its token no longer works."))
        return redirect(_url("tool_invite", user, school))
    title = _("Revoke this invitation?")
    text = _("A tool that has not registered with its token yet will be refused. You can make a new invitation.")
    return _confirm(request, user, school, back="tool_invite", title=title, text=text, button=_("Revoke"))

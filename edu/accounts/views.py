"""Sign-in for teachers (password) and students (login code or QR card), and sign-out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from edu.accounts import throttle
from edu.accounts.forms import LoginCodeForm, TeacherLoginForm


class TeacherLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = TeacherLoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Failures are counted by the backend (edu.accounts.backends); here we only explain.
        if throttle.is_blocked("password", *throttle.password_keys(request, str(request.POST.get("username", "")))):
            form = self.get_form()
            form.add_error(None, form.error_messages["throttled"])
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def code_login(request: HttpRequest) -> HttpResponse:
    """Students type their code, or scan their card: the QR opens this page with the code in the
    URL fragment (never sent to the server or written to logs), and a script fills the field."""
    if request.user.is_authenticated:
        return redirect("home")
    status = 200
    form = LoginCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        address, device = throttle.client_address(request), throttle.code_device_key(request)
        if throttle.is_blocked("code", device) or throttle.is_blocked(
            "code-address", address, limit=settings.LOGIN_CODE_FAILURES_PER_ADDRESS
        ):
            form.add_error(None, _("Too many wrong codes from this device. Wait a few minutes and try again."))
            status = 429
        else:
            user = authenticate(request, login_code=form.cleaned_data["code"])
            if user is not None:
                login(request, user, backend="edu.accounts.backends.LoginCodeBackend")
                return redirect("home")
            throttle.record_failure("code", device)
            throttle.record_failure("code-address", address)
            form.add_error("code", _("This login code is not valid. Check your card or ask your teacher."))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/code_login.html", {"form": form}, status=status)


logout = auth_views.LogoutView.as_view()

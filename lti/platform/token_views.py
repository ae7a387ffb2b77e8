"""Baeum's OAuth 2 token endpoint for external tools (``lti_platform:token``): thin, the rules are in
``token_rules`` and the issuing in ``tokens``."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lti.platform.token_rules import TokenRefused
from lti.platform.tokens import token_issue

log = logging.getLogger("baeum.lti")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@csrf_exempt  # a server-to-server call authenticated by its signed assertion, not a browser form
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    form = {key: request.POST.get(key, "") for key in request.POST}
    try:
        issued = token_issue(form)
    except TokenRefused as refusal:
        log.warning("lti platform token refused: %s", refusal.code)
        body = {"error": refusal.error, "error_description": str(refusal.message)}
        return JsonResponse(body, status=refusal.status, headers=NO_STORE)
    return JsonResponse(issued.as_json(), headers=NO_STORE)

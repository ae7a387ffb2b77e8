"""The two public addresses of dynamic registration: Baeum's openid-configuration and the registration
endpoint a tool posts its client metadata to. JSON in, JSON out; the service is ``registration``."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lti.platform import registration as services
from lti.platform.registry_rules import MAX_BODY, MetadataRefused
from lti.tool.registration_rules import RegistrationRefused

log = logging.getLogger("baeum.lti")


@require_GET
def openid_configuration(request: HttpRequest) -> JsonResponse:
    """Public: it holds no secret, and a tool's registration page may read it from the browser."""
    response = JsonResponse(services.openid_configuration(), json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@csrf_exempt  # a tool's server posts here; the bearer registration token is the authority
@never_cache
@require_POST
def register(request: HttpRequest) -> JsonResponse:
    body = request.read(MAX_BODY + 1)  # one byte more than allowed tells "too large"
    try:
        answer = services.tool_register_dynamic(authorization=request.headers.get("Authorization", ""), body=body)
    except RegistrationRefused as error:
        detail = error.field if isinstance(error, MetadataRefused) else getattr(error, "reason", "")
        log.warning("lti platform registration refused: %s (%s)", error.code, detail)
        response = JsonResponse({"error": error.code, "error_description": error.message}, status=error.status)
        if error.status == 401:
            response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    log.info("lti platform registration: tool registered (client %s)", answer["client_id"])
    return JsonResponse(answer)

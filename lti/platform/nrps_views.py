"""Names and Role Provisioning Services 2.0 endpoint (thin: access in ``service_access``, the
roster in ``nrps``): ``GET`` with ``role``, ``limit`` and ``Link: <…>; rel="next"`` paging."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from lti.platform import nrps, scopes
from lti.platform.service_access import ServiceAccess, service_view
from lti.platform.service_http import json_response, next_link, paging_of


@service_view({"GET": (scopes.SCOPE_NRPS,)})
def memberships(request: HttpRequest, access: ServiceAccess) -> HttpResponse:
    paging = paging_of(request)
    role = request.GET.get("role", "").strip()
    page = nrps.members_page(access, role, paging)
    url = nrps.memberships_url(access.classroom.pk)
    body = {"id": url, "context": nrps.context_json(access.classroom), "members": page.members}
    link = next_link(url, {"role": role}, paging, page.last_key) if page.has_next else ""
    return json_response(body, scopes.MEDIA_MEMBERSHIPS, link=link)

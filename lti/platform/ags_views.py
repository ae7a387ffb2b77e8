"""Assignment and Grade Services 2.0 endpoints (thin: access in ``service_access``, what a body
may hold in ``ags_rules``, the work in ``ags`` and ``scores``). Scopes per method (AGS §3.1):
reading line items needs ``lineitem`` or ``lineitem.readonly``, changing them ``lineitem``,
posting scores ``score``, reading results ``result.readonly``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from lti.platform import ags, scopes
from lti.platform.ags_rules import parse_line_item, parse_score
from lti.platform.scores import score_submit
from lti.platform.service_access import ServiceAccess, service_view
from lti.platform.service_http import json_response, next_link, paging_of, read_json

READ = (scopes.SCOPE_LINEITEM, scopes.SCOPE_LINEITEM_READONLY)
WRITE = (scopes.SCOPE_LINEITEM,)


@service_view({"GET": READ, "POST": WRITE})
def lineitems(request: HttpRequest, access: ServiceAccess) -> HttpResponse:
    if request.method == "POST":
        item = ags.line_item_create(access, parse_line_item(read_json(request, (scopes.MEDIA_LINEITEM,))))
        response = json_response(ags.line_item_json(item), scopes.MEDIA_LINEITEM, status=201)
        response.headers["Location"] = ags.lineitem_url(item)
        return response
    paging = paging_of(request)
    filters = {name: request.GET.get(name, "") for name in ags.FILTERS}
    items, more = ags.line_items_page(access, filters, paging)
    link = next_link(ags.lineitems_url(access.classroom.pk), filters, paging, items[-1].pk) if more else ""
    return json_response([ags.line_item_json(item) for item in items], scopes.MEDIA_LINEITEMS, link=link)


@service_view({"GET": READ, "PUT": WRITE, "DELETE": WRITE})
def lineitem(request: HttpRequest, access: ServiceAccess, item_id: int) -> HttpResponse:
    item = ags.line_item_of(access, item_id)
    if request.method == "DELETE":
        ags.line_item_delete(item)
        return HttpResponse(status=204)
    if request.method == "PUT":
        item = ags.line_item_update(access, item, parse_line_item(read_json(request, (scopes.MEDIA_LINEITEM,))))
    return json_response(ags.line_item_json(item), scopes.MEDIA_LINEITEM)


@service_view({"POST": (scopes.SCOPE_SCORE,)})
def scores(request: HttpRequest, access: ServiceAccess, item_id: int) -> HttpResponse:
    item = ags.line_item_of(access, item_id)
    score = parse_score(read_json(request, (scopes.MEDIA_SCORE,)))
    outcome = score_submit(access, item, score)
    body = {"status": outcome.status, "scoreOf": ags.lineitem_url(item), "userId": score.user_id}
    return json_response(body, "application/json")


@service_view({"GET": (scopes.SCOPE_RESULT_READONLY,)})
def results(request: HttpRequest, access: ServiceAccess, item_id: int) -> HttpResponse:
    item = ags.line_item_of(access, item_id)
    paging = paging_of(request)
    user_sub = request.GET.get("user_id", "")
    page = ags.results_page(access, item, user_sub, paging)
    link = next_link(ags.results_url(item), {"user_id": user_sub}, paging, page.last_key) if page.has_next else ""
    return json_response(page.results, scopes.MEDIA_RESULTS, link=link)

"""The services tools call server to server: the token endpoint, Assignment and Grade Services and
Names and Role Provisioning Services. ``context_id`` is the class's id (the LTI context).

The scores and results URLs also answer without their trailing slash: tools build them by adding
"/scores" or "/results" to the line item's URL (pylti1p3 strips the line item's "/" first), and a
redirect would lose a POST's body."""

from django.urls import path

from lti.platform import ags_views, nrps_views, token_views

ITEM = "ags/<int:context_id>/lineitems/<int:item_id>/"

urlpatterns = [
    path("token/", token_views.token, name="token"),
    path("ags/<int:context_id>/lineitems/", ags_views.lineitems, name="lineitems"),
    path(ITEM, ags_views.lineitem, name="lineitem"),
    path(ITEM + "scores/", ags_views.scores, name="scores"),
    path(ITEM + "scores", ags_views.scores),
    path(ITEM + "results/", ags_views.results, name="results"),
    path(ITEM + "results", ags_views.results),
    path("nrps/<int:context_id>/memberships/", nrps_views.memberships, name="memberships"),
]

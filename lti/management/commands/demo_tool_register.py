"""``manage.py demo_tool_register --tool-url http://127.0.0.1:8001 --data-dir var/demo_tool``: both
sides of a manual registration of the demo content tool (``demo_tool/``), as `make run` needs it.

Baeum's side: the ``ExternalTool`` "배움 데모 콘텐츠 (Demo content)" with the tool's URLs, names
sent, every service scope granted, enabled for the demo school (``manage.py demo_data`` makes it).
The tool's side: Baeum's issuer, the tool's client_id and deployment ids and Baeum's authorization,
token and JWKS URLs, written into the tool's registrations store. Running it again updates both
(same client_id and deployment_id), so it is safe on every `make run`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from classrooms.models import School
from demo_tool.registrations import PlatformRegistration, RegistrationStore
from lti.models import ExternalTool, ToolDeployment
from lti.platform.scopes import SCOPES
from lti.tool.registration_rules import url_problem

TOOL_NAME = "배움 데모 콘텐츠 (Demo content)"
DEMO_SCHOOL = "배움시범학교"


class Command(BaseCommand):
    help = "Registers the demo content tool (demo_tool/) with Baeum and Baeum with the tool, for the demo school."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tool-url", required=True, help="the demo tool's address, e.g. http://127.0.0.1:8001")
        parser.add_argument("--data-dir", required=True, type=Path, help="the demo tool's data directory")

    def handle(self, *args: Any, **options: Any) -> None:
        tool_url = str(options["tool_url"]).rstrip("/")
        problem = url_problem(tool_url, http_loopback=settings.LTI_ALLOW_HTTP_LOOPBACK)
        if problem:
            raise CommandError(f"--tool-url {tool_url}: {problem}")
        school = School.objects.filter(name=DEMO_SCHOOL).order_by("pk").first()
        if school is None:
            raise CommandError(f"No school named {DEMO_SCHOOL}: run `manage.py demo_data` first.")
        platform_urls = {
            "auth_login_url": settings.BASE_URL + reverse("lti_platform:authorize"),
            "auth_token_url": settings.BASE_URL + reverse("lti_platform:token"),
            "key_set_url": settings.BASE_URL + reverse("lti:jwks"),
        }
        with transaction.atomic():
            tool, created = ExternalTool.objects.update_or_create(
                name=TOOL_NAME,
                owner_school=None,
                defaults={
                    "description": "데모 콘텐츠 제공자 — 연습용 도구입니다 (a demo LTI 1.3 tool on PyLTI1p3)",
                    "login_url": f"{tool_url}/login",
                    "redirect_uris": [f"{tool_url}/launch"],
                    "target_link_uri": f"{tool_url}/launch",
                    "deep_link_url": f"{tool_url}/launch",
                    "jwks_url": f"{tool_url}/jwks",
                    "public_key": "",
                    "send_names": True,
                    "scopes": list(SCOPES),
                    "registered_via": ExternalTool.Via.MANUAL,
                    "is_active": True,
                },
            )
            ToolDeployment.objects.update_or_create(tool=tool, school=school, defaults={"enabled": True})
            deployment_ids = list(
                ToolDeployment.objects.filter(tool=tool).order_by("pk").values_list("deployment_id", flat=True)
            )
        # After the commit: the tool may launch as soon as it reads the store. Registrations of this
        # issuer under a client_id Baeum no longer knows (a fresh database) are dropped.
        store = RegistrationStore(options["data_dir"])
        known = set(ExternalTool.objects.values_list("client_id", flat=True))
        for stale in store.for_issuer(settings.BASE_URL):
            if stale.client_id not in known:
                store.remove(stale.issuer, stale.client_id)
        store.save(
            PlatformRegistration(
                issuer=settings.BASE_URL,
                client_id=tool.client_id,
                deployment_ids=deployment_ids,
                name="Baeum",
                registered_via="manual",
                **platform_urls,
            )
        )
        verb = "Registered" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} the demo content tool at {tool_url} for {school.name}."))

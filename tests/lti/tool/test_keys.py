"""Baeum's signing keys: made on first use, rotated without a gap (the JWKS serves old and new keys
while the LMSs' caches catch up), retired after the grace period, by the command and the task."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import jwt
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import Key

from lti.tool import keys, tasks, tokens
from lti.tool.tokens import SCOPE_SCORE
from tests.factories import Personas
from tests.lti.platform import TestPlatform
from tests.lti.platform.fixtures import lti_platform  # noqa: F401 - a fixture
from tests.lti.tool.launching import register_baeum

pytestmark = pytest.mark.django_db


def published(client: Client) -> list[str]:
    response = client.get(reverse("lti:jwks"))
    assert response.status_code == 200
    return [key["kid"] for key in response.json()["keys"]]


def aged(days: float) -> Key:
    """A key made ``days`` ago."""
    key = Key.objects.generate()
    Key.objects.filter(pk=key.pk).update(datetime_created=timezone.now() - timedelta(days=days))
    key.refresh_from_db()
    return key


def test_the_first_key_is_made_on_first_use() -> None:
    assert not Key.objects.exists()
    key = keys.signing_key()
    assert keys.signing_key() == key and Key.objects.count() == 1
    assert keys.kid_of(key) == key.as_jwk()["kid"]


def test_rotation_publishes_the_new_key_before_signing_with_it_and_keeps_the_old_one(client: Client) -> None:
    old = aged(100)
    now = timezone.now()
    rotation = keys.keys_rotate(now)
    new = rotation.new_key
    assert new is not None and rotation.deactivated == 0

    assert sorted(published(client)) == sorted([keys.kid_of(old), keys.kid_of(new)])
    assert keys.signing_key(now) == old  # LMSs may still hold a JWKS without the new key
    assert keys.signing_key(now + keys.PUBLISH_LEAD) == new

    # the old key stays published through the grace period after it stopped signing, then goes
    assert keys.keys_retire(now + keys.PUBLISH_LEAD + keys.GRACE - timedelta(seconds=1)) == 0
    assert keys.keys_retire(now + keys.PUBLISH_LEAD + keys.GRACE) == 1
    assert published(client) == [keys.kid_of(new)]


def test_a_second_rotation_within_the_lead_keeps_signing_with_the_old_key() -> None:
    old = aged(100)
    now = timezone.now()
    keys.keys_rotate(now)
    keys.keys_rotate(now + timedelta(minutes=1))
    assert keys.signing_key(now + timedelta(minutes=2)) == old
    assert Key.objects.active().count() == 3


def test_the_task_rotates_only_a_key_past_its_age(settings: Any, client: Client) -> None:
    settings.LTI_KEY_MAX_AGE_DAYS = 90
    fresh = aged(89)
    assert keys.keys_rotate_if_due().new_key is None
    assert published(client) == [keys.kid_of(fresh)]

    Key.objects.filter(pk=fresh.pk).update(datetime_created=timezone.now() - timedelta(days=91))
    assert tasks.rotate_keys() == "new key: True, deactivated: 0"
    assert len(published(client)) == 2


def test_the_task_makes_a_first_key_and_retires_keys_past_their_grace() -> None:
    assert tasks.rotate_keys() == "new key: True, deactivated: 0"
    assert Key.objects.count() == 1
    Key.objects.all().delete()
    aged(120), aged(30)
    current = aged(20)
    assert keys.keys_rotate_if_due().deactivated == 2  # both stopped signing more than a week ago
    assert list(Key.objects.active()) == [current]


def test_the_command_rotates_now_or_when_due() -> None:
    aged(10)
    out = StringIO()
    call_command("lti_rotate_keys", "--if-due", stdout=out)
    assert "not due" in out.getvalue() and Key.objects.count() == 1
    call_command("lti_rotate_keys", stdout=out)
    assert "New signing key" in out.getvalue() and Key.objects.active().count() == 2


def test_the_command_refuses_a_grace_under_a_day() -> None:
    with pytest.raises(SystemExit):
        call_command("lti_rotate_keys", "--grace-days", "0", stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def platform(lti_platform: TestPlatform) -> Iterator[TestPlatform]:  # noqa: F811 - the imported fixture
    yield lti_platform
    assert lti_platform.errors == []


def _kid(assertion: str) -> str:
    return str(jwt.get_unverified_header(assertion)["kid"])


def test_the_lms_takes_assertions_across_a_rotation(platform: TestPlatform, personas: Personas) -> None:
    old = aged(100)
    reg = register_baeum(platform, personas.school)
    new = keys.keys_rotate().new_key
    assert new is not None
    platform.tools[reg.tool.client_id].jwks = Key.objects.as_jwks()  # what the LMS reads from our JWKS now

    assert _kid(tokens.client_assertion(reg.registration)) == keys.kid_of(old)
    tokens.access_token(reg.registration, [SCOPE_SCORE])

    Key.objects.filter(pk=new.pk).update(datetime_created=new.datetime_created - keys.PUBLISH_LEAD)  # time passes
    tokens.forget_token(reg.registration, [SCOPE_SCORE])
    assert _kid(tokens.client_assertion(reg.registration)) == keys.kid_of(new)
    tokens.access_token(reg.registration, [SCOPE_SCORE])
    assert platform.tokens_issued == 2 and platform.refusals_at("token") == []


@pytest.mark.django_db
def test_a_fresh_baeum_publishes_a_key_at_once(client) -> None:  # type: ignore[no-untyped-def]
    """An LMS registering a fresh Baeum reads its JWKS before anything was signed: never empty."""
    from lti_tool.models import Key

    assert not Key.objects.exists()
    jwks = client.get("/lti/jwks/").json()
    assert len(jwks["keys"]) == 1 and jwks["keys"][0]["kid"] == Key.objects.get().as_jwk()["kid"]
    assert client.get("/lti/jwks/").json() == jwks

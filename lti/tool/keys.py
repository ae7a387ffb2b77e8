"""Baeum's own signing keys (django-lti's ``Key`` rows), which the JWKS at ``lti:jwks`` publishes.

Rotation without a gap: a new key is published at once but Baeum signs with it only after
``PUBLISH_LEAD`` (platforms cache a JWKS; ours says five minutes), so a platform that checks a
signature always finds the key in the JWKS it has. The key it replaces stays published for
``GRACE`` after it stopped signing (anything it signed lives for minutes; a lagging cache may
still ask for it), then is deactivated. ``keys_rotate_if_due`` runs daily (``lti.rotate_keys``)
and rotates when the newest key is older than ``settings.LTI_KEY_MAX_AGE_DAYS``; the command
``manage.py lti_rotate_keys`` rotates by hand.

Use this module (or ``lti_rotate_keys``), not django-lti's ``rotate_keys`` command: that one
deactivates every key created more than a week ago, the key that was signing until that moment
included, so the JWKS would drop a key still in use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jwcrypto.jwk import JWK
from lti_tool.models import Key

PUBLISH_LEAD = timedelta(minutes=15)
GRACE = timedelta(days=7)


def kid_of(key: Key) -> str:
    """The key id the JWKS gives ``key`` (its RFC 7638 thumbprint, as django-lti's ``as_jwk``)."""
    return str(JWK.from_pem(key.public_key.encode()).thumbprint())


_PARSED: dict[tuple[int, int], Any] = {}


def private_key_of(key: Key) -> Any:
    """``key``'s private key, parsed once per process (parsing an RSA PEM checks the key and takes
    ~40 ms, more than the rest of a launch): what PyJWT signs with."""
    cache_key = (key.pk, hash(key.private_key))
    parsed = _PARSED.get(cache_key)
    if parsed is None:
        parsed = load_pem_private_key(key.private_key.encode(), password=None)
        if len(_PARSED) > 16:
            _PARSED.clear()
        _PARSED[cache_key] = parsed
    return parsed


def _active() -> list[Key]:
    return list(Key.objects.active().order_by("-datetime_created", "-pk"))


def _current(active: list[Key], now: datetime) -> Key | None:
    """The newest active key published for at least PUBLISH_LEAD, else the newest (a first key)."""
    for key in active:
        if key.datetime_created <= now - PUBLISH_LEAD:
            return key
    return active[0] if active else None


def signing_key(now: datetime | None = None) -> Key:
    """The key Baeum signs with now; the first one is made on first use."""
    key = _current(_active(), now or timezone.now())
    return key if key is not None else Key.objects.generate()


def keys_retire(now: datetime | None = None, grace: timedelta = GRACE) -> int:
    """Deactivate the keys that stopped signing more than ``grace`` ago. Returns how many.

    A key stops signing when the next newer key becomes current (its creation + PUBLISH_LEAD); the
    current key and any newer one are never touched."""
    now = now or timezone.now()
    active = _active()
    current = _current(active, now)
    if current is None:
        return 0
    older = active[active.index(current) + 1 :]
    retired, successor = [], current
    for key in older:
        if successor.datetime_created + PUBLISH_LEAD + grace <= now:
            retired.append(key.pk)
        successor = key
    return Key.objects.filter(pk__in=retired).update(is_active=False) if retired else 0


@dataclass(frozen=True)
class Rotation:
    new_key: Key | None
    deactivated: int


def keys_rotate(now: datetime | None = None, grace: timedelta = GRACE) -> Rotation:
    """Make a new key (published now, signing after PUBLISH_LEAD) and retire the keys past ``grace``."""
    now = now or timezone.now()
    with transaction.atomic():
        jwk = JWK.generate(kty="RSA", size=2048)
        new_key = Key.objects.create(
            public_key=jwk.export_to_pem().decode(),
            private_key=jwk.export_to_pem(private_key=True, password=None).decode(),
            datetime_created=now,
        )
        return Rotation(new_key, keys_retire(now, grace))


def keys_rotate_if_due(now: datetime | None = None, max_age: timedelta | None = None) -> Rotation:
    """What the daily task does: a first key if there is none, a new one when the newest is older
    than ``LTI_KEY_MAX_AGE_DAYS``, and in any case retire the keys past their grace period."""
    now = now or timezone.now()
    max_age = max_age if max_age is not None else timedelta(days=settings.LTI_KEY_MAX_AGE_DAYS)
    newest = Key.objects.active().order_by("-datetime_created", "-pk").first()
    if newest is None:
        return Rotation(signing_key(now), 0)
    if newest.datetime_created <= now - max_age:
        return keys_rotate(now)
    return Rotation(None, keys_retire(now))

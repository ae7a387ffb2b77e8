"""``manage.py lti_rotate_keys``: rotate Baeum's LTI signing key now (or only when due), keeping the
keys it replaces in the JWKS for a grace period (``lti.tool.keys``). Use it instead of django-lti's
``rotate_keys``, which drops the key in use from the JWKS at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lti.tool import keys


class Command(BaseCommand):
    help = "Creates a new LTI signing key; keys it replaced stay published for a grace period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-due",
            action="store_true",
            help="Rotate only when the newest key is older than LTI_KEY_MAX_AGE_DAYS (what the daily task does).",
        )
        parser.add_argument(
            "--grace-days",
            type=int,
            default=keys.GRACE.days,
            help="Days a replaced key stays in the JWKS after it stopped signing (default %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grace_days"] < 1:
            self.stderr.write("--grace-days must be at least 1.")
            raise SystemExit(2)
        if options["if_due"]:
            rotation = keys.keys_rotate_if_due()
        else:
            rotation = keys.keys_rotate(grace=timedelta(days=options["grace_days"]))
        if rotation.new_key is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"New signing key {keys.kid_of(rotation.new_key)}: published now, "
                    f"signing in {int(keys.PUBLISH_LEAD.total_seconds() // 60)} minutes."
                )
            )
        else:
            self.stdout.write("The signing key is not due for rotation.")
        if rotation.deactivated:
            self.stdout.write(self.style.SUCCESS(f"Retired {rotation.deactivated} old key(s) from the JWKS."))

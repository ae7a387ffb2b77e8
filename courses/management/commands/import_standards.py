"""``manage.py import_standards PATH``: load achievement standards from a k-curriculum CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.standards_import import ImportFileError, standards_import

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "k-curriculum-2022" / "standards_core.csv"


class Command(BaseCommand):
    help = "Import achievement standards (성취기준) from a k-curriculum-2022 CSV file. All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE), help="CSV file (default: the core extract)")
        parser.add_argument("--revision", default="2022", help="curriculum revision code (default 2022)")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows even if some rows are rejected"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        verbose = options["verbosity"] >= 1

        def progress(done: int, total: int) -> None:
            if verbose and total >= 500:
                self.stdout.write(f"  … {done}/{total} rows")

        try:
            report = standards_import(
                path, revision_code=options["revision"], skip_invalid=options["skip_invalid"], progress=progress
            )
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for item in report.rejected:
            self.stderr.write(f"{path}:{item.line}: {item.reason}")
        if report.rolled_back:
            raise CommandError(
                f"{len(report.rejected)} of {report.rows} rows rejected; nothing was imported "
                "(fix the rows, or pass --skip-invalid to import the others)."
            )
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Standards: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
                    f"{len(report.rejected)} rejected, {report.opaque_codes} with codes kept opaque; "
                    f"{report.subjects} subjects."
                )
            )

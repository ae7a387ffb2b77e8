"""CSV downloads that open correctly in Excel on a Korean Windows PC: UTF-8 with a BOM (so Hangul
is not read as CP949), and no cell that Excel would run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell Excel will not run: text starting with = + - @ (or a tab or CR) gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_response(filename: str, rows: Iterable[Iterable[object]]) -> HttpResponse:
    """A CSV attachment of ``rows`` (the first is the header), every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8, Hangul included
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return response

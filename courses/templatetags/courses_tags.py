from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``mapping|get_item:key`` for dict lookups with a variable key."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def contains(values: Any, item: Any) -> bool:
    try:
        return item in values
    except TypeError:
        return False


@register.filter
def points(value: Any) -> str:
    """A score as people write it: 2.5, 3, 10 (no trailing zeros, no exponent)."""
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return f"{number.normalize():f}" if number.is_finite() else ""

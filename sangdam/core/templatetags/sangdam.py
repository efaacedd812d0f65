from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils import timezone

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return str(query.urlencode())


@register.filter
def local(value: Any, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A datetime in the viewer's zone, formatted as the manuals print it."""
    if not value:
        return "-"
    return timezone.localtime(value).strftime(fmt)


@register.filter
def bootstrap(field: forms.BoundField) -> forms.BoundField:
    """Give a form field's widget Bootstrap's classes before rendering it."""
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    if field.errors:
        css += " is-invalid"
    widget.attrs["class"] = css
    return field

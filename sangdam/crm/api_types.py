"""The types part of the contact-center API (/api/v1/crm/types): 상담유형 (SPEC CC-03..05).

Agents and administrators read the types (the ticket form needs them); administrators change
them under the same rules as the page: names unique among siblings, three levels at most, a
type used by consultations neither renamed nor deleted (409).
"""

# No `from __future__ import annotations` here: django-ninja reads the annotations at import time.

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sangdam.accounts.access import actor_of
from sangdam.core.errors import NotFound
from sangdam.crm import types
from sangdam.crm.api_access import require_admin, require_worker

router = Router(tags=["crm-types"])


class TypeOut(Schema):
    id: int
    parent_id: int | None
    level: int = Field(description="1 major (대), 2 middle (중), 3 minor (소).")
    code: str
    name: str
    sort_order: int
    path: str = Field(description='The names from the top, e.g. "시설 > 누수 > 욕실".')
    usage: int = Field(description="Consultations of this type or of a type below it.")
    locked: bool = Field(description="Used by consultations: cannot be renamed or deleted.")
    has_children: bool


class TypeIn(Schema):
    name: str
    parent_id: int | None = Field(None, description="Empty for a major type.")
    code: str = ""
    sort_order: int | None = Field(None, description="Empty: after its siblings.")


class TypeChange(Schema):
    name: str | None = None
    code: str | None = None
    sort_order: int | None = None


def _out(node: types.TypeNode) -> dict[str, Any]:
    kind = node.type
    return {
        "id": kind.pk,
        "parent_id": kind.parent_id,
        "level": kind.level,
        "code": kind.code,
        "name": kind.name,
        "sort_order": kind.sort_order,
        "path": node.path,
        "usage": node.usage,
        "locked": node.locked,
        "has_children": bool(node.children),
    }


def _node(type_id: int) -> types.TypeNode:
    node = next((n for n in types.flat_types() if n.type.pk == type_id), None)
    if node is None:
        raise NotFound(_("The consultation type does not exist."))
    return node


@router.get(
    "/crm/types",
    response=list[TypeOut],
    summary="The consultation types, depth-first (each after its parent)",
)
def list_types(request: HttpRequest) -> list[dict[str, Any]]:
    require_worker(request)
    return [_out(node) for node in types.flat_types()]


@router.get("/crm/types/{type_id}", response=TypeOut, summary="One consultation type")
def get_type(request: HttpRequest, type_id: int) -> dict[str, Any]:
    require_worker(request)
    return _out(_node(type_id))


@router.post("/crm/types", response={201: TypeOut}, summary="Add a consultation type")
def create_type(request: HttpRequest, payload: TypeIn) -> Status[Any]:
    require_admin(request)
    kind = types.create_type(
        actor=actor_of(request),
        name=payload.name,
        parent_id=payload.parent_id,
        code=payload.code,
        sort_order=payload.sort_order,
    )
    return Status(201, _out(_node(kind.pk)))


@router.put(
    "/crm/types/{type_id}",
    response=TypeOut,
    summary="Rename a type or change its code or order (refused once used, except the order)",
)
def change_type(request: HttpRequest, type_id: int, payload: TypeChange) -> dict[str, Any]:
    require_admin(request)
    current = _node(type_id).type
    types.rename_type(
        actor=actor_of(request),
        type_id=type_id,
        name=payload.name if payload.name is not None else current.name,
        code=payload.code,
        sort_order=payload.sort_order,
    )
    return _out(_node(type_id))


@router.delete(
    "/crm/types/{type_id}",
    response={204: None},
    summary="Delete an unused type without types below it",
)
def delete_type(request: HttpRequest, type_id: int) -> Status[Any]:
    require_admin(request)
    types.delete_type(actor=actor_of(request), type_id=type_id)
    return Status(204, None)

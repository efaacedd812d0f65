"""상담유형 (SPEC CC-03..05, G-CC-01): a three-level tree of consultation types.

- names are unique among siblings (the same name under another parent is fine, CC-04);
- a type used by any ticket, itself or through a descendant, can be neither renamed nor
  deleted (CC-05); its order may still change, which alters no record;
- a type with children is deleted only after its children.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, ProtectedError, Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.core.errors import InvalidInput, NotFound
from sangdam.crm.errors import RecordLocked
from sangdam.crm.models import TYPE_LEVELS, ConsultationType, Ticket

NAME_MAX = 50
CODE_MAX = 10
PATH_SEPARATOR = " > "
LEVEL_LABELS: dict[int, Promise] = {
    1: gettext_lazy("Major type"),
    2: gettext_lazy("Middle type"),
    3: gettext_lazy("Minor type"),
}


@dataclass
class TypeNode:
    """One type of the tree with what the page and the API show about it."""

    type: ConsultationType
    path: str
    # Tickets of this type or of any type below it.
    usage: int = 0
    children: list[TypeNode] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return self.usage > 0

    @property
    def can_have_children(self) -> bool:
        return self.type.level < TYPE_LEVELS

    @property
    def can_delete(self) -> bool:
        return not self.locked and not self.children

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.type.level])

    def walk(self) -> Iterable[TypeNode]:
        yield self
        for child in self.children:
            yield from child.walk()


def label(kind: ConsultationType) -> str:
    return f"{kind.code} {kind.name}" if kind.code else kind.name


def type_path(kind: ConsultationType | None) -> str:
    """ "대 > 중 > 소" for a type whose parents are loaded (select_related parent__parent)."""
    names: list[str] = []
    while kind is not None:
        names.append(label(kind))
        kind = kind.parent
    return PATH_SEPARATOR.join(reversed(names))


# ------------------------------------------------------------------------------------ reading


def direct_usage() -> Counter[int]:
    """Tickets per type id, for the types tickets point at directly."""
    rows = (
        Ticket.objects.filter(consultation_type__isnull=False)
        .values_list("consultation_type_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter(dict(rows))


def type_tree(*, with_usage: bool = True) -> list[TypeNode]:
    """The tenant's types as a tree in display order, each with its usage rolled up (which
    reads every ticket's type: leave it out where only the names are wanted)."""
    types = list(ConsultationType.objects.order_by("level", "sort_order", "name", "pk"))
    nodes: dict[int, TypeNode] = {}
    roots: list[TypeNode] = []
    for kind in types:  # parents come first: ordered by level
        parent = nodes.get(kind.parent_id) if kind.parent_id else None
        path = label(kind) if parent is None else parent.path + PATH_SEPARATOR + label(kind)
        node = TypeNode(type=kind, path=path)
        nodes[kind.pk] = node
        (parent.children if parent is not None else roots).append(node)
    if not with_usage:
        return roots
    usage = direct_usage()
    for node in sorted(nodes.values(), key=lambda n: -n.type.level):
        node.usage = usage.get(node.type.pk, 0) + sum(child.usage for child in node.children)
    return roots


def flat_types(tree: list[TypeNode] | None = None, *, with_usage: bool = True) -> list[TypeNode]:
    """The tree depth-first: every type follows its parent, siblings in display order."""
    if tree is None:
        tree = type_tree(with_usage=with_usage)
    return [node for root in tree for node in root.walk()]


def subtree_ids(type_id: int) -> list[int]:
    """The type and every type below it (three levels at most)."""
    return list(
        ConsultationType.objects.filter(
            Q(pk=type_id) | Q(parent_id=type_id) | Q(parent__parent_id=type_id)
        ).values_list("pk", flat=True)
    )


def usage_count(type_id: int) -> int:
    return Ticket.objects.filter(consultation_type_id__in=subtree_ids(type_id)).count()


# ------------------------------------------------------------------------------------ writing


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput.single("name", _("Enter the type name."))
    if len(name) > NAME_MAX:
        raise InvalidInput.single(
            "name", _("Use at most %(count)d characters.") % {"count": NAME_MAX}
        )
    return name


def _clean_code(code: str) -> str:
    code = code.strip()
    if len(code) > CODE_MAX:
        raise InvalidInput.single(
            "code", _("Use at most %(count)d characters.") % {"count": CODE_MAX}
        )
    return code


def _check_sibling_name(name: str, parent: ConsultationType | None, exclude_pk: int | None) -> None:
    siblings = ConsultationType.objects.filter(parent=parent, name=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        raise _duplicate(name, parent)


def _duplicate(name: str, parent: ConsultationType | None) -> InvalidInput:
    if parent is None:
        message = _("A major type named %(name)s already exists.") % {"name": name}
    else:
        message = _("%(parent)s already has a type named %(name)s.") % {
            "parent": label(parent),
            "name": name,
        }
    return InvalidInput.single("name", message)


def _locked_type(type_id: int) -> ConsultationType:
    kind = (
        # "of self": PostgreSQL cannot lock the nullable side of the parents' outer join.
        ConsultationType.objects.select_for_update(of=("self",))
        .select_related("parent__parent")
        .filter(pk=type_id)
        .first()
    )
    if kind is None:
        raise NotFound(_("The consultation type does not exist."))
    return kind


def _refuse_used(kind: ConsultationType, used: int, *, deleting: bool) -> RecordLocked:
    values = {"name": label(kind), "count": used}
    if deleting:
        text = ngettext(
            "%(name)s is used by %(count)d consultation and cannot be deleted.",
            "%(name)s is used by %(count)d consultations and cannot be deleted.",
            used,
        )
    else:
        text = ngettext(
            "%(name)s is used by %(count)d consultation and cannot be changed.",
            "%(name)s is used by %(count)d consultations and cannot be changed.",
            used,
        )
    return RecordLocked(text % values)


def _save(kind: ConsultationType) -> None:
    # The sibling check ran first; a constraint failing here means a concurrent insert won.
    try:
        with transaction.atomic():
            kind.save()
    except IntegrityError as error:
        raise _duplicate(kind.name, kind.parent) from error


def create_type(
    *,
    actor: Actor,
    name: str,
    parent_id: int | None = None,
    code: str = "",
    sort_order: int | None = None,
) -> ConsultationType:
    """Add a major type, or a type under a major or middle one.

    :raises InvalidInput: no name, a sibling of the same name, or a parent on the third level.
    """
    name, code = _clean_name(name), _clean_code(code)
    with record_work(actor, WorkScreen.CONSULTATION_TYPES, WorkAction.CREATE) as work:
        parent = None
        if parent_id is not None:
            parent = ConsultationType.objects.select_related("parent").filter(pk=parent_id).first()
            if parent is None:
                raise InvalidInput.single(
                    "parent", _("The parent type does not exist. Reload the page.")
                )
            if parent.level >= TYPE_LEVELS:
                raise InvalidInput.single(
                    "parent",
                    _("Types have three levels at most; %(name)s is a minor type.")
                    % {"name": label(parent)},
                )
        _check_sibling_name(name, parent, None)
        if sort_order is None:
            highest = ConsultationType.objects.filter(parent=parent).aggregate(
                top=Max("sort_order")
            )["top"]
            sort_order = 0 if highest is None else highest + 1
        kind = ConsultationType(
            organization_id=actor.user.organization_id,
            parent=parent,
            level=parent.level + 1 if parent else 1,
            name=name,
            code=code,
            sort_order=max(sort_order, 0),
        )
        _save(kind)
        work.detail = type_path(kind)
    return kind


def rename_type(
    *,
    actor: Actor,
    type_id: int,
    name: str,
    code: str | None = None,
    sort_order: int | None = None,
) -> ConsultationType:
    """Change a type's name and code (refused once used, CC-05) and its order (always allowed).

    ``code`` and ``sort_order`` left as None keep their values.

    :raises RecordLocked: the name or code would change on a type used by consultations.
    :raises InvalidInput: no name, or a sibling of the same name.
    """
    name = _clean_name(name)
    with record_work(actor, WorkScreen.CONSULTATION_TYPES, WorkAction.UPDATE) as work:
        kind = _locked_type(type_id)
        work.detail = type_path(kind)
        code = kind.code if code is None else _clean_code(code)
        if name != kind.name or code != kind.code:
            used = usage_count(kind.pk)
            if used:
                raise _refuse_used(kind, used, deleting=False)
            _check_sibling_name(name, kind.parent, kind.pk)
        kind.name, kind.code = name, code
        if sort_order is not None:
            kind.sort_order = max(sort_order, 0)
        _save(kind)
        work.detail = f"{work.detail} -> {type_path(kind)}"
    return kind


def delete_type(*, actor: Actor, type_id: int) -> None:
    """Delete an unused type without children.

    :raises RecordLocked: consultations use it, or it still has types below it.
    """
    with record_work(actor, WorkScreen.CONSULTATION_TYPES, WorkAction.DELETE) as work:
        kind = _locked_type(type_id)
        work.detail = type_path(kind)
        used = usage_count(kind.pk)
        if used:
            raise _refuse_used(kind, used, deleting=True)
        children = ConsultationType.objects.filter(parent=kind).count()
        if children:
            raise RecordLocked(
                ngettext(
                    "%(name)s has %(count)d type below it; delete it first.",
                    "%(name)s has %(count)d types below it; delete them first.",
                    children,
                )
                % {"name": label(kind), "count": children}
            )
        try:
            with transaction.atomic():
                kind.delete()
        except ProtectedError as error:  # a ticket or a child arrived meanwhile
            raise RecordLocked(
                _("%(name)s came into use meanwhile and was not deleted.") % {"name": label(kind)}
            ) from error

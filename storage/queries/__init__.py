"""Queries by domain. Every function takes the session and the workspace's `team_id` (or an id
already scoped by one) and filters by it; none loads a table to filter in Python."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert(s: AsyncSession, table):
    """An INSERT with `on_conflict_do_nothing` / `on_conflict_do_update`, for the session's dialect
    (both SQLite and PostgreSQL spell them the same way)."""
    dialect = s.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def new_row(model: Any, **values: Any) -> SimpleNamespace:
    """A new row of `model`'s table to write with Core (never through the session): each column
    as an attribute, the model's defaults applied as its constructor would apply them, a column
    with no default None. Building a SQLModel table instance runs pydantic's defaults and the
    ORM's instrumentation for each field (0.07 to 0.13 ms for an incident, whose list columns'
    default factories are inspected each time): a report wrote two such objects that never join
    a session."""
    fixed, factories = _defaults(model)
    row = SimpleNamespace(**fixed)
    for name, factory in factories:
        setattr(row, name, factory())
    for name, value in values.items():
        if name not in fixed:
            raise TypeError(f"{model.__name__} has no column {name!r}")
        setattr(row, name, value)
    return row


@functools.cache
def _defaults(model: Any) -> tuple[dict[str, Any], tuple[tuple[str, Callable[[], Any]], ...]]:
    """`model`'s columns with their default values, and those whose default is a factory."""
    fixed: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    for column in model.__table__.c:
        field = model.model_fields.get(column.name)
        fixed[column.name] = None
        if field is None:
            continue
        if field.default_factory is not None:
            factories.append((column.name, field.default_factory))
        elif isinstance(field.default, list | dict | set):  # each row its own, as pydantic copies it
            factories.append((column.name, functools.partial(copy.deepcopy, field.default)))
        elif field.default is not PydanticUndefined:
            fixed[column.name] = field.default
    return fixed, tuple(factories)

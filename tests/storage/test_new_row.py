"""`storage.queries.new_row`: a row to write with Core holds what the model's constructor would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.models import Incident, IncidentEvent
from storage.queries import new_row

AT = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
GIVEN = {
    "team_id": "T0CAMPAIGN",
    "number": 7,
    "engagement_id": 3,
    "guideline_id": 5,
    "guidelines_version": 2,
    "severity": "major",
    "title": "Disclosure",
    "description": "No #ad.",
    "occurred_at": AT,
    "reporter_id": "U0MANAGER",
    "response_due_at": AT,
    "created_at": AT,
    "updated_at": AT,
}


@pytest.mark.parametrize(("model", "given"), [(Incident, GIVEN), (IncidentEvent, {"kind": "created"})])
def test_a_new_row_has_every_column_as_the_model_would_build_it(model, given):
    built, row = model(**given), new_row(model, **given)
    assert vars(row) == {c.name: getattr(built, c.name) for c in model.__table__.c}


def test_default_factories_make_a_fresh_value_for_each_row():
    one, two = new_row(Incident, **GIVEN), new_row(Incident, **GIVEN)
    assert one.evidence == [] and one.evidence is not two.evidence
    assert one.status == "reported" and one.id is None and one.card_ts is None


def test_a_column_the_table_does_not_have_is_refused():
    with pytest.raises(TypeError, match="no column 'numbr'"):
        new_row(Incident, numbr=7)


def test_a_mutable_default_is_copied_for_each_row_as_the_constructor_copies_it():
    from types import SimpleNamespace

    from pydantic.fields import FieldInfo

    class Tagged:  # a model's shape as `new_row` reads it: its table's columns and its fields
        __table__ = SimpleNamespace(c=[SimpleNamespace(name="id"), SimpleNamespace(name="tags")])
        model_fields = {"id": FieldInfo(default=None), "tags": FieldInfo(default=["new"])}

    one, two = new_row(Tagged), new_row(Tagged)
    one.tags.append("seen")
    assert two.tags == ["new"] and Tagged.model_fields["tags"].default == ["new"]

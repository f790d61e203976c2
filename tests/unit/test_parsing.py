"""Ids and small whole numbers from payloads: ASCII digits within the column's range, or nothing."""

from __future__ import annotations

import json

import pytest

from bot.domain import parsing
from bot.domain.parsing import DB_ID_MAX, db_id, incident_number, whole_number
from bot.domain.reviews import parse_rating
from bot.views.forms import FormValues

ODD = [
    "²",  # superscript two: `str.isdigit()` is True, `int()` raises
    "١",  # Arabic-Indic one: `int()` reads it as 1
    "٣",  # Arabic-Indic three
    "３",  # full-width three
    "0",
    "-1",
    "+1",
    " 1",
    "1 ",
    "1\n",
    "01",
    "1.0",
    "1e3",
    "0x1",
    "1_000",
    "9" * 40,  # would overflow SQLite's 64-bit integers
    str(2**31),  # one past PostgreSQL's `integer`
    "9" * 5000,  # longer than Python's int-from-str digit limit
    "",
    None,
    True,
    1.0,
    -1,
    0,
    2**31,
    2**80,
    [1],
    {"id": 1},
]


@pytest.mark.parametrize("value", ODD, ids=repr)
def test_db_id_refuses_anything_but_a_canonical_in_range_id(value):
    assert db_id(value) is None


@pytest.mark.parametrize(
    ("value", "expected"), [("1", 1), ("42", 42), (str(DB_ID_MAX), DB_ID_MAX), (1, 1), (DB_ID_MAX, DB_ID_MAX)]
)
def test_db_id_accepts_what_the_bot_writes(value, expected):
    assert db_id(value) == expected
    assert type(db_id(value)) is int


def test_the_range_is_the_integer_columns():
    assert DB_ID_MAX == 2**31 - 1


@pytest.mark.parametrize(
    ("value", "low", "high", "expected"),
    [
        ("0", 0, 5, 0),
        ("5", 0, 5, 5),
        ("6", 0, 5, None),
        ("00", 0, 5, None),
        ("²", 0, 5, None),
        ("١", 0, 5, None),
    ],
)
def test_whole_number_bounds(value, low, high, expected):
    assert whole_number(value, low, high) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("BR-17", 17),
        ("br-3", 3),
        ("17", 17),
        ("BR17", 17),
        ("br3", 3),
        (" BR-4 ", 4),
        ("BR-x", None),
        ("BR-²", None),
        ("BR-١", None),
        ("BR-0", None),
        ("BR--1", None),
        ("BR-" + "9" * 40, None),
        (f"BR-{2**31}", None),
        ("BR-BR-1", None),
        ("", None),
    ],
)
def test_incident_numbers(token, expected):
    assert incident_number(token) == expected


@pytest.mark.parametrize(("value", "rating"), [("3", 3), ("²", None), ("١", None), ("٣", None), ("03", None)])
def test_ratings_take_ascii_digits_only(value, rating):
    assert parse_rating(value) == rating


def test_form_ids_go_through_the_strict_parser():
    view = {
        "private_metadata": json.dumps({"incident_id": 12, "huge": 2**100, "text": "١", "flag": True}),
        "state": {
            "values": {
                "engagement": {"engagement": {"selected_option": {"value": "١"}}},
                "guideline": {"guideline": {"selected_option": {"value": "7"}}},
                "empty": {"empty": {"selected_option": None}},
            }
        },
    }
    form = FormValues(view)
    assert form.int_metadata("incident_id") == 12
    assert form.int_metadata("huge") is None
    assert form.int_metadata("text") is None
    assert form.int_metadata("flag") is None
    assert form.int_metadata("missing") is None
    assert form.selected_id("engagement") is None
    assert form.selected_id("guideline") == 7
    assert form.selected_id("empty") is None
    assert form.selected_id("missing") is None


def test_no_other_parser_of_ids_is_left():
    """`isdigit()` takes "²" and Arabic-Indic digits: ids and numbers from payloads are parsed by
    `parsing` only. (The conduct classifier reads words of chat text, not ids: it may ask.)"""
    import pathlib

    root = pathlib.Path(parsing.__file__).resolve().parents[2]
    text_analysis = root / "bot" / "domain" / "conduct"
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for folder in ("bot", "handlers", "scheduler")
        for path in sorted((root / folder).rglob("*.py"))
        if text_analysis not in path.parents
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".isdigit()" in line or ".isdecimal()" in line or ".isnumeric()" in line
    ]
    assert offenders == []

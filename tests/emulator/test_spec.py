"""The emulator checks Web API arguments against Slack's spec, which ships inside the package."""

from __future__ import annotations

import json
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from playground.emulator import SlackEmulator
from playground.emulator.spec import BUNDLED_SPEC_PATH, DEFAULT_SPEC_PATH, SPECS_DIR, ApiSpec

ROOT = Path(__file__).resolve().parents[2]


def test_the_emulator_checks_arguments_out_of_the_box():
    assert DEFAULT_SPEC_PATH == BUNDLED_SPEC_PATH
    spec = SlackEmulator().spec
    assert spec is not None
    assert spec.check("chat.postMessage", {"channel": "C1", "txt": "x"}) == ["[ERROR] unknown argument 'txt'"]
    assert spec.check("views.open", {}) == ["[ERROR] missing required field: 'view'"]


def test_the_spec_is_inside_the_package_and_in_the_wheel():
    package = ROOT / "playground" / "emulator"
    assert BUNDLED_SPEC_PATH.is_relative_to(package) and BUNDLED_SPEC_PATH.is_file()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = [str(p.relative_to(package)) for p in SPECS_DIR.rglob("*") if p.is_file()]
    patterns = package_data["playground.emulator"]
    for needed in (BUNDLED_SPEC_PATH, SPECS_DIR / "README.md", *(SPECS_DIR / "licenses").iterdir()):
        name = str(needed.relative_to(package))
        assert name in shipped and any(fnmatch(name, pattern) for pattern in patterns), name


def test_the_extract_knows_every_method_of_the_2020_spec():
    document = json.loads(BUNDLED_SPEC_PATH.read_text())
    assert document["info"]["version"] == "1.7.0" and len(document["paths"]) == 174
    spec = ApiSpec.load(BUNDLED_SPEC_PATH)
    assert all(spec.knows(route.lstrip("/")) for route in document["paths"])

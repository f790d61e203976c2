"""Reminder tests reuse the end-to-end `world` (bot + emulator + FakeClock) fixture."""

from tests.e2e.conftest import world  # noqa: F401

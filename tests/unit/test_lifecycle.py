"""`lifecycle.settle`: what `campaign-guard serve` and `scheduler` do once they have started."""

from __future__ import annotations

import gc

from bot import lifecycle
from bot.domain.conduct import learned


def test_settle_loads_the_classifier_and_freezes_what_the_process_keeps():
    learned.load.cache_clear()
    lifecycle.unsettle()
    young = gc.get_threshold()[0]
    try:
        lifecycle.settle(classifier=True)
        assert learned.load.cache_info().currsize == 1  # loaded before the first message needs it
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == lifecycle.GC_YOUNG_THRESHOLD > young
    finally:
        lifecycle.unsettle()
    assert gc.get_freeze_count() == 0 and gc.get_threshold()[0] == young


def test_a_dispatcher_replica_settles_without_the_classifier():
    learned.load.cache_clear()
    lifecycle.unsettle()
    try:
        lifecycle.settle(classifier=False)
        assert learned.load.cache_info().currsize == 0
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] == lifecycle.GC_YOUNG_THRESHOLD
    finally:
        lifecycle.unsettle()


def test_what_the_influencer_reads_of_the_timeline():
    """The brand's own text (escalation reason, resolution or dismissal note) is read without its
    text; reminders sent to a brand person's DM are not read at all (docs/trust-boundaries.md)."""
    from bot.domain.incidents import influencer_reads_event, shared_resolution_note

    assert influencer_reads_event("escalated", {"move": "ESCALATE"}) == (True, False)
    assert influencer_reads_event("escalated", {"automatic": True}) == (True, False)
    assert influencer_reads_event("status_changed", {"move": "RESOLVE", "note": "x"}) == (True, False)
    assert influencer_reads_event("status_changed", {"move": "DISMISS"}) == (True, False)
    for move in ("ACKNOWLEDGE", "ACCEPT", "DISPUTE"):
        assert influencer_reads_event("status_changed", {"move": move}) == (True, True)
    assert influencer_reads_event("response", {"move": "RESPOND"}) == (True, True)
    assert influencer_reads_event("reminder_sent", {"to": "U0OWNER"}) == (False, True)
    assert influencer_reads_event("reminder_sent", {"to": "C0SHARED"}) == (True, True)
    assert influencer_reads_event("thread_reply", None) == (True, True)

    assert shared_resolution_note("resolved", "10% off", "10% off") == "10% off"  # the terms accepted
    assert shared_resolution_note("resolved", "lenient this once", "10% off") is None
    assert shared_resolution_note("resolved", "lenient", None) is None
    assert shared_resolution_note("dismissed", "10% off", "10% off") is None

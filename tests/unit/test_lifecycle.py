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

"""`lifecycle.settle`: what `campaign-guard serve` and `scheduler` do once they have started."""

from __future__ import annotations

import gc

from bot import lifecycle
from bot.domain.conduct import learned


def test_settle_loads_the_classifier_and_freezes_what_the_process_keeps():
    learned.load.cache_clear()
    gc.unfreeze()
    try:
        lifecycle.settle(classifier=True)
        assert learned.load.cache_info().currsize == 1  # loaded before the first message needs it
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_dispatcher_replica_settles_without_the_classifier():
    learned.load.cache_clear()
    gc.unfreeze()
    try:
        lifecycle.settle(classifier=False)
        assert learned.load.cache_info().currsize == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

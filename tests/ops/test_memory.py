"""The web node's garbage-collector settings (fair/ops/memory.py, applied by wsgi.py)."""
from __future__ import annotations

import gc
import logging

import pytest

from fair.ops.memory import DEFAULT_THRESHOLDS, tune_garbage_collector


@pytest.fixture
def restore_gc():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def test_start_up_objects_are_frozen_and_collections_are_rarer(restore_gc):
    gc.set_threshold(700, 10, 10)
    assert tune_garbage_collector("") == DEFAULT_THRESHOLDS
    assert gc.get_freeze_count() > 0  # what start-up made is left out of every collection


def test_operators_can_keep_python_s_own_or_set_their_own(restore_gc):
    gc.set_threshold(700, 10, 10)
    assert tune_garbage_collector("python") == (700, 10, 10)
    assert tune_garbage_collector("20000, 10, 50") == (20000, 10, 50)


def test_a_wrong_setting_is_said_and_the_default_used(restore_gc, caplog):
    with caplog.at_level(logging.ERROR, logger="fair.ops"):
        assert tune_garbage_collector("fast") == DEFAULT_THRESHOLDS
        assert tune_garbage_collector("1,2") == DEFAULT_THRESHOLDS
    assert "GC_THRESHOLDS='fast' is not three positive numbers" in caplog.text

"""The pause of the cyclic garbage collector (pool.gc_paused) that consolidations and sync
passes run under."""

from __future__ import annotations

import gc

from sheetnilai.pool import gc_paused


def _made_while_paused(promote: bool) -> list[list[int]]:
    with gc_paused(promote=promote):
        assert not gc.isenabled()
        made = [[k] for k in range(50_000)]  # containers the collector tracks
        assert gc.get_count()[0] >= 50_000  # counted while paused
    assert gc.isenabled()
    return made


def _young_collections() -> int:
    return int(gc.get_stats()[0]["collections"])


def test_a_plain_pause_leaves_its_objects_young() -> None:
    """What a pass made waits in the young generation: the first allocation after the pause
    starts a collection that walks all of it (the cost `promote` saves)."""
    gc.collect()
    before = _young_collections()
    made = _made_while_paused(promote=False)
    assert _young_collections() > before
    assert any(o is made[-1] for o in gc.get_objects(generation=1))


def test_a_promoting_pause_leaves_its_objects_old() -> None:
    gc.collect()
    before = _young_collections()
    made = _made_while_paused(promote=True)
    assert _young_collections() == before  # nothing walked them
    assert gc.get_count()[0] < 100
    assert any(o is made[-1] for o in gc.get_objects(generation=2))
    # Old, not frozen: a full collection still sees them, so cycles among them are freed.
    assert gc.get_freeze_count() == 0
    cycle: list[object] = []
    cycle.append(cycle)
    with gc_paused(promote=True):
        pass
    del cycle
    assert gc.collect() >= 1


def test_a_pause_inside_a_pause_changes_nothing() -> None:
    gc.disable()
    try:
        with gc_paused(promote=True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()

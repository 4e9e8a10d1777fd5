"""The one reconnection backoff every loop uses: its sequence, pinned with an injected random."""

from __future__ import annotations

import asyncio
import itertools
import random

import pytest

from services.backoff import Backoff, wait_unless_stopped


def fixed(*draws: float) -> object:
    """A ``random`` giving ``draws`` in turn, then the last one again."""
    values = itertools.chain(draws, itertools.repeat(draws[-1]))
    return lambda: next(values)


def test_full_jitter_draws_below_a_doubling_ceiling_up_to_the_cap() -> None:
    backoff = Backoff(0.5, 4.0, random=lambda: 0.999)
    assert [round(backoff.next(), 4) for _ in range(7)] == [0.4995, 0.999, 1.998, 3.996, 3.996, 3.996, 3.996]
    low = Backoff(0.5, 4.0, random=lambda: 0.0)
    assert [low.next() for _ in range(3)] == [0.0, 0.0, 0.0]  # full jitter: anything from 0 up


def test_full_jitter_scales_each_draw_by_its_ceiling() -> None:
    backoff = Backoff(1.0, 10.0, random=fixed(0.5, 0.25, 0.75, 0.1, 1.0 - 1e-9))
    delays = [backoff.next() for _ in range(5)]
    assert delays == pytest.approx([0.5, 0.5, 3.0, 0.8, 10.0])  # ceilings 1, 2, 4, 8, then the cap 10
    assert backoff.attempts == 5


def test_reset_after_a_success_starts_from_the_first_wait_again() -> None:
    backoff = Backoff(0.5, 10.0, random=lambda: 0.5)
    for _ in range(6):
        backoff.next()
    assert backoff.next() == 5.0  # capped: 0.5 * min(10, 0.5 * 2**6)
    backoff.reset()
    assert backoff.attempts == 0
    assert backoff.next() == 0.25


def test_decorrelated_jitter_grows_from_the_last_wait_never_below_the_first_nor_above_the_cap() -> None:
    backoff = Backoff(0.5, 10.0, jitter="decorrelated", random=fixed(1.0, 1.0, 0.0, 0.5, 1.0))
    delays = [backoff.next() for _ in range(7)]
    # 0.5 + r * (3 * previous - 0.5): 1.5, 4.5, then the floor 0.5, 0.5 + 0.5 * 1.0, 0.5 + 2.5, 0.5 + 8.5,
    # and 0.5 + 26.5 capped
    assert delays == pytest.approx([1.5, 4.5, 0.5, 1.0, 3.0, 9.0, 10.0])
    assert Backoff(0.5, 2.0, jitter="decorrelated", random=lambda: 0.99).next() == pytest.approx(1.49)
    capped = Backoff(0.5, 2.0, jitter="decorrelated", random=lambda: 0.99)
    assert [capped.next() for _ in range(3)][-1] == 2.0
    capped.reset()
    assert capped.next() == pytest.approx(1.49)


def test_a_seeded_random_gives_the_same_sequence_and_stays_in_bounds() -> None:
    first = Backoff(0.5, 10.0, random=random.Random(7).random)
    second = Backoff(0.5, 10.0, random=random.Random(7).random)
    one, two = [first.next() for _ in range(50)], [second.next() for _ in range(50)]
    assert one == two
    assert all(0.0 <= d < min(10.0, 0.5 * 2**k) for k, d in enumerate(one))
    assert len(set(one)) == 50  # jittered: no two waits alike


@pytest.mark.parametrize(
    ("first", "cap", "jitter", "says"),
    [(0.5, 10.0, "equal", "jitter 'equal'"), (0.0, 10.0, "full", "> 0"), (5.0, 1.0, "full", "<= the cap")],
)
def test_bad_settings_are_refused(first: float, cap: float, jitter: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        Backoff(first, cap, jitter=jitter)


def test_waiting_ends_early_when_told_to_stop() -> None:
    async def main() -> tuple[float, bool]:
        stop = asyncio.Event()
        backoff = Backoff(1000.0, 1000.0, random=lambda: 0.5)  # would wait 500 s
        waiting = asyncio.create_task(backoff.wait(stop))
        await asyncio.sleep(0)
        stop.set()
        chosen = await asyncio.wait_for(waiting, 30)
        await asyncio.wait_for(wait_unless_stopped(stop, 1000.0), 30)  # already stopped: returns at once
        return chosen, stop.is_set()

    assert asyncio.run(main()) == (500.0, True)

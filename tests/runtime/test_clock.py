"""The virtual clock wakes timers only when time reaches them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from state_machines.runtime import VirtualClock

from .conftest import START


def test_advance_wakes_due_timers_in_order_and_leaves_later_ones() -> None:
    clock = VirtualClock(START)
    woke: list[int] = []

    async def sleeper(seconds: int) -> None:
        await clock.sleep_until(START + timedelta(seconds=seconds))
        woke.append(seconds)

    async def scenario() -> None:
        tasks = [asyncio.create_task(sleeper(s)) for s in (30, 10, 20)]
        await asyncio.sleep(0)
        assert clock.next_due() == START + timedelta(seconds=10)
        clock.advance(25)
        await asyncio.sleep(0.01)
        assert woke == [10, 20]
        clock.advance(5)
        await asyncio.gather(*tasks)

    asyncio.run(scenario())

    assert woke == [10, 20, 30]
    assert clock.now() == START + timedelta(seconds=30)
    assert clock.next_due() is None


def test_sleeping_until_the_past_returns_at_once() -> None:
    clock = VirtualClock(START)

    asyncio.run(asyncio.wait_for(clock.sleep_until(START - timedelta(days=1)), timeout=1))

    assert clock.now() == START

"""The work queue: dedup, re-queue while processing, client-go's default rate limiter."""

import pytest

from k8sedu.client.workqueue import (
    BucketRateLimiter,
    ItemExponentialFailureRateLimiter,
    WorkQueue,
    default_controller_rate_limiter,
)


class Recorder:
    """A process function that logs (time, key) and can ask for more work."""

    def __init__(self, owner) -> None:
        self.owner = owner
        self.log: list[tuple[float, str]] = []
        self.queue: WorkQueue | None = None
        self.fail_times = 0
        self.readd_once: set[str] = set()

    def process(self, key: str) -> None:
        self.log.append((round(self.owner.sim.now, 6), key))
        if key in self.readd_once:
            self.readd_once.discard(key)
            self.queue.add(key)  # added while processing: must run once more, after
        if self.fail_times:
            self.fail_times -= 1
            self.queue.add_rate_limited(key)
        else:
            self.queue.forget(key)


@pytest.fixture
def setup(owner):
    rec = Recorder(owner)
    rec.queue = WorkQueue(owner, rec.process, default_controller_rate_limiter(owner.sim))
    return owner, rec


def test_duplicate_adds_are_processed_once_in_fifo_order(setup):
    owner, rec = setup
    for key in ["default/a", "default/b", "default/a", "default/b", "default/c"]:
        rec.queue.add(key)
    assert rec.queue.keys() == ["default/a", "default/b", "default/c"]
    assert rec.log == []  # processing happens on the clock, at this same instant
    owner.cluster.run(0)
    assert rec.log == [(0.0, "default/a"), (0.0, "default/b"), (0.0, "default/c")]


def test_a_key_added_while_processing_is_processed_again_after(setup):
    owner, rec = setup
    rec.readd_once = {"default/a"}
    rec.queue.add("default/a")
    owner.cluster.run(0)
    assert rec.log == [(0.0, "default/a"), (0.0, "default/a")]


def test_failures_back_off_5ms_doubling(setup):
    owner, rec = setup
    rec.fail_times = 4
    rec.queue.add("default/a")
    owner.cluster.run(1)
    times = [t for t, _ in rec.log]
    assert times == [0.0, 0.005, 0.015, 0.035, 0.075]  # waits 5, 10, 20, 40 ms
    assert rec.queue.num_requeues("default/a") == 0  # forgotten after the success


def test_add_after_keeps_the_earliest_time(setup):
    owner, rec = setup
    rec.queue.add_after("default/a", 5)
    rec.queue.add_after("default/a", 2)
    rec.queue.add_after("default/a", 9)
    owner.cluster.run(20)
    assert rec.log == [(2.0, "default/a")]


@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        pytest.param(1, 0.005, id="first failure 5ms"),
        pytest.param(2, 0.01, id="second 10ms"),
        pytest.param(11, 5.12, id="eleventh 5.12s"),
        pytest.param(18, 655.36, id="eighteenth 655.36s"),
        pytest.param(19, 1000, id="capped at 1000s"),
        pytest.param(100, 1000, id="still capped"),
    ],
)
def test_item_exponential_failure_rate_limiter(calls, expected):
    limiter = ItemExponentialFailureRateLimiter(0.005, 1000)
    delays = [limiter.when("k") for _ in range(calls)]
    assert delays[-1] == pytest.approx(expected)
    assert limiter.num_requeues("k") == calls
    limiter.forget("k")
    assert limiter.when("k") == 0.005


def test_bucket_allows_a_burst_of_100_then_10_per_second(owner):
    limiter = BucketRateLimiter(owner.sim, qps=10, burst=100)
    delays = [limiter.when(f"k{i}") for i in range(102)]
    assert delays[:100] == [0.0] * 100
    assert delays[100:] == [pytest.approx(0.1), pytest.approx(0.2)]
    owner.cluster.run(1.2)  # refills 12 tokens: the two borrowed, then 10 free
    assert [limiter.when("k") for _ in range(11)][-2:] == [0.0, pytest.approx(0.1)]


def test_default_limiter_is_the_max_of_both(owner):
    limiter = default_controller_rate_limiter(owner.sim)
    for i in range(100):
        assert limiter.when(f"other-{i}") == 0.005  # per item wins while the bucket has tokens
    assert limiter.when("k") == pytest.approx(0.1)  # the bucket is empty: it wins


def test_the_worked_example_in_the_docstring():
    import doctest

    from k8sedu.client import workqueue

    result = doctest.testmod(workqueue)
    assert (result.attempted, result.failed) == (2, 0)

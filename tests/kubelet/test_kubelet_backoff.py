import pytest

from k8sedu.kubelet.backoff import Backoff, go_duration


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "0s"),
        (0.512, "512ms"),
        (2.1, "2.1s"),
        (10, "10s"),
        (80, "1m20s"),
        (300, "5m0s"),
        (3725.5, "1h2m5.5s"),
    ],
    ids=["zero", "millis", "fraction", "seconds", "minutes", "five-minutes", "hours"],
)
def test_go_duration_prints_like_go(seconds, text):
    assert go_duration(seconds) == text


def test_windows_double_from_10s_to_300s():
    # REFERENCE §5: 10, 20, 40, 80, 160, 300, 300
    backoff = Backoff()
    windows = [backoff.next("c", float(t)) for t in range(7)]
    assert windows == [10, 20, 40, 80, 160, 300, 300]


@pytest.mark.parametrize(
    "exit_after_restart, in_backoff",
    [(5.0, True), (599.0, True), (601.0, False)],
    ids=["soon-after", "just-under-10-minutes", "over-10-minutes-resets"],
)
def test_a_container_that_ran_10_minutes_starts_over(exit_after_restart, in_backoff):
    backoff = Backoff()
    backoff.next("c", 0.0)  # restarted at t=0 with a 10 s window
    exited = exit_after_restart
    assert backoff.in_backoff_since("c", exited, exited) is in_backoff


def test_first_exit_has_no_entry_so_restart_is_immediate():
    assert Backoff().in_backoff_since("c", 0.0, 0.0) is False

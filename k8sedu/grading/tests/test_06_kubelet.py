"""Graded tests of exercise 06 (kubelet): the `kubectl get pods` cells from a container history,
and a probe state machine.

Expected values follow REFERENCE §5 and §8: restartPolicy Always / OnFailure / Never; the first
restart is immediate (``doBackOff`` finds no back-off entry), later ones wait 10 s doubling to
300 s, and a run longer than 10 minutes (``2 × MaxContainerBackOff``, ``hasExpired``) resets the
back-off; STATUS is the waiting reason (``CrashLoopBackOff``) or the terminated reason; RESTARTS
is ``restartCount`` with ``(<age> ago)`` of ``lastState.terminated.finishedAt`` (``printPod``).
Probes: period 10 s, failureThreshold 3, successThreshold 1, initialDelay 0; readiness starts as
failure, liveness as success; results change after that many outcomes in a row; liveness and
readiness wait for the startup probe (``pkg/kubelet/prober/worker.go``). Every history here was
also checked against the simulated kubelet of k8sedu.
"""

import pytest

CRASH5 = [(5, "Error")]  # crashes 5 s after every start: starts at 0, 5, 20, 45, 90, 175, 340, 645


def _row(id, runs, t, expected, policy="Always", started_after=None, ready_after=0, hidden=False):
    marks = [pytest.mark.hidden] if hidden else []
    return pytest.param(runs, t, policy, started_after, ready_after, expected, id=id, marks=marks)


def row(submission, runs, t, policy, started_after, ready_after):
    got = submission.pod_row(
        runs, t, restart_policy=policy, started_after=started_after, ready_after=ready_after
    )
    return tuple(got)


# -- part 1: the row ------------------------------------------------------------------------------

RUNNING = [
    _row("never-ends", [(None, None)], 30, ("1/1", "Running", "0")),
    _row("before-the-first-crash", CRASH5, 4, ("1/1", "Running", "0")),
    _row("ready-after-readiness", [(None, None)], 8, ("1/1", "Running", "0"), ready_after=8),
    _row("not-ready-yet", [(None, None)], 5, ("0/1", "Running", "0"), ready_after=8),
]

CRASH_LOOP = [
    _row("first-restart-is-immediate", CRASH5, 5, ("1/1", "Running", "1 (0s ago)")),
    _row("second-run", CRASH5, 9, ("1/1", "Running", "1 (4s ago)")),
    _row("first-back-off", CRASH5, 10, ("0/1", "CrashLoopBackOff", "1 (0s ago)")),
    _row("end-of-first-back-off", CRASH5, 19, ("0/1", "CrashLoopBackOff", "1 (9s ago)")),
    _row("third-run", CRASH5, 20, ("1/1", "Running", "2 (10s ago)")),
    _row("second-back-off-is-20s", CRASH5, 40, ("0/1", "CrashLoopBackOff", "2 (15s ago)")),
    _row("fourth-run", CRASH5, 46, ("1/1", "Running", "3 (21s ago)")),
]

CAPPED = [
    _row("160s-back-off", CRASH5, 300, ("0/1", "CrashLoopBackOff", "5 (2m ago)")),
    _row("capped-at-300s", CRASH5, 640, ("0/1", "CrashLoopBackOff", "6 (4m55s ago)")),
    _row("restart-after-300s", CRASH5, 645, ("1/1", "Running", "7 (5m ago)")),
    _row("stays-at-300s", CRASH5, 900, ("0/1", "CrashLoopBackOff", "7 (4m10s ago)")),
]

# three quick crashes (waits 10, 20), one 700 s run, then quick crashes again
RESET = [(5, "Error"), (5, "Error"), (5, "Error"), (700, "Error"), (5, "Error")]

BACKOFF_RESET = [
    _row("long-run-restarts-at-once", RESET, 748, ("1/1", "Running", "4 (3s ago)")),
    _row("then-10s-again", RESET, 755, ("0/1", "CrashLoopBackOff", "4 (5s ago)")),
    _row("then-20s", RESET, 770, ("0/1", "CrashLoopBackOff", "5 (5s ago)")),
    _row("every-11-minutes", [(660, "Error")], 2000, ("1/1", "Running", "3 (20s ago)")),
]

BACKOFF_RESET_HIDDEN = [
    _row(
        "exactly-600s-does-not-reset",
        [(5, "Error"), (600, "Error")],
        610,
        ("0/1", "CrashLoopBackOff", "1 (5s ago)"),
        hidden=True,
    ),
    _row(
        "601s-resets",
        [(5, "Error"), (601, "Error")],
        610,
        ("1/1", "Running", "2 (4s ago)"),
        hidden=True,
    ),
    _row(
        "reset-then-stays-up",
        [(5, "Error"), (5, "Error"), (700, "Error"), (None, None)],
        1000,
        ("1/1", "Running", "3 (4m40s ago)"),
        hidden=True,
    ),
]

POLICIES = [
    _row(
        "exit-0-under-always-loops",
        [(10, "Completed")],
        25,
        ("0/1", "CrashLoopBackOff", "1 (5s ago)"),
    ),
    _row("onfailure-completed", [(10, "Completed")], 25, ("0/1", "Completed", "0"), "OnFailure"),
    _row(
        "onfailure-error-restarts",
        [(10, "Error")],
        12,
        ("1/1", "Running", "1 (2s ago)"),
        "OnFailure",
    ),
    _row("never-error", [(30, "Error")], 100, ("0/1", "Error", "0"), "Never"),
    _row("never-oomkilled", [(30, "OOMKilled")], 31, ("0/1", "OOMKilled", "0"), "Never"),
    _row("oomkilled-restarts", [(30, "OOMKilled")], 45, ("1/1", "Running", "1 (15s ago)")),
    _row("oomkilled-backs-off", [(30, "OOMKilled")], 65, ("0/1", "CrashLoopBackOff", "1 (5s ago)")),
]

POLICIES_HIDDEN = [
    _row(
        "onfailure-done-after-a-crash",
        [(5, "Error"), (10, "Completed")],
        60,
        ("0/1", "Completed", "1 (55s ago)"),
        "OnFailure",
        hidden=True,
    ),
    _row(
        "never-completed",
        [(10, "Completed")],
        10,
        ("0/1", "Completed", "0"),
        "Never",
        hidden=True,
    ),
    _row(
        "onfailure-oomkilled-backs-off",
        [(30, "OOMKilled")],
        65,
        ("0/1", "CrashLoopBackOff", "1 (5s ago)"),
        "OnFailure",
        hidden=True,
    ),
]

STARTUP_GATING = [
    _row(
        "before-startup",
        [(None, None)],
        20,
        ("0/1", "Running", "0"),
        started_after=30,
        ready_after=5,
    ),
    _row(
        "started-not-ready",
        [(None, None)],
        34,
        ("0/1", "Running", "0"),
        started_after=30,
        ready_after=5,
    ),
    _row(
        "started-and-ready",
        [(None, None)],
        35,
        ("1/1", "Running", "0"),
        started_after=30,
        ready_after=5,
    ),
    _row(
        "startup-without-readiness", [(None, None)], 30, ("1/1", "Running", "0"), started_after=30
    ),
]

READY_HIDDEN = [
    _row(
        "ready-again-after-restart",
        [(20, "Error")],
        30,
        ("1/1", "Running", "1 (10s ago)"),
        ready_after=10,
        hidden=True,
    ),
    _row(
        "not-ready-after-restart",
        [(20, "Error")],
        25,
        ("0/1", "Running", "1 (5s ago)"),
        ready_after=10,
        hidden=True,
    ),
    _row(
        "crashes-before-started",
        [(20, "Error")],
        15,
        ("0/1", "Running", "0"),
        started_after=30,
        hidden=True,
    ),
    _row(
        "waiting-is-never-ready",
        [(20, "Error")],
        45,
        ("0/1", "CrashLoopBackOff", "1 (5s ago)"),
        hidden=True,
    ),
]


@pytest.mark.points(2)
@pytest.mark.parametrize(("runs", "t", "policy", "started", "ready", "expected"), RUNNING)
def test_running_container(submission, runs, t, policy, started, ready, expected):
    """A container that runs: Running, ready once its readiness passes, no restarts."""
    got = row(submission, runs, t, policy, started, ready)
    assert got == expected, f"at t={t}: expected {expected}, got {got}"


@pytest.mark.points(2)
@pytest.mark.hint("The first restart is immediate; the back-off starts with the second one.")
@pytest.mark.parametrize(("runs", "t", "policy", "started", "ready", "expected"), CRASH_LOOP)
def test_crash_loop(submission, runs, t, policy, started, ready, expected):
    """A container crashing every 5 s: restarts at 5, 20, 45 …, CrashLoopBackOff in between."""
    got = row(submission, runs, t, policy, started, ready)
    assert got == expected, f"crashing every 5 s, at t={t}: expected {expected}, got {got}"


@pytest.mark.points(1)
@pytest.mark.hint("The wait doubles from 10 s and stops growing at 300 s (5 minutes).")
@pytest.mark.parametrize(("runs", "t", "policy", "started", "ready", "expected"), CAPPED)
def test_back_off_is_capped(submission, runs, t, policy, started, ready, expected):
    """The back-off grows 10, 20, 40, 80, 160, 300 and stays at 300 s."""
    got = row(submission, runs, t, policy, started, ready)
    assert got == expected, f"crashing every 5 s, at t={t}: expected {expected}, got {got}"


@pytest.mark.points(2)
@pytest.mark.hint("A run of more than 10 minutes resets the back-off: restart at once, then 10 s.")
@pytest.mark.parametrize(("runs", "t", "policy", "started", "ready", "expected"), BACKOFF_RESET)
def test_back_off_resets_after_a_long_run(submission, runs, t, policy, started, ready, expected):
    """After a run longer than 10 minutes the kubelet restarts at once and starts over at 10 s."""
    got = row(submission, runs, t, policy, started, ready)
    assert got == expected, f"runs {runs}, at t={t}: expected {expected}, got {got}"


@pytest.mark.points(1)
@pytest.mark.parametrize(
    ("runs", "t", "policy", "started", "ready", "expected"), BACKOFF_RESET_HIDDEN
)
def test_back_off_reset_edges(submission, runs, t, policy, started, ready, expected):
    """More than 600 s resets; exactly 600 s does not."""
    got = row(submission, runs, t, policy, started, ready)
    assert got == expected, f"runs {runs}, at t={t}: expected {expected}, got {got}"


@pytest.mark.points(2)
@pytest.mark.hint("Always restarts even after exit code 0; OnFailure only after a failure.")
@pytest.mark.parametrize(("runs", "t", "policy", "started", "ready", "expected"), POLICIES)
def test_restart_policies(submission, runs, t, policy, started, ready, expected):
    """restartPolicy decides whether an ending is restarted; a final ending shows as STATUS."""
    got = row(submission, runs, t, policy, started, ready)
    assert got == expected, f"{policy}, runs {runs}, at t={t}: expected {expected}, got {got}"


@pytest.mark.points(1)
@pytest.mark.hint("RESTARTS counts restarts; `ago` is from the run before the current one.")
@pytest.mark.parametrize(("runs", "t", "policy", "started", "ready", "expected"), POLICIES_HIDDEN)
def test_restart_policy_edges(submission, runs, t, policy, started, ready, expected):
    """A final ending after restarts: RESTARTS still dates the previous termination."""
    got = row(submission, runs, t, policy, started, ready)
    assert got == expected, f"{policy}, runs {runs}, at t={t}: expected {expected}, got {got}"


@pytest.mark.points(2)
@pytest.mark.hint("Readiness is not checked until the startup probe has succeeded.")
@pytest.mark.parametrize(("runs", "t", "policy", "started", "ready", "expected"), STARTUP_GATING)
def test_startup_probe_holds_readiness_back(submission, runs, t, policy, started, ready, expected):
    """With a startup probe, READY waits for it, then for the readiness probe."""
    got = row(submission, runs, t, policy, started, ready)
    assert got == expected, f"at t={t}: expected {expected}, got {got}"


@pytest.mark.points(1)
@pytest.mark.parametrize(("runs", "t", "policy", "started", "ready", "expected"), READY_HIDDEN)
def test_readiness_after_restarts(submission, runs, t, policy, started, ready, expected):
    """Every run starts not ready and must pass its probes again."""
    got = row(submission, runs, t, policy, started, ready)
    assert got == expected, f"at t={t}: expected {expected}, got {got}"


# -- part 2: probes ---------------------------------------------------------------------------------

HTTP = {"httpGet": {"path": "/healthz", "port": 8080}}


def probe(**fields):
    return dict(HTTP, **fields)


def always(t):
    return True


def never(t):
    return False


def from_2s(t):
    return t >= 2


def boots_in_45s(t):
    return t >= 45


def sick_from_55s(t):
    return t < 55


def flaky(t):
    return t >= 2 and not 60 <= t < 90


def one_good_probe(t):
    return t < 10 or t == 30


def _probe(id, container, healthy, until, expected, hidden=False):
    marks = [pytest.mark.hidden] if hidden else []
    return pytest.param(container, healthy, until, expected, id=id, marks=marks)


PROBES = [
    _probe("no-probes", {}, never, 60, [(0, "Started"), (0, "Ready")]),
    _probe(
        "readiness-at-the-next-probe",
        {"readinessProbe": probe()},
        from_2s,
        60,
        [(0, "Started"), (10, "Ready")],
    ),
    _probe("never-ready", {"readinessProbe": probe()}, never, 60, [(0, "Started")]),
    _probe(
        "liveness-kills-after-3-failures",
        {"livenessProbe": probe()},
        sick_from_55s,
        200,
        [(0, "Started"), (0, "Ready"), (80, "Killed")],
    ),
    _probe(
        "failures-must-be-in-a-row",
        {"livenessProbe": probe()},
        one_good_probe,
        200,
        [(0, "Started"), (0, "Ready"), (60, "Killed")],
    ),
    _probe(
        "readiness-flaps-without-restart",
        {"readinessProbe": probe()},
        flaky,
        150,
        [(0, "Started"), (10, "Ready"), (80, "NotReady"), (90, "Ready")],
    ),
]

PROBE_SETTINGS = [
    _probe(
        "initial-delay-waits-for-the-next-tick",
        {"readinessProbe": probe(initialDelaySeconds=15)},
        from_2s,
        60,
        [(0, "Started"), (20, "Ready")],
    ),
    _probe(
        "success-threshold-2",
        {"readinessProbe": probe(periodSeconds=3, successThreshold=2)},
        from_2s,
        60,
        [(0, "Started"), (6, "Ready")],
    ),
    _probe(
        "failure-threshold-1",
        {"livenessProbe": probe(periodSeconds=5, failureThreshold=1)},
        sick_from_55s,
        200,
        [(0, "Started"), (0, "Ready"), (55, "Killed")],
    ),
]

STARTUP = [
    _probe(
        "slow-app-killed-by-liveness",
        {"livenessProbe": probe()},
        boots_in_45s,
        120,
        [(0, "Started"), (0, "Ready"), (20, "Killed")],
    ),
    _probe(
        "startup-probe-protects-it",
        {
            "livenessProbe": probe(),
            "readinessProbe": probe(periodSeconds=5),
            "startupProbe": probe(failureThreshold=30),
        },
        boots_in_45s,
        120,
        [(50, "Started"), (50, "Ready")],
    ),
    _probe(
        "startup-probe-gives-up",
        {"startupProbe": probe(), "livenessProbe": probe()},
        never,
        120,
        [(20, "Killed")],
    ),
]

STARTUP_HIDDEN = [
    _probe(
        "startup-without-readiness-is-ready",
        {"startupProbe": probe(periodSeconds=4, failureThreshold=20)},
        boots_in_45s,
        100,
        [(48, "Started"), (48, "Ready")],
        hidden=True,
    ),
    _probe(
        "liveness-runs-after-startup",
        {"startupProbe": probe(failureThreshold=30), "livenessProbe": probe(periodSeconds=5)},
        lambda t: 45 <= t < 100,
        200,
        [(50, "Started"), (50, "Ready"), (110, "Killed")],
        hidden=True,
    ),
    _probe(
        "startup-with-initial-delay",
        {"startupProbe": probe(initialDelaySeconds=25, failureThreshold=2)},
        never,
        100,
        [(40, "Killed")],
        hidden=True,
    ),
    _probe(
        "readiness-also-waits",
        {"startupProbe": probe(failureThreshold=10), "readinessProbe": probe(periodSeconds=3)},
        from_2s,
        30,
        [(10, "Started"), (12, "Ready")],
        hidden=True,
    ),
]


def events(submission, container, healthy, until):
    return [(t, event) for t, event in submission.probe_events(container, healthy, until)]


@pytest.mark.points(2)
@pytest.mark.hint("Readiness starts failed, liveness starts succeeded; count outcomes in a row.")
@pytest.mark.parametrize(("container", "healthy", "until", "expected"), PROBES)
def test_probes(submission, container, healthy, until, expected):
    """Default probes (period 10 s, 3 failures, 1 success): Ready, NotReady, Killed."""
    got = events(submission, container, healthy, until)
    assert got == expected, f"expected {expected}, got {got}"


@pytest.mark.points(2)
@pytest.mark.hint("Probes tick at 0, P, 2P …; a tick before initialDelaySeconds is skipped.")
@pytest.mark.parametrize(("container", "healthy", "until", "expected"), PROBE_SETTINGS)
def test_probe_settings(submission, container, healthy, until, expected):
    """periodSeconds, initialDelaySeconds and the thresholds change when results flip."""
    got = events(submission, container, healthy, until)
    assert got == expected, f"expected {expected}, got {got}"


@pytest.mark.points(2)
@pytest.mark.hint("Until the startup probe succeeds, liveness and readiness do not run at all.")
@pytest.mark.parametrize(("container", "healthy", "until", "expected"), STARTUP)
def test_startup_probe(submission, container, healthy, until, expected):
    """A startup probe protects a slow app from liveness, and kills it if it never starts."""
    got = events(submission, container, healthy, until)
    assert got == expected, f"expected {expected}, got {got}"


@pytest.mark.points(1)
@pytest.mark.parametrize(("container", "healthy", "until", "expected"), STARTUP_HIDDEN)
def test_startup_probe_edges(submission, container, healthy, until, expected):
    """After the startup probe: readiness and liveness start on their own clocks."""
    got = events(submission, container, healthy, until)
    assert got == expected, f"expected {expected}, got {got}"

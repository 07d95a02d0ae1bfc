"""Graded tests of exercise 02: an optimistic-concurrency counter and a watch-fed mirror.

Part A, ``increment(etcd, key, attempts)``: read, then compare-and-swap in one txn, retry on a lost
race, give up with ``GaveUp`` after ``attempts`` lost races. The writers are run one store call at
a time in *every* order (a small model checker, ``every_interleaving``), so a read-then-put that
loses an update cannot hide. etcd's rules: a missing key compares as version / create_revision /
mod_revision 0, and a *value* compare on a missing key always fails (etcd
``server/etcdserver/txn/txn.go``, ``applyCompare``).

Part B, ``Mirror(etcd, prefix)``: the informer pattern — list, watch from the list's revision + 1,
and after a dropped watch resume from the last revision seen + 1, or, when that history is
compacted (``mvcc: required revision has been compacted``), list again and replace the copy.
etcd keeps the compaction revision itself readable, so resuming exactly there needs no re-list
(``server/storage/mvcc/kvstore.go``: reads below the compact revision fail).
"""

from __future__ import annotations

import itertools
import random
import threading

import pytest

import k8sedu as k

# -- part A: every interleaving of a few writers -------------------------------------------------

RACE = (
    "Between your get and your write another writer may commit: write with a txn that compares "
    "mod_revision, and read again and retry when it fails."
)
MISSING = (
    "A missing key is 0. etcd fails every value compare on a missing key: compare mod_revision "
    "(0 when the key is missing) instead."
)
MAX_CALLS = 60  # store calls one writer may make in one run (a loop that never stops)
MAX_RUNS = 20_000  # schedules explored before the checker stops


class Aborted(BaseException):
    """Stops a writer thread when its run is abandoned (BaseException: not caught by accident)."""


class Turnstile:
    """Lets exactly one writer thread run between two store calls; the main thread says which."""

    def __init__(self, writers: int) -> None:
        self.cond = threading.Condition()
        self.parked = [False] * writers
        self.done = [False] * writers
        self.calls = [0] * writers
        self.granted: int | None = None
        self.aborted = False

    def wait_turn(self, i: int) -> None:
        with self.cond:
            self.calls[i] += 1
            if self.calls[i] > MAX_CALLS:
                raise AssertionError(f"more than {MAX_CALLS} store calls: does the loop end?")
            self.parked[i] = True
            self.cond.notify_all()
            while self.granted != i and not self.aborted:
                self.cond.wait()
            if self.aborted:
                raise Aborted
            self.granted, self.parked[i] = None, False

    def finish(self, i: int) -> None:
        with self.cond:
            self.done[i] = True
            self.cond.notify_all()

    def settled(self, i: int | None = None) -> bool:
        writers = range(len(self.done)) if i is None else [i]
        return self.granted is None and all(self.parked[j] or self.done[j] for j in writers)


class Gate:
    """The store as one writer sees it: every call waits for that writer's turn."""

    def __init__(self, etcd, turnstile: Turnstile, i: int) -> None:
        self._etcd, self._turnstile, self._i = etcd, turnstile, i

    def __getattr__(self, name: str):
        attr = getattr(self._etcd, name)
        if not callable(attr):
            return attr
        return self._gated(attr)

    def _gated(self, method):
        def call(*args, **kwargs):
            self._turnstile.wait_turn(self._i)
            return method(*args, **kwargs)

        return call


def run_schedule(writers: list, prefix: list[int], key: str = "/counter"):
    """Run the writers choosing ``prefix[j]`` at decision j, then the lowest-numbered runnable one.

    Returns (choices made, runnable sets at each decision, results, errors, final value).
    """
    etcd = k.Etcd()
    turnstile = Turnstile(len(writers))
    results: list = [None] * len(writers)
    errors: list = [None] * len(writers)

    def body(i: int) -> None:
        try:
            results[i] = writers[i](Gate(etcd, turnstile, i))
        except Aborted:
            pass
        except BaseException as error:  # the submission's exception is the finding
            errors[i] = error
        finally:
            turnstile.finish(i)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(len(writers))]
    for t in threads:
        t.start()
    choices, options = [], []
    try:
        with turnstile.cond:
            _wait(turnstile, None)
            while True:
                runnable = [i for i in range(len(writers)) if turnstile.parked[i]]
                if not runnable:
                    break
                step = len(choices)
                pick = prefix[step] if step < len(prefix) else runnable[0]
                choices.append(pick)
                options.append(runnable)
                turnstile.granted = pick
                turnstile.cond.notify_all()
                _wait(turnstile, pick)
    finally:
        with turnstile.cond:
            turnstile.aborted = True
            turnstile.cond.notify_all()
        for t in threads:
            t.join(timeout=5)
    kv = etcd.get(key)
    return choices, options, results, errors, (kv.value if kv else None)


def _wait(turnstile: Turnstile, i: int | None) -> None:
    if not turnstile.cond.wait_for(lambda: turnstile.settled(i), timeout=10):
        raise AssertionError("a writer neither called the store nor finished within 10 s")


def every_interleaving(writers: list):
    """Yield (choices, results, errors, final value) for every order of the writers' store calls."""
    stack: list[list[int]] = [[]]
    runs = 0
    while stack:
        prefix = stack.pop()
        choices, options, results, errors, final = run_schedule(writers, prefix)
        runs += 1
        assert runs <= MAX_RUNS, "too many store calls to check every interleaving"
        yield choices, results, errors, final
        for step in range(len(prefix), len(choices)):
            for other in options[step]:
                if other != choices[step]:
                    stack.append(choices[:step] + [other])


class Increments:
    """One writer: ``n`` increments of the counter in a row, collecting what each returned."""

    def __init__(self, increment, n: int, attempts: int) -> None:
        self.increment, self.n, self.attempts = increment, n, attempts

    def __call__(self, etcd) -> list:
        return [self.increment(etcd, "/counter", self.attempts) for _ in range(self.n)]


def check_all_orders(submission, writers: int, each: int) -> None:
    runs = 0
    for choices, results, errors, final in every_interleaving(
        [Increments(submission.increment, each, attempts=10) for _ in range(writers)]
    ):
        runs += 1
        order = "order of store calls by writer: " + "".join(map(str, choices))
        failed = next((e for e in errors if e is not None), None)
        assert failed is None, f"a writer raised {failed!r} ({order})"
        total = writers * each
        assert final == str(total), f"{total} increments left {final!r}: one was lost ({order})"
        returned = sorted(itertools.chain.from_iterable(results))
        assert returned == list(range(1, total + 1)), (
            f"each increment returns the value it wrote; got {returned} ({order})"
        )
    assert runs > 1, "the writers must call the store (get, txn) so their calls can interleave"


@pytest.mark.points(1)
@pytest.mark.hint(MISSING)
def test_counts_from_a_missing_key(submission):
    """A missing key counts as 0."""
    etcd = k.Etcd()
    got = [submission.increment(etcd, "/counter", 3) for _ in range(3)]
    assert got == [1, 2, 3], "a missing key is 0: three increments return 1, 2, 3"
    assert etcd.get("/counter").value == "3", 'the key holds the text "3" (etcd values are str)'


@pytest.mark.points(1)
@pytest.mark.parametrize("start", ["0", "41", "999"], ids=["zero", "forty-one", "carry"])
@pytest.mark.hint("Read the key, then write value + 1 in one txn guarded by a compare.")
def test_adds_one_to_a_stored_value(submission, start):
    """An existing value goes up by one, in one write."""
    etcd = k.Etcd()
    etcd.put("/counter", start)
    etcd.put("/other", "x")
    before = etcd.revision
    assert submission.increment(etcd, "/counter", 3) == int(start) + 1, "return the new value"
    assert etcd.get("/counter").value == str(int(start) + 1), "store the new value as text"
    assert etcd.revision == before + 1, "one increment is one write (one revision)"
    assert etcd.get("/other").value == "x", "touch only the counter's key"


@pytest.mark.points(3)
@pytest.mark.hint(RACE)
def test_two_writers_in_every_order(submission):
    """Two writers, one increment each, in every interleaving: none is lost."""
    check_all_orders(submission, writers=2, each=1)


@pytest.mark.points(2)
@pytest.mark.hidden
@pytest.mark.hint(RACE)
def test_two_writers_twice_in_every_order(submission):
    """Two writers, two increments each, in every interleaving."""
    check_all_orders(submission, writers=2, each=2)


@pytest.mark.points(3)
@pytest.mark.hidden
@pytest.mark.hint("Each retry must read again: a stale revision never matches.")
def test_three_writers_in_every_order(submission):
    """Three writers, one increment each, in every interleaving."""
    check_all_orders(submission, writers=3, each=1)


class Rival:
    """A store where another writer bumps the counter right after each of our reads."""

    def __init__(self, etcd) -> None:
        self._etcd = etcd
        self.swaps = 0

    def __getattr__(self, name: str):
        return getattr(self._etcd, name)

    def txn(self, compare, success, failure):
        self.swaps += 1
        return self._etcd.txn(compare, success, failure)

    def get(self, key, revision=None):
        kv = self._etcd.get(key, revision)
        self._bump(key)
        return kv

    def range(self, prefix="", revision=None, **kw):
        kvs = self._etcd.range(prefix, revision, **kw)
        self._bump(prefix)
        return kvs

    def _bump(self, key: str) -> None:
        kv = self._etcd.get(key)
        self._etcd.put(key, str(int(kv.value) + 1 if kv else 1))


@pytest.mark.points(2)
@pytest.mark.parametrize("attempts", [1, 3, 5], ids=["one", "three", "five"])
@pytest.mark.hint("Try at most `attempts` compare-and-swaps, then raise GaveUp.")
def test_gives_up_after_the_attempts(submission, attempts):
    """Losing every race: exactly `attempts` compare-and-swaps, then GaveUp, nothing written."""
    etcd = k.Etcd()
    etcd.put("/counter", "7")
    rival = Rival(etcd)
    with pytest.raises(submission.GaveUp):
        submission.increment(rival, "/counter", attempts)
    assert rival.swaps == attempts, (
        f"with attempts={attempts}, try {attempts} compare-and-swaps (txn), not {rival.swaps}"
    )
    assert etcd.get("/counter").value == str(7 + attempts), "a lost race must write nothing"


# -- part B: the mirror --------------------------------------------------------------------------


class Counting:
    """The store, counting the lists (``range``) made through it."""

    def __init__(self, etcd) -> None:
        self.store = etcd
        self.lists = 0

    def __getattr__(self, name: str):
        return getattr(self.store, name)

    def range(self, *args, **kwargs):
        self.lists += 1
        return self.store.range(*args, **kwargs)


def live(etcd, prefix: str) -> dict:
    """What the store holds under the prefix (read past the counter: the test's own list)."""
    return {kv.key: kv.value for kv in getattr(etcd, "store", etcd).range(prefix)}


def seeded() -> k.Etcd:
    etcd = k.Etcd()
    for key, value in [("/registry/pods/a", "1"), ("/registry/pods/b", "2"), ("/x", "no")]:
        etcd.put(key, value)
    return etcd


@pytest.mark.points(1)
@pytest.mark.hint("range(prefix) lists the keys; etcd.revision is the revision the list reflects.")
def test_mirror_lists_the_prefix(submission):
    """The first list copies the keys under the prefix, and only those."""
    etcd = seeded()
    mirror = submission.Mirror(etcd, "/registry/pods/")
    assert mirror.items == live(etcd, "/registry/pods/"), "copy every key under the prefix"
    assert mirror.revision == etcd.revision, "after a list, revision is the store's revision"


@pytest.mark.points(2)
@pytest.mark.hint(
    "A PUT event sets the key, a DELETE removes it; event.kv.mod_revision is the new revision."
)
def test_mirror_follows_changes(submission):
    """Puts, updates and deletes arrive through the watch; revision follows them."""
    etcd = seeded()
    mirror = submission.Mirror(etcd, "/registry/pods/")
    steps = [
        ("put", "/registry/pods/c", "3"),
        ("put", "/registry/pods/a", "1b"),
        ("delete", "/registry/pods/b", None),
        ("put", "/x", "elsewhere"),
    ]
    for op, key, value in steps:
        rev = etcd.put(key, value) if op == "put" else etcd.delete(key)
        assert mirror.items == live(etcd, "/registry/pods/"), f"after {op} {key}: copy is wrong"
        if key.startswith("/registry/pods/"):
            assert mirror.revision == rev, f"after {op} {key}, revision is its revision {rev}"


def disconnected(submission, compact_at=None):
    """A mirror whose watch dropped while the store changed (and maybe compacted)."""
    etcd = Counting(seeded())
    mirror = submission.Mirror(etcd, "/registry/pods/")
    seen = mirror.revision
    mirror.disconnect()
    etcd.put("/registry/pods/c", "3")
    etcd.delete("/registry/pods/a")
    etcd.put("/registry/pods/b", "2b")
    if compact_at is not None:
        etcd.compact(compact_at(seen, etcd.revision))
    return etcd, mirror


@pytest.mark.points(2)
@pytest.mark.hint(
    "Resume the watch at start_revision=self.revision + 1: etcd replays what you missed."
)
def test_reconnect_catches_up_without_listing(submission):
    """History still there: resume from the last revision + 1, no new list."""
    etcd, mirror = disconnected(submission)
    mirror.reconnect()
    assert mirror.items == live(etcd, "/registry/pods/"), "replay what happened while away"
    assert etcd.lists == 1, "the history is still there: resume the watch, do not list again"
    etcd.put("/registry/pods/d", "4")
    assert "/registry/pods/d" in mirror.items, "after reconnecting, keep following changes"


@pytest.mark.points(3)
@pytest.mark.parametrize(
    "compact_at",
    [lambda seen, now: seen + 2, lambda seen, now: now],
    ids=["just-past", "everything"],
)
@pytest.mark.hint(
    "watch() raises Compacted when the history is gone: then list again and replace the whole copy."
)
def test_reconnect_after_compaction_lists_again(submission, compact_at):
    """History compacted: list again and replace the copy (deleted keys go)."""
    etcd, mirror = disconnected(submission, compact_at)
    mirror.reconnect()
    assert mirror.items == live(etcd, "/registry/pods/"), (
        "after a re-list the copy is exactly the list: a key deleted meanwhile must go"
    )
    assert etcd.lists == 2, "a compacted history means exactly one new list"
    assert mirror.revision == etcd.revision, "after a list, revision is the store's revision"
    etcd.put("/registry/pods/e", "5")
    assert mirror.items.get("/registry/pods/e") == "5", "after the re-list, watch again"


@pytest.mark.points(1)
@pytest.mark.hint("Only a start revision below the compaction revision is gone.")
def test_compacted_exactly_at_the_next_revision(submission):
    """etcd keeps the compaction revision: resuming right there needs no list."""
    etcd, mirror = disconnected(submission, lambda seen, now: seen + 1)
    mirror.reconnect()
    assert mirror.items == live(etcd, "/registry/pods/"), "replay what happened while away"
    assert etcd.lists == 1, "revision + 1 is still readable after compact(revision + 1)"


@pytest.mark.points(3)
@pytest.mark.hidden
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.hint("Resume when you can, re-list (replacing the copy) when you must.")
def test_mirror_survives_a_random_history(submission, seed):
    """Random writes, drops, compactions and reconnects: the copy always ends right."""
    rng = random.Random(f"exercise-02/{seed}")
    prefix = "/registry/configmaps/"
    etcd = Counting(k.Etcd())
    mirror = submission.Mirror(etcd, prefix)
    connected, needed = True, 1
    for step in range(60):
        roll = rng.random()
        key = rng.choice([f"{prefix}{n}" for n in "abcde"] + ["/registry/pods/z"])
        if roll < 0.45:
            etcd.put(key, str(step))
        elif roll < 0.65:
            etcd.delete(key)
        elif roll < 0.75 and connected:
            mirror.disconnect()
            connected, seen = False, mirror.revision
        elif roll < 0.85 and etcd.revision > etcd.compacted_revision:
            etcd.compact(rng.randint(etcd.compacted_revision + 1, etcd.revision))
        elif not connected:
            needed += etcd.compacted_revision > seen + 1
            mirror.reconnect()
            connected = True
        if connected:
            assert mirror.items == live(etcd, prefix), f"seed {seed}, step {step}: copy is wrong"
    assert etcd.lists == needed, f"list only when the history is gone ({needed}, not {etcd.lists})"

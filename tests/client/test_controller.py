"""The Controller base: handlers enqueue keys, reconcile runs on the clock, errors back off."""

import pytest

from k8sedu.client.controller import Controller


class FlakyConfigMapController(Controller):
    """Fails the first ``failures`` reconciles of each key, then labels the ConfigMap."""

    resource = "configmaps"
    failures = 3

    def __init__(self, manager) -> None:
        super().__init__(manager)
        self.calls: list[tuple[float, str]] = []

    def reconcile(self, key: str) -> None:
        self.calls.append((round(self.sim.now, 6), key))
        if sum(k == key for _, k in self.calls) <= self.failures:
            raise RuntimeError("not yet")
        cm = self.informer("configmaps").get(key)
        if cm is not None and "seen" not in (cm["metadata"].get("labels") or {}):
            ns, _, name = key.partition("/")
            self.client.patch("configmaps", name, {"metadata": {"labels": {"seen": "yes"}}}, ns)


@pytest.fixture
def controller(cluster):
    cluster.run(1)
    return cluster.controller_manager.register("flaky", FlakyConfigMapController)


def test_reconcile_errors_are_retried_with_back_off_and_traced(cluster, controller):
    cluster.api.create(
        "configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}}
    )
    cluster.run(1)
    mine = [t for t, key in controller.calls if key == "default/web"]
    # 3 failures: retried after 5, 10 and 20 ms; then one more pass for its own label update
    assert mine == [1.0, 1.005, 1.015, 1.035, 1.035]
    assert cluster.api.get("configmaps", "web")["metadata"]["labels"] == {"seen": "yes"}
    errors = cluster.trace.filter(verb="reconcile-error", resource="flaky", since=1)
    assert [(r.key, r.detail) for r in errors if r.key == "default/web"] == [
        ("default/web", "RuntimeError: not yet")
    ] * 3
    assert controller.queue.num_requeues("default/web") == 0


def test_a_stopped_controller_reconciles_nothing_until_started(cluster, controller):
    cluster.stop("kube-controller-manager/flaky")
    cluster.api.create(
        "configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}}
    )
    cluster.run(5)
    assert not any(key == "default/web" for _, key in controller.calls)
    cluster.start("kube-controller-manager/flaky")
    cluster.run(1)
    assert cluster.api.get("configmaps", "web")["metadata"]["labels"] == {"seen": "yes"}

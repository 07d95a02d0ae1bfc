"""A learner's kubectl session on a Cluster, as a story: apply, inspect, change, clean up.

Checks the contract of DESIGN "Contract details" → kubectl and apply: stdout exactly, stderr
beside it, failures as ``KubectlError`` with kubectl's text, and only blocking commands moving
the clock. The same story run twice prints the same bytes.
"""

from __future__ import annotations

import pytest

from k8sedu.cluster import Cluster
from k8sedu.errors import KubectlError

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: k8sedu/web:1.0
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
"""


def story() -> list[str]:
    cluster = Cluster(nodes=2, seed=7)
    said = [*cluster.apply(MANIFEST)]
    said.append(cluster.kubectl("get svc web -o jsonpath={.spec.ports[0].port}"))
    said.append(cluster.kubectl("scale deploy/web --replicas=4"))
    said.append(cluster.kubectl("label deploy web tier=frontend"))
    said.append(cluster.kubectl("get deploy -l tier=frontend -o name"))
    said.append(cluster.kubectl("cordon node-2"))
    said.append(cluster.kubectl("get nodes"))
    assert cluster.now == 0, "none of these commands blocks, so none moves the clock"
    said += cluster.apply(MANIFEST)
    said.append(cluster.kubectl("delete svc web"))
    with pytest.raises(KubectlError) as caught:
        cluster.kubectl("get svc web")
    said.append(str(caught.value))
    return said


def test_story():
    said = story()
    assert said[:2] == ["deployment.apps/web created", "service/web created"]
    assert said[2] == "80"
    assert said[3:6] == [
        "deployment.apps/web scaled\n",
        "deployment.apps/web labeled\n",
        "deployment.apps/web\n",
    ]
    assert said[6] == "node/node-2 cordoned\n"
    assert said[7].splitlines()[3].split()[:2] == ["node-2", "Ready,SchedulingDisabled"]
    # the manifest sets replicas: 2, so re-applying undoes the scale; the label stays (not in it)
    assert said[8:10] == ["deployment.apps/web configured", "service/web unchanged"]
    assert said[10] == 'service "web" deleted from default namespace\n'
    assert said[11] == 'Error from server (NotFound): services "web" not found'


def test_story_is_deterministic():
    assert story() == story()

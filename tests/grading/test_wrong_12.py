"""Exercise 12 (capstone): two different reference designs earn full marks, wrong answers do not.

The solution notebook scales each tier with an HPA from three small replicas; ``FIXED_DESIGN``
below runs four fixed, bigger replicas per tier spread with ``DoNotSchedule`` (``nodeTaintsPolicy:
Honor``, so that the control-plane nodes are no spreading domains) and guarded by
PodDisruptionBudgets. Each ``wrong/12-*.py`` is a plausible design with one mistake (its docstring
says which). All are graded as a class would be, by the batch grader with the hidden tests.
"""

from pathlib import Path

from k8sedu.grading import grader

HERE = Path(__file__).parent
SOLUTION = HERE.parents[1] / "solutions" / "12-capstone.ipynb"
FIXED_DESIGN = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend}
spec:
  replicas: 4
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, nodeTaintsPolicy: Honor, labelSelector: {matchLabels: {app: frontend}}}
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 20}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 20}
      containers:
      - name: frontend
        image: k8sedu/web:1.0
        ports: [{containerPort: 8080}]
        resources:
          requests: {cpu: 300m, memory: 256Mi}
          limits: {cpu: 300m, memory: 256Mi}
        readinessProbe:
          tcpSocket: {port: 8080}
          periodSeconds: 2
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 4
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, nodeTaintsPolicy: Honor, labelSelector: {matchLabels: {app: api}}}
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 20}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 20}
      containers:
      - name: api
        image: k8sedu/web:1.0
        ports: [{containerPort: 8080}]
        resources:
          requests: {cpu: 500m, memory: 256Mi}
          limits: {cpu: 500m, memory: 256Mi}
        readinessProbe:
          tcpSocket: {port: 8080}
          periodSeconds: 2
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache}
spec:
  replicas: 4
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, nodeTaintsPolicy: Honor, labelSelector: {matchLabels: {app: cache}}}
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 20}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 20}
      containers:
      - name: cache
        image: redis:7.4
        ports: [{containerPort: 6379}]
        resources:
          requests: {cpu: 100m, memory: 512Mi}
          limits: {cpu: 100m, memory: 512Mi}
        readinessProbe:
          tcpSocket: {port: 6379}
          periodSeconds: 2
---
apiVersion: v1
kind: Service
metadata: {name: frontend}
spec: {selector: {app: frontend}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: cache}
spec: {selector: {app: cache}, ports: [{port: 6379}]}

---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: frontend}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: frontend}}

---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: api}}

---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: cache}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: cache}}
"""


def test_reference_designs_pass_and_wrong_answers_lose_points(tmp_path):
    wrong = sorted((HERE / "wrong").glob("12-*.py"))
    assert len(wrong) >= 2, "exercise 12 needs at least two plausible wrong answers"
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "solution.ipynb").write_bytes(SOLUTION.read_bytes())
    (folder / "fixed-design.py").write_text(f'MANIFESTS = """\\\n{FIXED_DESIGN}"""\n')
    for path in wrong:
        (folder / f"wrong-{path.name}").write_bytes(path.read_bytes())

    rows = grader.grade(folder, grader.Options("12", tmp_path / "out"))
    got = {row["student"]: row for row in rows}

    full = got["solution"]["max_score"]
    for design in ("solution", "fixed-design"):
        assert (got[design]["status"], got[design]["score"]) == ("graded", full), got[design]
    for path in wrong:
        row = got[f"wrong-{path.stem}"]
        assert row["status"] == "graded", (path.name, row)
        assert row["score"] < full, f"{path.name} should lose points: {row}"

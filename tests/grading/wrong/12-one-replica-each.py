"""A plausible wrong answer to exercise 12 (capstone): one replica per tier, no spreading, the default 300 s toleration; a node failure takes whole tiers down."""

# %%
MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend}
spec:
  replicas: 1
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers:
      - name: frontend
        image: k8sedu/web:1.0
        ports: [{containerPort: 8080}]
        resources:
          requests: {cpu: 500m, memory: 128Mi}
          limits: {cpu: 500m, memory: 128Mi}
        readinessProbe:
          tcpSocket: {port: 8080}
          periodSeconds: 2
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: k8sedu/web:1.0
        ports: [{containerPort: 8080}]
        resources:
          requests: {cpu: 1, memory: 128Mi}
          limits: {cpu: 1, memory: 128Mi}
        readinessProbe:
          tcpSocket: {port: 8080}
          periodSeconds: 2
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache}
spec:
  replicas: 1
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
      - name: cache
        image: redis:7.4
        ports: [{containerPort: 6379}]
        resources:
          requests: {cpu: 200m, memory: 256Mi}
          limits: {cpu: 200m, memory: 256Mi}
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
"""

"""A plausible wrong answer to exercise 03 (kube-apiserver): refuses at the first container without requests, naming only that one."""

# %%
from k8sedu.apiserver.admission import forbidden


# %%
def split_requirements(selector: str) -> list[str]:
    """The requirements of a selector: split on the commas that are not inside parentheses."""
    parts, depth, current = [], 0, ""
    for char in selector:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def requirement_matches(requirement: str, labels: dict) -> bool:
    """One requirement: key=value, key==value, key!=value, key in (a,b), key notin (a,b),
    key, or !key."""
    if "!=" in requirement:
        key, value = (part.strip() for part in requirement.split("!=", 1))
        return labels.get(key) != value  # a missing label is "not equal" to anything
    if "=" in requirement:
        key, value = (part.strip() for part in requirement.replace("==", "=").split("=", 1))
        return key in labels and labels[key] == value
    words = requirement.replace("(", " ( ").split()
    if len(words) > 1 and words[1] in ("in", "notin"):
        key = words[0]
        inside = requirement[requirement.index("(") + 1 : requirement.rindex(")")]
        values = {value.strip() for value in inside.split(",")}
        if words[1] == "in":
            return key in labels and labels[key] in values
        return labels.get(key) not in values  # a missing label is in no set
    if requirement.startswith("!"):
        return requirement[1:].strip() not in labels
    return requirement in labels


def selector_matches(selector: str, labels: dict) -> bool:
    """Does a label selector, in the string form kubectl -l takes, select these labels?"""
    return all(requirement_matches(r, labels) for r in split_requirements(selector))


# %%
def require_requests(request: dict) -> None:
    """Validating admission: every container of a new pod, init containers included, must set
    cpu and memory requests. Refuse with k8sedu's forbidden(request, why), naming every one."""
    if request["resource"]["resource"] != "pods" or request["subResource"]:
        return
    if request["operation"] != "CREATE":
        return  # only a new pod carries containers to check; a DELETE has no object at all
    problems = []
    for field in ("initContainers", "containers"):
        for container in request["object"]["spec"].get(field) or []:
            requests = (container.get("resources") or {}).get("requests") or {}
            missing = [name for name in ("cpu", "memory") if name not in requests]
            if missing:
                kind = "init container" if field == "initContainers" else "container"
                raise forbidden(
                    request, f'{kind} "{container["name"]}" has no {" or ".join(missing)} request'
                )
    if problems:
        why = "every container must set cpu and memory requests: " + "; ".join(problems)
        raise forbidden(request, why)


# %%
# FIXED_WEB: the Deployment and the Service as one YAML string, like LIVE_WEB.
FIXED_WEB = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: frontend
    spec:
      containers:
      - name: web
        image: k8sedu/web:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
    tier: frontend
  ports:
  - port: 80
    targetPort: 8080
"""

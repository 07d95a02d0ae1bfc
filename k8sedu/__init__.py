"""k8sedu: a faithful, deterministic Kubernetes cluster simulator for learning."""

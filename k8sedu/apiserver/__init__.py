"""kube-apiserver: the only door to the store."""

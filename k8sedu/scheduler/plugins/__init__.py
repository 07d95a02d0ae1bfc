"""The default plugins, one module each, named and weighted as in kube-scheduler v1.34.

Every plugin has the readable per-node methods (``filter(state, pod, node_info)``,
``score(state, pod, node_info)``), exactly the shape a learner's plugin has. The hot ones also
have a *batch* twin that answers for every node of the snapshot at once over numpy columns
(``filter_batch``, ``score_batch``, ``normalize_batch``); the framework prefers the twin, and
``tests/scheduler/test_sched_batch_property.py`` proves both give the same answers.

A batch filter returns ``(codes, statuses)``: one int per node, 0 = passed (``codes`` None:
every node passed), and a lookup from each non-zero code to the Status the per-node ``filter``
would return.
"""

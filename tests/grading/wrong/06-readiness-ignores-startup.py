"""A plausible wrong answer to exercise 06 (kubelet): readiness is checked from the start, as if the startup probe did not hold it back."""

# %%
from k8sedu.objects import human_duration


# %%
def pod_row(runs, t, restart_policy="Always", started_after=None, ready_after=0):
    """(READY, STATUS, RESTARTS) of `kubectl get pods` at time t."""

    def restarts_cell(count, last_end):
        return f"{count} ({human_duration(t - last_end)} ago)" if count else "0"

    start = 0  # when the current run started
    previous_end = None  # when the previous run ended
    backoff = None  # the next wait; None until the first restart
    for restarts in range(10_000):  # the run that follows `restarts` restarts
        seconds, ending = runs[min(restarts, len(runs) - 1)]
        if seconds is None or t < start + seconds:  # running at t
            ready_at = start + max(started_after or 0, ready_after)  # wrong: not after startup
            ready = "1/1" if t >= ready_at else "0/1"
            return ready, "Running", restarts_cell(restarts, previous_end)
        end = start + seconds
        restarts_it = restart_policy == "Always" or (
            restart_policy == "OnFailure" and ending != "Completed"
        )
        if not restarts_it:
            return "0/1", ending, restarts_cell(restarts, previous_end)
        if backoff is None or seconds > 600:  # first restart, or a long run: no back-off
            restart_at, backoff = end, 10
        else:
            restart_at, backoff = end + backoff, min(backoff * 2, 300)
        if t < restart_at:
            return "0/1", "CrashLoopBackOff", restarts_cell(restarts, end)
        previous_end, start = end, restart_at
    raise ValueError("t is too far in the future for this history")


# %%
def probe_events(container, healthy, until):
    """[(t, "Started" | "Ready" | "NotReady" | "Killed"), ...] for one run of `container`."""
    defaults = {
        "periodSeconds": 10,
        "initialDelaySeconds": 0,
        "failureThreshold": 3,
        "successThreshold": 1,
    }
    initial = {"startup": None, "liveness": True, "readiness": False}
    probes = {}
    for kind in ("startup", "liveness", "readiness"):
        if container.get(f"{kind}Probe") is not None:
            spec = defaults | container[f"{kind}Probe"]
            probes[kind] = {"spec": spec, "result": initial[kind], "last": None, "run": 0}
    events = []
    started = "startup" not in probes
    if started:
        events.append((0, "Started"))
        if "readiness" not in probes:
            events.append((0, "Ready"))
    for t in range(0, int(until) + 1):
        for kind, probe in probes.items():
            spec = probe["spec"]
            if t % spec["periodSeconds"] or t < spec["initialDelaySeconds"]:
                continue
            if kind == "startup" and started:  # wrong: the others run before startup too
                continue
            ok = bool(healthy(t))
            probe["run"] = probe["run"] + 1 if ok == probe["last"] else 1
            probe["last"] = ok
            threshold = spec["successThreshold"] if ok else spec["failureThreshold"]
            if probe["run"] < threshold or probe["result"] is ok:
                continue
            probe["result"] = ok
            if not ok and kind in ("startup", "liveness"):
                events.append((t, "Killed"))
                return events
            if kind == "startup":
                started = True
                events.append((t, "Started"))
                if "readiness" not in probes:
                    events.append((t, "Ready"))
            elif kind == "readiness":
                events.append((t, "Ready" if ok else "NotReady"))
    return events

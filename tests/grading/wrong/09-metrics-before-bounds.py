"""A plausible wrong answer to exercise 09 (autoscaling): always follows the metric and clamps afterwards, instead of first bringing a count outside [min, max] back to the bound."""

# %%
import math

TOLERANCE = 0.1  # --horizontal-pod-autoscaler-tolerance


# %%
def desired_replicas(current, utilization, target, min_replicas, max_replicas):
    """The replica count one HPA sync sets (no spec.behavior, no stabilization window).

    current: the target's replicas now; utilization: the pods' CPU use as a whole percentage of
    their requests; target: the HPA's averageUtilization; min_replicas, max_replicas: its bounds.
    """
    if current == 0:
        return 0  # scaled to zero by hand: autoscaling is switched off
    ratio = utilization / target
    if 1 - TOLERANCE <= ratio <= 1 + TOLERANCE:
        proposal = current  # too small a change to act on
    else:
        proposal = math.ceil(ratio * current)
    highest = min(max_replicas, max(2 * current, 4))  # the legacy scale-up limit
    return max(min_replicas, min(proposal, highest))

"""A plausible wrong answer to exercise 09 (autoscaling): forgets the max(2 x current, 4) limit of one scale-up step."""

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
    if current > max_replicas:
        return max_replicas  # out of bounds: back inside first, whatever the metric says
    if current < min_replicas:
        return min_replicas
    ratio = utilization / target
    if 1 - TOLERANCE <= ratio <= 1 + TOLERANCE:
        proposal = current  # too small a change to act on
    else:
        proposal = math.ceil(ratio * current)
    highest = max_replicas
    return max(min_replicas, min(proposal, highest))

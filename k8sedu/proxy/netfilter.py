"""What the Linux kernel does with kube-proxy's rules: the first packet of a connection walks them.

Traffic in k8sedu is routed by the very rules ``rules()`` prints: each line is compiled into a
small matcher (``-d``, ``--dport``, ``-s``, ``addrtype``, ``statistic``, ``recent``) and the
first packet of a new connection walks ``KUBE-SERVICES`` in the ``nat`` table, jumping from chain
to chain until a ``DNAT``; if nothing DNATs it, the ``filter`` table's REJECT or DROP decides.
Later packets follow the connection (conntrack), which is why balancing is per connection.

``-m statistic --probability p`` matches with the kernel's rounding of p to a multiple of
2^-31 (``xt_statistic`` keeps ``lround(p * 2^31)``), the value ``iptables-save`` shows as
``0.33333333349``. ``-m recent`` keeps, per list name, when each source address last matched.

Walking draws one random number per ``statistic`` rule it meets (about n/2 of a Service's n
endpoints). High-rate traffic (``traffic.py``) instead asks for ``sampled`` routing: the
distribution of verdicts the walk gives is worked out once per rule set and packet, and one draw
picks from it - the same probabilities, a different use of the random stream.

Simplified: only the matches kube-proxy's service rules use are understood; marks and
masquerading change nothing here (source addresses are not rewritten).
"""

from __future__ import annotations

import bisect
import functools
import ipaddress
from dataclasses import dataclass, field
from typing import NamedTuple

from k8sedu.proxy.iptables import KUBE_MARK_MASQ, KUBE_NODEPORTS, Rule, ServiceRules


@functools.lru_cache(maxsize=4096)
def _address(text: str) -> ipaddress.IPv4Address:
    return ipaddress.ip_address(text)  # parsing is slow; a node sees few distinct sources


@functools.lru_cache(maxsize=65536)
def _network(text: str) -> ipaddress.IPv4Network:
    return ipaddress.ip_network(text)  # every endpoint's hairpin rule has one: parse each once


class Packet(NamedTuple):
    """The first packet of a connection, as the node's netfilter hooks see it."""

    src: str
    dst: str
    dport: int
    protocol: str = "tcp"
    src_local: bool = False  # sent by the node itself (addrtype --src-type LOCAL)
    dst_local: bool = False  # addressed to one of the node's own addresses


class Verdict(NamedTuple):
    """``DNAT`` (to ``ip:port``), ``REJECT``, ``DROP``, or ``""`` when no rule decided."""

    action: str
    to: str = ""


@dataclass
class Compiled:
    """One rule line, parsed into the matches it makes and its target."""

    chain: str
    target: str = ""
    protocol: str = ""
    dst: str = ""
    dport: int = 0
    src: ipaddress.IPv4Network | None = None
    src_negated: bool = False
    src_local: bool | None = None
    dst_local: bool | None = None
    probability: float | None = None
    recent_name: str = ""
    recent_seconds: int = 0  # > 0: "--rcheck --seconds N"; 0 with a name: "--set"
    to: str = ""


def compile_rule(rule: Rule) -> Compiled:
    """Parse ``-A CHAIN [matches] -j TARGET [options]`` as written by ``iptables.py``."""
    compiled = Compiled(chain=rule[1])
    negate = False
    i = 2
    while i < len(rule):
        token = rule[i]
        value = rule[i + 1] if i + 1 < len(rule) else ""
        if token == "!":
            negate, i = True, i + 1
            continue
        step = 2
        if token == "-p":
            compiled.protocol = value
        elif token == "-d":
            compiled.dst = value
        elif token == "-s":
            compiled.src, compiled.src_negated = _network(value), negate
        elif token == "--dport":
            compiled.dport = int(value)
        elif token in ("--src-type", "--dst-type"):
            setattr(compiled, "src_local" if token == "--src-type" else "dst_local", True)
        elif token == "--probability":
            compiled.probability = int(float(value) * 2**31 + 0.5) / 2**31
        elif token == "--name":
            compiled.recent_name = value
        elif token == "--seconds":
            compiled.recent_seconds = int(value)
        elif token == "-j":
            compiled.target = value
        elif token == "--to-destination":
            compiled.to = value
        elif token in ("--rcheck", "--reap", "--set"):
            step = 1
        negate = False
        i += step
    return compiled


@dataclass
class CompiledService:
    """One service port's rules, compiled: its entry rules and the chains they jump to."""

    entries: list[Compiled]  # its rules in KUBE-SERVICES and KUBE-NODEPORTS
    chains: dict[str, list[Compiled]]
    filters: list[Compiled]  # REJECT / DROP rules of the filter table
    # packet → the verdicts the walk can reach, for sampled routing (None: depends on history)
    distributions: dict[tuple, Distribution | None] = field(default_factory=dict, compare=False)

    @functools.cached_property
    def source_decides(self) -> bool:
        """Can the source address change the verdict? Only through ``-s`` rules other than the
        SNAT marks (which every node's address passes the same way), e.g. source ranges."""
        rules = [*self.entries, *self.filters, *(r for c in self.chains.values() for r in c)]
        return any(r.src is not None and r.target != KUBE_MARK_MASQ for r in rules)

    @classmethod
    def of(cls, rules: ServiceRules) -> CompiledService:
        chains: dict[str, list[Compiled]] = {name: [] for name in rules.nat_chains}
        entries = []
        for rule in rules.nat_rules:
            compiled = compile_rule(rule)
            if compiled.chain in chains:
                chains[compiled.chain].append(compiled)
            else:
                entries.append(compiled)
        filters = [compile_rule(r) for r in rules.filter_rules]
        return cls(entries, chains, [f for f in filters if f.target in ("REJECT", "DROP")])


class Distribution(NamedTuple):
    """The verdicts a walk can end in, with their cumulative probabilities (last one ≈ 1)."""

    cumulative: list[float]
    verdicts: list[Verdict]

    def sample(self, rng) -> Verdict:
        i = bisect.bisect_right(self.cumulative, rng.random())
        return self.verdicts[min(i, len(self.verdicts) - 1)]

    def shares(self) -> list[tuple[float, Verdict]]:
        """Each verdict with its own probability."""
        below = [0.0, *self.cumulative[:-1]]
        return [(c - b, v) for c, b, v in zip(self.cumulative, below, self.verdicts, strict=True)]


@dataclass
class Kernel:
    """A node's netfilter state that outlives kube-proxy restarts: the ``recent`` lists."""

    recent: dict[str, dict[str, float]] = field(default_factory=dict)

    def route(
        self, service: CompiledService, packet: Packet, rng, now: float, sampled: bool = False
    ) -> Verdict:
        """Walk the rules for the first packet of a new connection; ``sampled``: draw the
        verdict from the walk's distribution instead (not for ``recent`` rules: they remember)."""
        if sampled:
            distribution = self.distribution(service, packet)
            if distribution is not None:
                return distribution.sample(rng)
        for rule in service.entries:
            if rule.chain == KUBE_NODEPORTS and not packet.dst_local:
                continue  # KUBE-SERVICES jumps to KUBE-NODEPORTS only for the node's addresses
            if self._matches(rule, packet, rng, now):
                verdict = self._jump(service, rule, packet, rng, now)
                if verdict.action:
                    return verdict
        for rule in service.filters:
            if self._matches(rule, packet, rng, now):
                return Verdict(rule.target)
        return Verdict("")

    @staticmethod
    def distribution(service: CompiledService, packet: Packet) -> Distribution | None:
        """The verdicts a walk for ``packet`` can end in (None: it depends on ``recent`` lists);
        worked out once per rule set and packet."""
        key = packet if service.source_decides else packet[1:]  # all but the source
        if key not in service.distributions:
            service.distributions[key] = _distribution(service, packet)
        return service.distributions[key]

    def _jump(self, service, rule: Compiled, packet: Packet, rng, now: float) -> Verdict:
        if rule.target == "DNAT":
            return Verdict("DNAT", rule.to)
        if rule.target in ("DROP", "REJECT", "ACCEPT"):
            return Verdict(rule.target)
        if rule.target == KUBE_MARK_MASQ:
            return Verdict("")  # marks the packet for SNAT, then the walk goes on
        for inner in service.chains.get(rule.target, ()):
            if self._matches(inner, packet, rng, now):
                verdict = self._jump(service, inner, packet, rng, now)
                if verdict.action:
                    return verdict
        return Verdict("")  # fell off the end of the chain: back to the caller

    def _matches(self, rule: Compiled, packet: Packet, rng, now: float) -> bool:
        if rule.protocol and rule.protocol != packet.protocol:
            return False
        if (rule.dst and rule.dst != packet.dst) or (rule.dport and rule.dport != packet.dport):
            return False
        if rule.src is not None:
            inside = _address(packet.src) in rule.src
            if inside == rule.src_negated:
                return False
        if rule.src_local and not packet.src_local:
            return False
        if rule.dst_local and not packet.dst_local:
            return False
        if rule.recent_name and rule.recent_seconds:  # --rcheck --seconds N --reap
            seen = self.recent.get(rule.recent_name, {})
            last = seen.get(packet.src)
            if last is None or now - last > rule.recent_seconds:
                seen.pop(packet.src, None)
                return False
        if rule.probability is not None and rng.random() >= rule.probability:
            return False
        if rule.recent_name and not rule.recent_seconds:  # --set: remember this source
            self.recent.setdefault(rule.recent_name, {})[packet.src] = now
        return True


# -- the walk's distribution, for sampled routing ----------------------------------------------


def _fixed_match(rule: Compiled, packet: Packet) -> bool:
    """The matches that depend only on the packet (not on chance or on ``recent`` lists)."""
    if rule.protocol and rule.protocol != packet.protocol:
        return False
    if (rule.dst and rule.dst != packet.dst) or (rule.dport and rule.dport != packet.dport):
        return False
    if rule.src is not None and (_address(packet.src) in rule.src) == rule.src_negated:
        return False
    return not (rule.src_local and not packet.src_local) and not (
        rule.dst_local and not packet.dst_local
    )


class _Remembers(Exception):
    """A ``recent`` rule was met: the verdict depends on earlier connections."""


def _distribution(service: CompiledService, packet: Packet) -> Distribution | None:
    """What ``Kernel.route`` returns for ``packet``, as probabilities, walking every branch."""
    outcomes: dict[Verdict, float] = {}
    try:
        rest = _spread(service, service.entries, packet, 1.0, outcomes, top=True)
    except _Remembers:
        return None
    for rule in service.filters:
        if _fixed_match(rule, packet):
            outcomes[Verdict(rule.target)] = outcomes.get(Verdict(rule.target), 0.0) + rest
            rest = 0.0
            break
    if rest > 0:
        outcomes[Verdict("")] = outcomes.get(Verdict(""), 0.0) + rest
    cumulative, total = [], 0.0
    for share in outcomes.values():
        total += share
        cumulative.append(total)
    return Distribution(cumulative, list(outcomes))


def _spread(
    service: CompiledService,
    rules: list[Compiled],
    packet: Packet,
    mass: float,
    outcomes: dict,
    top: bool = False,
) -> float:
    """Send ``mass`` (a probability) down ``rules`` as ``Kernel._jump`` would; the verdicts
    reached add to ``outcomes``; returns the mass that falls off the end of the chain."""
    for rule in rules:
        if top and rule.chain == KUBE_NODEPORTS and not packet.dst_local:
            continue
        if mass <= 0 or (rule.target == KUBE_MARK_MASQ and not rule.recent_name):
            continue  # marked for SNAT or not, the walk goes on the same way
        if not _fixed_match(rule, packet):
            continue
        if rule.recent_name:
            raise _Remembers
        taken = mass if rule.probability is None else mass * rule.probability
        mass -= taken
        if rule.target == "DNAT":
            verdict = Verdict("DNAT", rule.to)
        elif rule.target in ("DROP", "REJECT", "ACCEPT"):
            verdict = Verdict(rule.target)
        else:
            inner = service.chains.get(rule.target, ())
            mass += _spread(service, inner, packet, taken, outcomes)
            continue
        outcomes[verdict] = outcomes.get(verdict, 0.0) + taken
    return mass

"""A plain, scalar, one-state transcription of DESIGN.md's list schedule, written for reading.

The vectorised delay model is checked against it; it shares no code with `model.delay`.
"""


D, E, C = 0, 1, 2
# link -> (rate field, latency field)
LINKS = {"up": ("rate_up", "lat_wireless"), "down": ("rate_down", "lat_wireless"),
         "bh_up": ("rate_backhaul", "lat_backhaul"), "bh_down": ("rate_backhaul", "lat_backhaul")}
HOP = {(D, E): "up", (E, D): "down", (E, C): "bh_up", (C, E): "bh_down"}


def reference_delay(profile, state: dict, x) -> float:
    """T(x) for one state given as a dict of plain floats / lists."""
    n = profile.n
    link_free = {name: 0.0 for name in LINKS}
    device_free = 0.0
    edge_free = [state["edge_wait"]] * profile.edge_cores
    clock = {D: state["f_device"], E: state["f_edge"], C: state["f_cloud"]}
    copies = {}  # datum -> {site: time it is there}

    def hop(src, dst, bits, t):
        name = HOP[(src, dst)]
        rate, lat = (state[k] for k in LINKS[name])
        start = max(t, link_free[name])
        link_free[name] = start + (bits / rate + lat)
        return link_free[name]

    def bring(datum, site, bits):
        where = copies[datum]
        if site in where:
            return where[site]
        if E in where:
            where[site] = hop(E, site, bits, where[E])
        else:
            origin = D if D in where else C
            where[E] = hop(origin, E, bits, where[origin])
            if site != E:
                where[site] = hop(E, site, bits, where[E])
        return where[site]

    for i in range(n):
        s = int(x[i])
        ready = 0.0
        if i in profile.entries:
            copies[("input", i)] = {D: 0.0}
            ready = max(ready, bring(("input", i), s, state["in_bits"][i]))
        for j in profile.preds[i]:
            ready = max(ready, bring(("output", j), s, state["out_bits"][j]))
        run = state["cycles"][i] / clock[s]
        if s == D:
            device_free = max(ready, device_free) + run
            finish = device_free
        elif s == E:
            core = min(range(len(edge_free)), key=lambda k: (edge_free[k], k))
            edge_free[core] = max(ready, edge_free[core]) + run
            finish = edge_free[core]
        else:
            finish = ready + run
        copies[("output", i)] = {s: finish}
    total = 0.0
    for e in profile.exits:
        total = max(total, bring(("output", e), D, state["out_bits"][e]))
    return total


def state_dict(states, k: int) -> dict:
    return {f: (getattr(states, f)[k].tolist()) for f in states.to_dict()}


def critical_path(profile, state: dict, x) -> float:
    """Longest compute path with free communication and unlimited cores (edge_wait ignored)."""
    clock = {D: state["f_device"], E: state["f_edge"], C: state["f_cloud"]}
    finish = []
    for i in range(profile.n):
        start = max((finish[j] for j in profile.preds[i]), default=0.0)
        finish.append(start + state["cycles"][i] / clock[int(x[i])])
    return max(finish[e] for e in profile.exits)



"""The local task scheduler: executes placements of a stream of tasks on shared resources.

- `executor`: one task's graph under a placement, on resources earlier tasks may still hold.
- `network`, `faults`: wireless rates over time, and outage windows of the edge and the links.
- `engines`: decision engines (any `model.policies.Policy`) and how their decision time is charged.
- `stream`: arrivals, the decide-then-execute loop, and its records.
- `checks`, `metrics`: conservation and consistency of a run; its delays, utilisation, queues.
- `sweeps`, `report`: arrival-rate and task-scale sweeps; JSON, Markdown and figures.
"""

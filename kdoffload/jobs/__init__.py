"""The jobs: one module per command's work, each a frozen config and `run(cfg, reporter)`.

The CLI modules parse options into a config, call `run` and print nothing themselves; a job
prints only through its reporter (kdoffload.jobs.reporter), so a test can record what it says.
"""

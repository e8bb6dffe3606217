"""The progress bars of the training jobs: one per network, or one of finished networks."""

from __future__ import annotations

from kdoffload.jobs.reporter import Bar
from kdoffload.model.parallel import JobMap


def epoch_bar(bar: Bar, task_name: str, epochs: int):
    """(task, on_epoch): a bar that advances per epoch and shows loss and validation scores."""
    task = bar.add_task(task_name, total=epochs, rate="")

    def on_epoch(epoch: int, record: dict) -> None:
        loss = record.get("loss", record.get("ce", float("nan")))
        bar.update(task, completed=epoch + 1, rate=(
            f"loss {loss:.4f}  val acc {record['val_label_accuracy']:.2%}  "
            f"val ratio {record['val_mean_ratio']:.4f}"))

    return task, on_epoch


def member_progress(bar: Bar, profile_name: str, epochs: int, members: int, jobs: JobMap | None):
    """(on_member, on_epoch): an epoch bar per network here; one bar of finished networks on jobs."""
    if jobs is not None:
        task = bar.add_task(f"{profile_name} students", total=members, rate="")
        return (lambda name: bar.update(task, advance=1, rate=name)), None
    state = {}

    def on_member(name: str) -> None:
        state["task"], state["on_epoch"] = epoch_bar(bar, f"{profile_name} {name}", epochs)

    return on_member, lambda e, r: state["on_epoch"](e, r)


def teacher_progress(bar: Bar, profile_name: str, epochs: int):
    """(on_teacher, on_epoch): a fresh epoch bar for each teacher that trains, named by its seed."""
    state = {}

    def on_teacher(seed: int) -> None:
        state["on_epoch"] = epoch_bar(bar, f"{profile_name} teacher seed {seed}", epochs)[1]

    return on_teacher, lambda epoch, record: state["on_epoch"](epoch, record)

"""Decision quality, robustness and latency: the metrics, reports and figures of a run."""

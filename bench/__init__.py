"""Host emulation harness: latency and quality benchmarks, and the reports built from them."""

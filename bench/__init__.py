"""Benchmarks: `make bench-content`, `make bench-certs`, `make bench` write to docs/performance.md."""

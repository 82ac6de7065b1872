"""Speed and utilisation measurements for T2F Desktop (never part of the test suite).

Run one with ``python -m benchmarks.NAME [--quick]`` or all with ``python -m benchmarks.run_all``;
see ``benchmarks/README.md``.
"""

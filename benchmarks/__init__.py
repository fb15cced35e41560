"""Performance measurements (not tests): `python -m benchmarks.run [names]`."""

"""Benchmarks of gkreport (``python -m benchmarks.bench`` or ``gkreport bench``)."""

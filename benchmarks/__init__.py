"""Benchmarks: a seeded event generator, a greedy baseline and the benchmark runner."""

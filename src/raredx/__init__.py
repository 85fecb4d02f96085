"""raredx: phenotype-driven differential diagnosis of rare diseases.

The public entry point is :mod:`raredx.engine` (``build_engine``); nothing heavy happens at import.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]

"""agendum: a self-hosted IRC meeting bot (see docs/ and the README)."""

# The one place the version is written: pyproject.toml reads it, and the minutes' footer and
# ``agendum --version`` print it (importlib.metadata would cost every run 30 ms of imports).
__version__ = "0.1.0"

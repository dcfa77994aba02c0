"""kpi: performance-indicator packs for children's social services scrutiny committees."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kpi")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

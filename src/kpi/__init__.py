"""kpi: performance-indicator packs for children's social services scrutiny committees."""


def __getattr__(name: str) -> str:
    """`kpi.__version__`, looked up only when asked for: reading the installed packages' metadata takes a
    twentieth of a second, which every `kpi` command would otherwise pay."""
    if name != "__version__":
        raise AttributeError(f"module 'kpi' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kpi")
    except PackageNotFoundError:  # running from a source tree without an install
        return "0.0.0+unknown"

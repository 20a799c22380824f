"""bia-hooks: commit-time checks for BioImage Archive annotation submissions."""

__version__ = "0.1.0"
__all__ = ["__version__"]

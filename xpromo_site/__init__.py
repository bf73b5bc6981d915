"""xpromo: co-branded cross-promotion sites with tracked links, from partners.yaml and Markdown."""

__version__ = "0.1.0"
__all__ = ["__version__"]

"""netmedia: consolidate and check a university's network-media registration returns."""

__version__ = "0.1.0"

"""`python -m xpromo_site` runs the xpromo command."""

from .cli import main

main()

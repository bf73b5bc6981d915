"""The naming lint: every tracking value xpromo writes, checked where the user wrote it.

Warnings (errors under --strict): values in lowercase a-z, 0-9, - and _ only; one word
separator per program; at most 100 characters (GA4 cuts longer ones); mediums that GA4's
default channel groups place ("Unassigned" otherwise); campaign names GA4 reads as
shopping or cross-network; destinations that already carry utm_* parameters; hand-tagged
links without source, medium and campaign. Errors: values outside the program's own
dictionary (program.tracking.allowed).

The jobs: `values.py` (each value where it was written), `destinations.py` (the URLs
links are compiled from); `lint_tracking` runs both.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import Collector
from ..models import Campaign, Partner, Program
from .destinations import MAX_URL_LENGTH, DestinationLint
from .values import MAX_VALUE_LENGTH, ValueLint

__all__ = ["MAX_URL_LENGTH", "MAX_VALUE_LENGTH", "lint_tracking"]


def lint_tracking(
    program: Program,
    partners: Sequence[Partner],
    campaigns: Sequence[Campaign],
    collector: Collector,
) -> None:
    """Check every tracking value and destination of the program; report to collector.

    Naming problems are warnings; values outside program.tracking.allowed are errors.
    """
    values = ValueLint(program, partners, campaigns, collector)
    values.gather()
    destinations = DestinationLint(program, partners, campaigns, collector)
    destinations.check_destinations()
    destinations.check_listed_userinfo()
    values.values.extend(destinations.values)  # the values destinations keep are checked too
    values.check_values()
    values.check_built_in_choices()

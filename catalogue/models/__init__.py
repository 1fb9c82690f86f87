"""The catalogue: works (dramas and films), their songs, the performers who sang
them, and the sources every fact points to.

Slugs are the natural keys, so fixtures name related objects by slug and loading
them twice changes nothing.
"""

from .base import (
    DECADES,
    MAX_YEAR,
    MIN_YEAR,
    DatePrecision,
    Network,
    Source,
    decade_of,
    http_url_validator,
    validate_hangul,
)
from .people import Membership, Performer
from .songs import Credit, ListenLink, Milestone, Song
from .works import Work

__all__ = [
    "DECADES",
    "MAX_YEAR",
    "MIN_YEAR",
    "Credit",
    "DatePrecision",
    "ListenLink",
    "Membership",
    "Milestone",
    "Network",
    "Performer",
    "Song",
    "Source",
    "Work",
    "decade_of",
    "http_url_validator",
    "validate_hangul",
]

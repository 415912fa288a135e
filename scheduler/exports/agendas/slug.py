"""Safe file names from attendee ids and names.

Names come from registration forms: they may hold accents, slashes, `..`, emoji or be very
long. A file name made from them must stay inside the output folder, open on Windows, macOS
and Linux alike, and never collide with another attendee's file.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from models.domain import Attendee

MAX_SLUG = 40
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9]+")
# Letters that NFKD does not split into a base letter plus accents.
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L"}
)


def slugify(text: str, max_length: int = MAX_SLUG, *, keep_case: bool = False) -> str:
    """ASCII letters and digits joined by single hyphens, at most `max_length` long.

    Lower-case unless `keep_case`. Returns "" when nothing usable is left (e.g. a name
    written only in Chinese characters).
    """
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    if not keep_case:
        ascii_text = ascii_text.lower()
    slug = _NOT_ALLOWED.sub("-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-")


def agenda_stems(attendees: Sequence[Attendee]) -> dict[str, str]:
    """File stem `<id>-<name-slug>` per attendee id, unique even on case-insensitive disks.

    Ids are unique, but two ids may slug alike (`A/1` and `A-1`); such a clash gets a short
    hash of the raw id appended so every attendee keeps a file of their own. Attendees are
    taken in the order given, so the same input always yields the same names.
    """
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for attendee in attendees:
        # Ids keep their case (`A-017-jane-doe`), so clashes are checked case-blind.
        id_part = slugify(attendee.id, 24, keep_case=True) or "attendee"
        name_part = slugify(attendee.name)
        stem = f"{id_part}-{name_part}" if name_part else id_part
        if stem.lower() in taken:
            digest = hashlib.sha256(attendee.id.encode("utf-8")).hexdigest()[:8]
            stem = f"{stem}-{digest}"
        taken.add(stem.lower())
        stems[attendee.id] = stem
    return stems

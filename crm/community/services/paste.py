"""Paste-to-match: staff paste the group's join requests (names and join codes as people typed them)
and each line is matched to an invitation."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext

from crm.community.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    JOIN_CODE_PREFIX,
    FacebookGroupInvitation,
)
from crm.community.services.invitations import (
    Invitation,
    Status,
)
from crm.donors.models import Donor
from text_analysis.names import fold_romaji, normalise_text

logger = logging.getLogger(__name__)


_CODE_CHARS = JOIN_CODE_ALPHABET + "01IOL"  # read what people type, then fold look-alikes
_CODE_RE = re.compile(
    rf"(?<![A-Z0-9]){JOIN_CODE_PREFIX[:-1]}[\s\-_‐−ー－]?([{_CODE_CHARS}]{{{JOIN_CODE_LENGTH}}})(?![A-Z0-9])"
)
_LOOKALIKES = str.maketrans({"0": "Q", "O": "Q", "1": "J", "I": "J", "L": "J"})
_PUNCTUATION = re.compile(r"[\s\-_.,:;!?・、。/|\"'()（）「」\[\]<>＜＞]+")


class MatchOutcome:
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    AMBIGUOUS = "ambiguous"
    DUPLICATE = "duplicate"
    NOT_AWAITING = "not_awaiting"
    CONFLICT = "conflict"
    BLANK = "blank"


@dataclass
class MatchLine:
    number: int
    text: str
    outcome: str
    invitation: FacebookGroupInvitation | None = None
    candidates: list[FacebookGroupInvitation] = field(default_factory=list)
    detail: str = ""

    @property
    def matched(self) -> bool:
        return self.outcome == MatchOutcome.MATCHED


def _find_code(text: str) -> tuple[str | None, str]:
    """The join code in a line (any case, full-width, with or without the dash) and the rest of it."""
    upper = unicodedata.normalize("NFKC", text).upper()
    found = _CODE_RE.search(upper)
    if not found:
        return None, text
    # Codes never contain 0/O/1/I/L; a typed look-alike is folded only if the code then exists.
    raw = found.group(1)
    rest = (upper[: found.start()] + " " + upper[found.end() :]).strip()
    return JOIN_CODE_PREFIX + raw, rest


def _name_keys(text: str) -> list[str]:
    """The ways the donor's search_text may hold this name exactly (see text_analysis.names.search_haystack)."""
    norm = normalise_text(_PUNCTUATION.sub(" ", text)).strip()
    if not norm:
        return []
    words = norm.split(" ")
    keys = {norm, "".join(words), " ".join(reversed(words)), "".join(reversed(words))}
    if norm.isascii():
        keys |= {fold_romaji(k) for k in list(keys)}
    return sorted(k for k in keys if k)


def _exact_piece(key: str) -> Q:
    sep = " | "
    return (
        Q(search_text=key)
        | Q(search_text__startswith=key + sep)
        | Q(search_text__endswith=sep + key)
        | Q(search_text__contains=sep + key + sep)
    )


def _by_name(text: str) -> list[FacebookGroupInvitation]:
    keys = _name_keys(text)
    if not keys:
        return []
    condition = Q()
    for key in keys:
        condition |= _exact_piece(key)
    donors = Donor.objects.filter(condition, erased_at__isnull=True)
    return list(Invitation.objects.filter(donor__in=donors).select_related("donor").order_by("pk")[:10])


def _match_by_code(number: int, line: str, code: str, rest: str) -> FacebookGroupInvitation | MatchLine:
    """The invitation with this join code (look-alike characters folded), or why there is none."""
    invitation = Invitation.objects.select_related("donor").filter(join_code=code).first()
    if invitation is None:
        folded = code[: len(JOIN_CODE_PREFIX)] + code[len(JOIN_CODE_PREFIX) :].translate(_LOOKALIKES)
        invitation = Invitation.objects.select_related("donor").filter(join_code=folded).first()
    if invitation is None:
        return MatchLine(
            number,
            line,
            MatchOutcome.UNMATCHED,
            detail=gettext("No invitation has the code %(code)s.") % {"code": code},
        )
    named = _by_name(rest) if _PUNCTUATION.sub("", rest) else []
    if named and invitation.pk not in {i.pk for i in named}:
        return MatchLine(
            number,
            line,
            MatchOutcome.CONFLICT,
            invitation=invitation,
            candidates=named,
            detail=gettext("The code %(code)s belongs to %(donor)s, the name to another donor.")
            % {"code": code, "donor": invitation.donor.display_name},
        )
    return invitation


def _match_by_name(number: int, line: str) -> FacebookGroupInvitation | MatchLine:
    """The one invitation, awaiting an answer, of a donor with exactly this name, or why there is none."""
    found = _by_name(line)
    if not found:
        return MatchLine(
            number,
            line,
            MatchOutcome.UNMATCHED,
            detail=gettext("No donor with this exact name or code."),
        )
    awaiting = [i for i in found if i.is_awaiting]
    if len(found) > 1 and len(awaiting) != 1:
        return MatchLine(
            number,
            line,
            MatchOutcome.AMBIGUOUS,
            candidates=found,
            detail=gettext("Several donors have this name: ask for the join code."),
        )
    return awaiting[0] if awaiting else found[0]


def invitations_match_paste(*, text: str) -> list[MatchLine]:
    """Match each pasted line (a name or a join code from a Facebook join request) to an invitation.

    By join code first, then by exact name (kanji, kana or romaji). Every non-blank line is reported:
    matched, unmatched, ambiguous, duplicate, not awaiting an answer, or a code and a name that
    belong to different donors.
    """
    lines: list[MatchLine] = []
    seen: dict[int, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code, rest = _find_code(line)
        invitation = _match_by_code(number, line, code, rest) if code else _match_by_name(number, line)
        if isinstance(invitation, MatchLine):
            lines.append(invitation)
            continue
        if invitation.pk in seen:
            lines.append(
                MatchLine(
                    number,
                    line,
                    MatchOutcome.DUPLICATE,
                    invitation=invitation,
                    detail=gettext("Same donor as line %(line)s.") % {"line": seen[invitation.pk]},
                )
            )
            continue
        seen[invitation.pk] = number
        if not invitation.is_awaiting and invitation.status != Status.EXPIRED:
            lines.append(
                MatchLine(
                    number,
                    line,
                    MatchOutcome.NOT_AWAITING,
                    invitation=invitation,
                    detail=gettext("This invitation is %(status)s.")
                    % {"status": invitation.get_status_display().lower()},
                )
            )
            continue
        lines.append(MatchLine(number, line, MatchOutcome.MATCHED, invitation=invitation))
    return lines

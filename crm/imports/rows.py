"""One CSV row to one normalised `ImportRow`, or to the list of what is wrong with it."""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from crm.donors import normalise as n
from crm.donors.models import DONOR_CONTACT_FIELDS
from crm.mailings.selectors import AddressProblem, postal_code_problem

# Donor fields an import may set. Blank cells never clear what the CRM already knows.
DONOR_FIELDS = (
    *DONOR_CONTACT_FIELDS,
    "preferred_language",
    "notes",
)


@dataclass(frozen=True, slots=True)
class CellError:
    column: str
    message: str


@dataclass(slots=True)
class ImportRow:
    line: int
    email: str
    donor_fields: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    amount: int | None = None
    received_on: dt.date | None = None
    method: str = "bank_transfer"
    # Imported all the same, but shown in the preview: a postal code that does not fit its address.
    warnings: list[CellError] = field(default_factory=list)

    @property
    def has_donation(self) -> bool:
        return self.amount is not None and self.received_on is not None

    @property
    def donation_external_id(self) -> str:
        """Stable across imports of the same line, so importing a file twice records one gift."""
        key = f"{self.email}|{self.received_on.isoformat()}|{self.amount}"
        return "import:" + hashlib.sha1(key.encode()).hexdigest()


def parse_row(
    line: int, cells: list[str], mapping: dict[int, str], headers: list[str], *, today: dt.date | None = None
) -> tuple[ImportRow | None, list[CellError]]:
    """(row, []) when the row is good, (None, errors) otherwise; (None, []) for a blank row.

    `today` bounds donation dates; an import passes it once instead of asking the clock per row.
    """
    raw: dict[str, str] = {}
    columns: dict[str, str] = {}
    for index, name in mapping.items():
        value = cells[index].strip() if index < len(cells) else ""
        if value:
            raw[name] = value
            columns[name] = headers[index]
    if not raw:
        return None, []

    errors: list[CellError] = []
    values: dict[str, object] = {}

    def convert(name: str, func, target: str | None = None) -> None:
        if name not in raw:
            return
        try:
            values[target or name] = func(raw[name])
        except ValueError as exc:
            errors.append(CellError(columns[name], str(exc)))

    convert("email", n.normalise_email)
    if "email" not in raw:
        column = next((headers[i] for i, f in mapping.items() if f == "email"), "email")
        errors.append(CellError(column, _("an email address is required to match or create a donor")))
    for name in ("family_name", "given_name", "city", "notes"):
        convert(name, n.nfkc)
    for name in ("family_name_kana", "given_name_kana"):
        convert(name, n.normalise_kana)
    convert("phone", n.normalise_phone)
    convert("postal_code", n.normalise_postal_code)
    convert("prefecture", n.normalise_prefecture)
    convert("language", n.normalise_language, "preferred_language")
    convert("amount", n.normalise_amount)
    convert("date", n.normalise_date)
    convert("method", n.normalise_method)

    _split_combined(raw, values)
    errors += _donation_errors(raw, values, columns, mapping, headers, today=today, earlier=errors)

    if errors:
        return None, errors
    row = ImportRow(
        line=line,
        email=values.pop("email"),
        amount=values.pop("amount", None),
        received_on=values.pop("date", None),
        method=values.pop("method", "bank_transfer"),
    )
    if "tags" in raw:
        row.tags = [t for t in (n.nfkc(x) for x in raw["tags"].replace("、", ",").split(",")) if t]
    row.donor_fields = {k: v for k, v in values.items() if k in DONOR_FIELDS and v != ""}
    row.warnings = _postal_warnings(values, columns)
    return row, []


def _postal_warnings(values: dict[str, object], columns: dict[str, str]) -> list[CellError]:
    """A postal code that does not exist or belongs to another prefecture or city (Japan Post's data).

    A warning, not a refusal: the list is often right about the person and wrong by one digit, and
    the address-check report (crm.mailings) lists such donors again before any mailing.
    """
    postal_code = str(values.get("postal_code") or "")
    prefecture, city = str(values.get("prefecture") or ""), str(values.get("city") or "")
    if not postal_code or not (prefecture or city):
        return []
    problem = postal_code_problem(postal_code=postal_code, prefecture=prefecture, city=city)
    if problem is None:
        return []
    message = _("%(problem)s: %(postal_code)s, %(address)s") % {
        "problem": AddressProblem.LABELS[problem],
        "postal_code": postal_code,
        "address": f"{prefecture}{city}",
    }
    return [CellError(columns.get("postal_code", ""), message)]


def _split_combined(raw: dict[str, str], values: dict[str, object]) -> None:
    """Split combined name, reading and address columns only where the separate ones are absent."""
    if "full_name" in raw:
        family, given = n.split_full_name(raw["full_name"])
        values.setdefault("family_name", family)
        if given:
            values.setdefault("given_name", given)
    if "full_kana" in raw:
        family, given = n.split_full_name(n.normalise_kana(raw["full_kana"]))
        values.setdefault("family_name_kana", family)
        if given:
            values.setdefault("given_name_kana", given)
    if "address_line" in raw:
        prefecture, rest = n.split_address(raw["address_line"])
        if prefecture and "prefecture" not in values and "prefecture" not in raw:
            values["prefecture"] = prefecture
        values["address_line"] = rest if prefecture else n.nfkc(raw["address_line"])


def _donation_errors(raw, values, columns, mapping, headers, *, today, earlier) -> list[CellError]:
    """A gift needs both an amount and a date (said once the cells themselves are fine), not in the future."""
    errors: list[CellError] = []
    has_amount, has_date = "amount" in raw, "date" in raw
    if has_amount != has_date and not earlier:
        missing = "date" if has_amount else "amount"
        column = next((headers[i] for i, f in mapping.items() if f == missing), missing)
        errors.append(
            CellError(
                column,
                _("a donation needs both an amount and a date; the amount is empty")
                if missing == "amount"
                else _("a donation needs both an amount and a date; the date is empty"),
            )
        )
    if isinstance(values.get("date"), dt.date) and values["date"] > (today or dt.date.today()) + dt.timedelta(
        days=1
    ):
        errors.append(
            CellError(
                columns["date"],
                _("the donation date is in the future: %(value)s") % {"value": repr(raw["date"])},
            )
        )
    return errors

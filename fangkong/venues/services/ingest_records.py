"""Reading a batch of check-in records: each record parsed and checked on its own, then
venues and persons resolved for the whole batch in a few queries. Nothing here writes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.dates import refuse_too_early
from fangkong.core.tabular import Column, RowError, TableRow
from fangkong.people.identity import normalize_id_number
from fangkong.people.masking import mask_id_number, mask_phone
from fangkong.people.models import IdType, Person
from fangkong.people.phone import normalize_phone
from fangkong.people.services import NAME_MISMATCH
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import Venue

INGEST_COLUMNS = (
    Column("record_id", ("记录号", "record_id", "id")),
    # A record names its venue by code (场所码, what a scan reads) or by id (the API's
    # `venue`), or both when they agree; at least one of the two (`VENUE_KEYS`).
    Column("venue_code", ("场所码", "venue_code"), required=False),
    Column("venue", ("场所编号", "venue", "venue_id"), required=False),
    Column("check_in", ("进场时间", "check_in")),
    Column("check_out", ("离场时间", "check_out"), required=False),
    Column("id_number", ("证件号码", "身份证号码", "id_number"), required=False),
    Column("id_type", ("证件类型", "id_type"), required=False),
    Column("name", ("姓名", "name"), required=False),
    Column("phone", ("手机号", "phone"), required=False),
)
_TITLES = {c.key: c.title for c in INGEST_COLUMNS}
KEY_OF_TITLE = {c.title: c.key for c in INGEST_COLUMNS}
VENUE_KEYS = ("venue_code", "venue")
NO_VENUE = _("须提供场所码（venue_code）或场所编号（venue）")
NOT_AN_ID = _("场所编号应为正整数，而不是「%s」")
UNKNOWN_CODE = _("未知场所码「%s」")
UNKNOWN_ID = _("未知场所编号「%s」")
VENUES_DISAGREE = _("场所编号 %(id)s 与场所码「%(code)s」不是同一场所")
CHUNK = 2000
_MOBILE = re.compile(r"^1[3-9]\d{9}$")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(slots=True)
class ParsedRecord:
    number: int
    record_id: str
    venue_code: str
    check_in: dt.datetime
    check_out: dt.datetime | None
    id_type: str
    id_number: str
    name: str
    phone: str
    venue_ref: str = ""  # the record's `venue` (an id), as sent
    venue_id: int = 0
    person_id: int = 0

    def stay(self) -> tuple[int, int, dt.datetime, dt.datetime | None]:
        return (self.person_id, self.venue_id, self.check_in, self.check_out)


class RecordErrors:
    def __init__(self) -> None:
        self.rows: list[RowError] = []
        self.bad: set[int] = set()

    def add(self, number: int, key: str, message: str, record_id: str = "") -> None:
        prefix = _("记录号 %s：") % record_id if record_id else ""
        self.rows.append(RowError(number, str(_TITLES.get(key, key)), prefix + message, key=key))
        self.bad.add(number)


def numbered(
    records: Sequence[Mapping[str, Any] | TableRow],
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Each record with its number: its spreadsheet row for files, its position for JSON."""
    for index, item in enumerate(records, start=1):
        if isinstance(item, TableRow):
            yield item.number, item.values
        else:
            yield index, item


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    return "" if value is None else str(value).strip()


def _compact(value: Any) -> str:
    return "".join(_text(value).split())


def _moment(text: str, zone: dt.tzinfo) -> dt.datetime:
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    value = dt.datetime.fromisoformat(text.replace("/", "-"))
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _id_type(raw: str) -> str:
    if not raw:
        return IdType.RESIDENT_ID
    for value, label in IdType.choices:
        if raw in (value, str(label)):
            return value
    raise ValidationError(_("未知证件类型「%s」") % raw)


def parse_records(
    rows: Iterator[tuple[int, Mapping[str, Any]]],
    errors: RecordErrors,
    progress: Progress | None,
    total: int,
) -> Iterator[ParsedRecord]:
    zone = timezone.get_current_timezone()
    latest = timezone.now() + dt.timedelta(
        minutes=venues_settings().checkin_future_tolerance_minutes
    )
    for done, (number, values) in enumerate(rows, start=1):
        if progress is not None and done % CHUNK == 0:
            progress("validate", done, total)
        get = values.get
        record_id = _text(get("record_id"))
        if not record_id:
            errors.add(number, "record_id", _("缺少记录号"))
            continue
        if len(record_id) > 64:
            errors.add(number, "record_id", _("记录号超过 64 个字符"), record_id[:64])
            continue
        venue_code = _text(get("venue_code"))
        venue_ref = _text(get("venue"))
        if not venue_code and not venue_ref:
            errors.add(number, "venue_code", NO_VENUE, record_id)
            continue
        if venue_ref and not is_venue_id(venue_ref):
            errors.add(number, "venue", NOT_AN_ID % venue_ref[:20], record_id)
            continue
        venue_ref = str(int(venue_ref)) if venue_ref else ""
        try:
            check_in = _moment(_text(get("check_in")), zone)
        except ValueError:
            errors.add(number, "check_in", _("无法识别的时间「%s」") % get("check_in"), record_id)
            continue
        try:
            refuse_too_early(check_in)
        except ValidationError as error:
            errors.add(number, "check_in", error.messages[0], record_id)
            continue
        check_out: dt.datetime | None = None
        if _text(get("check_out")):
            try:
                check_out = _moment(_text(get("check_out")), zone)
            except ValueError:
                errors.add(
                    number, "check_out", _("无法识别的时间「%s」") % get("check_out"), record_id
                )
                continue
            if check_out < check_in:
                errors.add(number, "check_out", _("离场时间早于进场时间"), record_id)
                continue
        if check_in > latest:
            errors.add(number, "check_in", _("进场时间晚于当前时间"), record_id)
            continue
        try:
            id_type = _id_type(_text(get("id_type")))
        except ValidationError as error:
            errors.add(number, "id_type", error.messages[0], record_id)
            continue
        id_number = _compact(get("id_number")).upper()
        phone = _compact(get("phone")).replace("-", "")
        if not id_number and not phone:
            errors.add(number, "id_number", _("须提供证件号码或手机号"), record_id)
            continue
        yield ParsedRecord(
            number=number,
            record_id=record_id,
            venue_code=venue_code,
            check_in=check_in,
            check_out=check_out,
            id_type=id_type,
            id_number=id_number,
            name=_text(get("name")),
            phone=phone,
            venue_ref=venue_ref,
        )


def chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def is_venue_id(text: str) -> bool:
    # ASCII digits of a bigint: int() also reads "１２" and SQLite cannot compare past 2**63.
    return text.isascii() and text.isdigit() and 0 < int(text) < 2**63


def venues_by_code(codes: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(sorted(codes)):
        found.update(Venue.objects.filter(code__in=chunk).values_list("code", "pk"))
    return found


def venue_ids_known(refs: set[str]) -> set[str]:
    known: set[str] = set()
    for chunk in chunks(sorted(int(r) for r in refs)):
        known.update(
            str(pk) for pk in Venue.objects.filter(pk__in=chunk).values_list("pk", flat=True)
        )
    return known


def venue_of(
    code: str, ref: str, by_code: dict[str, int], known_ids: set[str]
) -> int | tuple[str, str]:
    """The venue a record names by code, by id or by both; else (JSON key, message)."""
    by_id = int(ref) if ref in known_ids else None
    if ref and by_id is None:
        return "venue", UNKNOWN_ID % ref
    if code:
        venue_id = by_code.get(code)
        if venue_id is None:
            return "venue_code", UNKNOWN_CODE % code
        if by_id is not None and by_id != venue_id:
            return "venue", VENUES_DISAGREE % {"id": ref, "code": code}
        return venue_id
    assert by_id is not None
    return by_id


def resolve_venues(parsed: list[ParsedRecord], errors: RecordErrors) -> None:
    by_code = venues_by_code({p.venue_code for p in parsed if p.venue_code})
    known_ids = venue_ids_known({p.venue_ref for p in parsed if p.venue_ref})
    for p in parsed:
        found = venue_of(p.venue_code, p.venue_ref, by_code, known_ids)
        if isinstance(found, tuple):
            errors.add(p.number, found[0], found[1], p.record_id)
        else:
            p.venue_id = found


def _e164(phone: str) -> str:
    # Mainland mobiles are most of a batch; phonenumbers is kept for everything else.
    return f"+86{phone}" if _MOBILE.match(phone) else normalize_phone(phone)


@dataclass
class NewPerson:
    number: int
    id_type: str
    id_number: str
    name: str
    phone: str
    records: list[ParsedRecord] = field(default_factory=list)


def _name_disagrees(p: ParsedRecord, registered: str, errors: RecordErrors) -> bool:
    """The registry's rule (`people.services.person_name_conflicts`): an ID document given
    with another name than the one it is registered under is refused, with a message that
    does not name the registered person; a record without a name is matched by ID alone."""
    if not p.name or p.name == registered:
        return False
    errors.add(p.number, "name", str(NAME_MISMATCH), p.record_id)
    return True


def resolve_persons(parsed: list[ParsedRecord], errors: RecordErrors) -> list[NewPerson]:
    """Fill in person ids of known people; return the people to register (unknown ID
    numbers that came with a name), each with the records waiting for them."""
    by_id: dict[tuple[str, str], tuple[int, str]] = {}
    numbers = sorted({p.id_number for p in parsed if p.id_number})
    for chunk in chunks(numbers):
        for pk, id_type, id_number, name in Person.objects.filter(id_number__in=chunk).values_list(
            "pk", "id_type", "id_number", "name"
        ):
            by_id[(id_type, id_number)] = (pk, name)
    phones: dict[str, str] = {}
    for p in parsed:
        if not p.id_number and p.phone not in phones:
            try:
                phones[p.phone] = _e164(p.phone)
            except ValidationError:
                phones[p.phone] = ""
    by_phone: dict[str, list[int]] = {}
    for chunk in chunks(sorted({v for v in phones.values() if v})):
        for pk, phone in Person.objects.filter(phone__in=chunk).values_list("pk", "phone"):
            by_phone.setdefault(phone, []).append(pk)
    new: dict[tuple[str, str], NewPerson] = {}
    for p in parsed:
        if p.id_number:
            known = by_id.get((p.id_type, p.id_number))
            if known is None:
                try:
                    canonical = normalize_id_number(p.id_type, p.id_number)
                except ValidationError as error:
                    errors.add(p.number, "id_number", error.messages[0], p.record_id)
                    continue
                known = by_id.get((p.id_type, canonical))
            if known is not None:
                if _name_disagrees(p, known[1], errors):
                    continue
                p.person_id = known[0]
                continue
            key = (p.id_type, canonical)
            if key in new:
                if not _name_disagrees(p, new[key].name, errors):
                    new[key].records.append(p)
            elif p.name:
                try:
                    phone = _e164(p.phone) if p.phone else ""
                except ValidationError:
                    phone = ""  # a wrong phone must not cost a valid ID number its stay
                new[key] = NewPerson(p.number, p.id_type, canonical, p.name, phone, [p])
            else:
                errors.add(
                    p.number,
                    "id_number",
                    _("证件号码 %s 尚未登记，且记录未提供姓名，无法建档")
                    % mask_id_number(canonical),
                    p.record_id,
                )
            continue
        e164 = phones.get(p.phone, "")
        if not e164:
            errors.add(p.number, "phone", _("无法识别的手机号「%s」") % p.phone, p.record_id)
            continue
        owners = by_phone.get(e164, [])
        if len(owners) == 1:
            p.person_id = owners[0]
        elif not owners:
            errors.add(
                p.number,
                "phone",
                _("手机号 %s 未登记，请提供证件号码和姓名") % mask_phone(e164),
                p.record_id,
            )
        else:
            errors.add(
                p.number,
                "phone",
                _("手机号 %s 对应多人，请提供证件号码") % mask_phone(e164),
                p.record_id,
            )
    return list(new.values())


def dedupe(parsed: list[ParsedRecord], errors: RecordErrors) -> tuple[list[ParsedRecord], int]:
    """One record per record id: exact repeats inside a batch count once."""
    first: dict[str, ParsedRecord] = {}
    unique: list[ParsedRecord] = []
    repeats = 0
    for p in parsed:
        seen = first.get(p.record_id)
        if seen is None:
            first[p.record_id] = p
            unique.append(p)
        elif (
            seen.venue_code,
            seen.venue_ref,
            seen.check_in,
            seen.check_out,
            seen.id_number,
            seen.phone,
        ) == (
            p.venue_code,
            p.venue_ref,
            p.check_in,
            p.check_out,
            p.id_number,
            p.phone,
        ):
            repeats += 1
        else:
            errors.add(
                p.number,
                "record_id",
                _("与第 %s 条记录的记录号相同但内容不同") % seen.number,
                p.record_id,
            )
    return unique, repeats

"""Storing an inspection sent whole by the phone (its page, or its offline queue once a network is back).

``inspection_submit(acting_user=, data=)``, in one transaction:

1. The role (a fire station operator never inspects: 403), then the id: an id already
   stored for the same inspector returns that inspection and writes nothing (the phone
   resends until it hears back); the same id from someone else is a conflict.
2. The site (outside the user's scope: 404) and everything else is read and checked before
   anything is written, every error named by its path ("items.3.answer"), so that one
   answer tells the phone all that is wrong.
3. Every item answers a checklist item version the site's checklist (or the campaign's)
   holds, or held when the inspection started; every item of that checklist is answered
   once; the system judges each answer (regulations.selectors.judge). A re-inspection's
   items each answer whether one of the site's hazards awaiting re-inspection was fixed.
4. The inspection row is written first: a second request with the same id, sent at the
   same moment, waits for it and then returns the stored inspection.
5. Each failed item raises a hazard citing the item's clause, with its photos; each
   re-inspected hazard moves on in its loop (or is recorded not fixed); then the answers
   are stored and the site's grade is reassessed once.

Any error stores nothing.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from enterprises.models import Site
from files.models import Photo
from files.selectors import photos_of_user
from hazards import policies as hazard_policies
from hazards import services as hazard_services
from hazards.models import Hazard
from regulations.models import NUMERIC_RULES, ChecklistItemVersion, RuleKind
from regulations.selectors import checklist_versions_for_site, judge, version_applies
from riskplatform.exceptions import ApplicationError, ConflictError

from ..models import Campaign, Inspection, InspectionItem
from ..selectors import awaiting_reinspection, campaign_list, ensure_inspector, site_in_scope

MAX_ITEMS = 500
MAX_PHOTOS_PER_ITEM = 20
MAX_NOTE = 2000
# How far ahead of the server's clock a phone's clock may run.
CLOCK_SKEW = datetime.timedelta(minutes=10)
NUMBER_LIMIT = Decimal("1e12")
THREE_PLACES = Decimal("0.001")


class _Errors:
    """Field errors gathered by path ("items.3.answer"), raised together."""

    def __init__(self):
        self.fields: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.fields.setdefault(path, []).append(str(message))

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ApplicationError(_("The inspection was not stored; correct the fields marked."), field_errors=self.fields)


@dataclass
class _Answer:
    """One item as checked, ready to store."""

    index: int
    id: uuid.UUID
    version: ChecklistItemVersion | None = None
    hazard: Hazard | None = None
    answer_bool: bool | None = None
    answer_number: Decimal | None = None
    answer_choice: str = ""
    not_applicable: bool = False
    not_applicable_reason: str = ""
    note: str = ""
    photo_ids: list[str] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    verdict: str = ""
    verdict_reason: str = ""

    @property
    def path(self) -> str:
        return f"items.{self.index}"


# --- Reading the input -------------------------------------------------------------------------------


def _uuid(value) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value, *, limit: int, path: str, errors: _Errors) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(path, _("Give text here."))
        return ""
    text = value.replace("\x00", "").strip()
    if len(text) > limit:
        errors.add(path, _("At most %(count)d characters.") % {"count": limit})
    return text


def _moment(value, *, path: str, errors: _Errors) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
    else:
        moment = None
    if moment is None:
        errors.add(path, _("Give a date and time, e.g. 2026-11-25T09:30:00+08:00."))
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _coordinate(value, *, bound: int, path: str, errors: _Errors) -> Decimal | None:
    number = _decimal(value)
    if number is None or not -bound <= number <= bound:
        errors.add(path, _("Give degrees from -%(bound)d to %(bound)d.") % {"bound": bound})
        return None
    return number.quantize(Decimal("0.000001"))


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip()) if isinstance(value, (int, float, str, Decimal)) else None
    except InvalidOperation:
        return None
    if number is None or not number.is_finite():
        return None
    return number


@dataclass
class _Header:
    id: uuid.UUID
    site: Site
    kind: str = ""
    campaign: Campaign | None = None
    started_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy_m: Decimal | None = None
    signature_id: str | None = None
    signature: Photo | None = None
    signer_name: str = ""


def _header(*, data: dict, inspection_id: uuid.UUID, site: Site, user: User, now, errors: _Errors) -> _Header:
    header = _Header(id=inspection_id, site=site)
    kind = data.get("kind", Inspection.Kind.ROUTINE)
    if kind not in Inspection.Kind.values:
        errors.add("kind", _("Choose routine, reinspection or campaign."))
    header.kind = kind
    header.started_at = _moment(data.get("started_at"), path="started_at", errors=errors)
    header.finished_at = _moment(data.get("finished_at"), path="finished_at", errors=errors)
    if header.finished_at and header.finished_at > now + CLOCK_SKEW:
        errors.add("finished_at", _("This time is in the future; check the phone's clock."))
    elif header.started_at and header.finished_at and header.finished_at < header.started_at:
        errors.add("finished_at", _("An inspection finishes after it starts."))
    campaign_id = data.get("campaign")
    if kind == Inspection.Kind.CAMPAIGN:
        header.campaign = _campaign(campaign_id, site=site, user=user, started_at=header.started_at, errors=errors)
    elif campaign_id not in (None, ""):
        errors.add("campaign", _("Only a campaign inspection names a campaign."))
    latitude, longitude = data.get("latitude"), data.get("longitude")
    if (latitude is None) != (longitude is None):
        errors.add("latitude" if latitude is None else "longitude", _("Give both the latitude and the longitude, or neither."))
    elif latitude is not None:
        header.latitude = _coordinate(latitude, bound=90, path="latitude", errors=errors)
        header.longitude = _coordinate(longitude, bound=180, path="longitude", errors=errors)
    accuracy = data.get("accuracy_m")
    if accuracy is not None:
        number = _decimal(accuracy)
        if number is None or not 0 <= number < Decimal("1e7"):
            errors.add("accuracy_m", _("Give the accuracy in metres, 0 or more."))
        elif latitude is None:
            errors.add("accuracy_m", _("An accuracy goes with a position."))
        else:
            header.accuracy_m = number.quantize(Decimal("0.1"))
    header.signer_name = _text(data.get("signer_name"), limit=50, path="signer_name", errors=errors)
    signature = data.get("signature_photo_id")
    if signature not in (None, ""):
        signature_id = _uuid(signature)
        if signature_id is None:
            errors.add("signature_photo_id", _("Give the id of the uploaded signature."))
        else:
            header.signature_id = str(signature_id)
            if not header.signer_name:
                errors.add("signer_name", _("Give the name of the person who signed."))
    return header


def _campaign(value, *, site: Site, user: User, started_at, errors: _Errors) -> Campaign | None:
    """The campaign the inspection was made for: it includes the site and ran on the day the inspection started
    (a campaign closed or ended since, while the phone was offline, still takes it)."""
    campaign_id = _integer(value)
    campaign = campaign_list(user=user).filter(pk=campaign_id).first() if campaign_id is not None else None
    if campaign is None:
        errors.add("campaign", _("No such campaign."))
        return None
    if started_at is not None:
        day = timezone.localdate(started_at)
        closed_before = campaign.closed_at is not None and campaign.closed_at <= started_at
        if closed_before or not campaign.starts_on <= day <= campaign.ends_on:
            errors.add("campaign", _("The campaign %(name)s was not running that day.") % {"name": campaign.name})
    if not campaign.sites.filter(pk=site.pk).exists():
        errors.add("campaign", _("The campaign %(name)s does not include this site.") % {"name": campaign.name})
    return campaign


def _items(raw, *, errors: _Errors) -> list[tuple[int, dict, uuid.UUID | None]]:
    if not isinstance(raw, list) or not raw:
        errors.add("items", _("An inspection has at least one answer."))
        return []
    if len(raw) > MAX_ITEMS:
        errors.add("items", _("At most %(count)d answers.") % {"count": MAX_ITEMS})
        return []
    items, seen = [], set()
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            errors.add(f"items.{index}", _("Each answer is an object."))
            continue
        item_id = _uuid(item.get("id"))
        if item_id is None:
            errors.add(f"items.{index}.id", _("Give the answer's id (a UUID made by the phone)."))
        elif item_id in seen:
            errors.add(f"items.{index}.id", _("Two answers have this id."))
        else:
            seen.add(item_id)
        items.append((index, item, item_id))
    if seen:
        taken = set(InspectionItem.objects.filter(pk__in=seen).values_list("pk", flat=True))
        for index, _item, item_id in items:
            if item_id in taken:
                errors.add(f"items.{index}.id", _("Another inspection already has an answer with this id."))
    return items


def _common(answer: _Answer, item: dict, *, errors: _Errors) -> None:
    path = answer.path
    answer.note = _text(item.get("note"), limit=MAX_NOTE, path=f"{path}.note", errors=errors)
    not_applicable = item.get("not_applicable", False)
    if not isinstance(not_applicable, bool):
        errors.add(f"{path}.not_applicable", _("Say true or false."))
        not_applicable = False
    answer.not_applicable = not_applicable
    answer.not_applicable_reason = _text(
        item.get("not_applicable_reason"), limit=300, path=f"{path}.not_applicable_reason", errors=errors
    )
    photo_ids = item.get("photo_ids") or []
    if not isinstance(photo_ids, list) or len(photo_ids) > MAX_PHOTOS_PER_ITEM:
        errors.add(f"{path}.photo_ids", _("Give at most %(count)d photo ids.") % {"count": MAX_PHOTOS_PER_ITEM})
        return
    for value in photo_ids:
        photo_id = _uuid(value)
        if photo_id is None:
            errors.add(f"{path}.photo_ids", _("%(value)s is not a photo id.") % {"value": str(value)[:40]})
        elif str(photo_id) not in answer.photo_ids:
            answer.photo_ids.append(str(photo_id))


# --- Which versions an inspection may answer ----------------------------------------------------------


@dataclass
class _Checklist:
    # The versions the site's checklist holds now: what the phone normally answers.
    current: dict[int, ChecklistItemVersion]
    # Item ids the inspection must answer: the current checklist's, as far as the phone could know it.
    required: dict[int, ChecklistItemVersion]
    campaign_items: set[int] | None


def _checklist(*, header: _Header) -> _Checklist:
    site = header.site
    versions = checklist_versions_for_site(site=site)
    campaign_items = None
    if header.campaign is not None:
        campaign_items = set(header.campaign.items.values_list("pk", flat=True))
        versions = [version for version in versions if version.item_id in campaign_items]
    current = {version.pk: version for version in versions}
    # The phone made its checklist before the inspection started. A version made later, or a
    # site file (or campaign) changed since, may hold items the phone never saw: those are not required.
    started_at = header.started_at
    changed_since = site.updated_at > started_at or (header.campaign is not None and header.campaign.updated_at > started_at)
    required = {} if changed_since else {v.item_id: v for v in versions if v.created_at <= started_at}
    return _Checklist(current=current, required=required, campaign_items=campaign_items)


def _held_when_started(*, version_ids: set[int], header: _Header, checklist: _Checklist) -> dict[int, ChecklistItemVersion]:
    """Versions the site's checklist no longer holds but held when the inspection started (the phone had
    them offline): revised or retired since, or left out since by a change of the site's file."""
    if not version_ids:
        return {}
    started_at = header.started_at
    candidates = list(
        ChecklistItemVersion.objects.filter(pk__in=version_ids)
        .select_related("item", "basis", "clause")
        .prefetch_related("categories")
    )
    successors = set(
        ChecklistItemVersion.objects.filter(
            item_id__in={version.item_id for version in candidates}, created_at__gt=started_at
        ).values_list("item_id", "version")
    )
    site_changed = header.site.updated_at > started_at
    held = {}
    for version in candidates:
        item = version.item
        if checklist.campaign_items is not None and item.pk not in checklist.campaign_items:
            continue
        is_current = item.current_version_id == version.pk
        superseded_since = (item.pk, version.version + 1) in successors
        if version.created_at > started_at or not (is_current or superseded_since):
            continue  # not the item's version when the inspection started
        if not item.is_active and item.updated_at <= started_at:
            continue  # retired before the inspection started: the phone's checklist did not hold it
        if not site_changed and not version_applies(version=version, site=header.site):
            continue
        held[version.pk] = version
    return held


# --- Judging the answers -------------------------------------------------------------------------------


def _office_language():
    """Stored sentences (verdicts, hazard descriptions) are records: in the office's language."""
    return translation.override(settings.LANGUAGE_CODE)


def _judge_version(answer: _Answer, value, *, errors: _Errors) -> None:
    version, path = answer.version, answer.path
    if answer.not_applicable:
        if not answer.not_applicable_reason:
            errors.add(f"{path}.not_applicable_reason", _("Say why the item does not apply."))
        if value is not None:
            errors.add(f"{path}.answer", _("An item that does not apply takes no answer."))
        answer.verdict = InspectionItem.Verdict.NOT_APPLICABLE
        with _office_language():
            answer.verdict_reason = _("Not applicable: %(reason)s") % {"reason": answer.not_applicable_reason}
        return
    if value is None:
        errors.add(f"{path}.answer", _("Answer this item, or mark it not applicable and say why."))
        return
    try:
        verdict = judge(version=version, answer=value)
    except ApplicationError as error:
        errors.add(f"{path}.answer", error.message)
        return
    if version.rule_kind == RuleKind.YES_NO:
        answer.answer_bool = value
    elif version.rule_kind in NUMERIC_RULES:
        number = _decimal(value)
        if number >= NUMBER_LIMIT or number != number.quantize(THREE_PLACES):
            errors.add(f"{path}.answer", _("Give the number with at most 3 decimal places."))
            return
        answer.answer_number = number
    else:
        answer.answer_choice = value.strip()
    answer.verdict = InspectionItem.Verdict.PASS if verdict.passes else InspectionItem.Verdict.FAIL
    with _office_language():
        answer.verdict_reason = judge(version=version, answer=value).reason


def _judge_hazard(answer: _Answer, value, *, errors: _Errors) -> None:
    hazard, path = answer.hazard, answer.path
    if answer.not_applicable:
        errors.add(f"{path}.not_applicable", _("A hazard is found fixed or not fixed; it cannot be not applicable."))
        return
    if not isinstance(value, bool):
        errors.add(f"{path}.answer", _("Answer yes (fixed) or no (not fixed)."))
        return
    answer.answer_bool = value
    if value and hazard.status == Hazard.Status.NOTIFIED and not answer.photo_ids:
        errors.add(f"{path}.photo_ids", _("Add at least one photo of the fix as evidence."))
    answer.verdict = InspectionItem.Verdict.PASS if value else InspectionItem.Verdict.FAIL
    with _office_language():
        if value:
            answer.verdict_reason = _("Fixed, as found on re-inspection (%(citation)s)") % {"citation": hazard.citation or "—"}
        else:
            answer.verdict_reason = _("Not fixed on re-inspection (%(citation)s)") % {"citation": hazard.citation or "—"}


def _answers(*, items, header: _Header, user: User, errors: _Errors) -> list[_Answer]:
    answers = []
    if header.kind == Inspection.Kind.REINSPECTION:
        awaiting = {hazard.pk: hazard for hazard in awaiting_reinspection(site=header.site)}
        seen: set[int] = set()
        for index, item, item_id in items:
            answer = _Answer(index=index, id=item_id)
            _common(answer, item, errors=errors)
            if item.get("version") is not None:
                errors.add(f"{answer.path}.version", _("A re-inspection answers hazards, not checklist items."))
            hazard = awaiting.get(_integer(item.get("hazard")))
            if hazard is None:
                errors.add(f"{answer.path}.hazard", _("This site has no such hazard awaiting re-inspection."))
                continue
            if hazard.pk in seen:
                errors.add(f"{answer.path}.hazard", _("This hazard is answered twice."))
                continue
            seen.add(hazard.pk)
            answer.hazard = hazard
            _judge_hazard(answer, item.get("answer"), errors=errors)
            answers.append(answer)
        return answers

    checklist = _checklist(header=header)
    wanted = {_integer(item.get("version")) for _index, item, _id in items} - set(checklist.current) - {None}
    held = _held_when_started(version_ids=wanted, header=header, checklist=checklist)
    answered: set[int] = set()
    for index, item, item_id in items:
        answer = _Answer(index=index, id=item_id)
        _common(answer, item, errors=errors)
        if item.get("hazard") is not None:
            errors.add(f"{answer.path}.hazard", _("Only a re-inspection answers hazards."))
        version_id = _integer(item.get("version"))
        version = checklist.current.get(version_id) or held.get(version_id)
        if version is None:
            errors.add(f"{answer.path}.version", _("This item is not on the site's checklist."))
            continue
        if version.item_id in answered:
            errors.add(f"{answer.path}.version", _("The item %(code)s is answered twice.") % {"code": version.item.code})
            continue
        answered.add(version.item_id)
        answer.version = version
        _judge_version(answer, item.get("answer"), errors=errors)
        answers.append(answer)
    missing = [version.item.code for item_id, version in sorted(checklist.required.items()) if item_id not in answered]
    if missing and not any(path.startswith("items.") and path.endswith(".version") for path in errors.fields):
        errors.add("items", _("Answer every item of the checklist; missing: %(codes)s.") % {"codes": ", ".join(sorted(missing))})
    return answers


def _attach_photos(*, answers: list[_Answer], header: _Header, user: User, errors: _Errors) -> None:
    """The photos each answer names, and the signature: uploaded by the inspector, found in one query."""
    ids = [photo_id for answer in answers for photo_id in answer.photo_ids]
    if header.signature_id:
        ids.append(header.signature_id)
    if not ids:
        return
    try:
        found = {str(photo.pk): photo for photo in photos_of_user(user=user, ids=list(dict.fromkeys(ids)))}
    except ApplicationError:
        # Say which answer named a photo that is not the inspector's (the error path only).
        for answer in answers:
            try:
                photos_of_user(user=user, ids=answer.photo_ids)
            except ApplicationError as error:
                errors.add(f"{answer.path}.photo_ids", error.message)
        if header.signature_id:
            try:
                photos_of_user(user=user, ids=[header.signature_id])
            except ApplicationError as error:
                errors.add("signature_photo_id", error.message)
        return
    for answer in answers:
        answer.photos = [found[photo_id] for photo_id in answer.photo_ids]
    if header.signature_id:
        header.signature = found[header.signature_id]


# --- Writing ---------------------------------------------------------------------------------------------


def _stored(*, inspection_id: uuid.UUID, user: User) -> Inspection | None:
    """The inspection already stored under this id, for a resend from its inspector; a conflict for anyone else."""
    stored = Inspection.objects.filter(pk=inspection_id).first()
    if stored is None:
        return None
    if stored.inspector_id != user.pk:
        raise ConflictError(
            _("Another inspection already uses this id; start the inspection again."),
            field_errors={"id": [_("Another inspection already uses this id.")]},
        )
    return stored


def _moved_on(*, answer: _Answer, user: User) -> None:
    """A re-inspected hazard's next step: fixed -> rectified and reviewed where the user's role may review
    it (a major hazard's review is the office's); not fixed -> recorded, and the office told."""
    hazard = answer.hazard
    with _office_language():
        note = answer.note or (
            _("Found fixed on re-inspection.") if answer.answer_bool else _("Found not fixed on re-inspection.")
        )
    if not answer.answer_bool:
        hazard_services.hazard_reinspection_not_fixed(hazard=hazard, acting_user=user, note=note, photos=answer.photos)
        return
    if hazard.status == Hazard.Status.NOTIFIED:
        hazard = hazard_services.hazard_rectify(hazard=hazard, acting_user=user, note=note, photos=answer.photos, reassess=False)
    if hazard_policies.role_may(user=user, step="review", hazard=hazard):
        hazard_services.hazard_review(
            hazard=hazard, acting_user=user, passed=True, comment=note, photos=answer.photos, reassess=False
        )


def _raise(*, answer: _Answer, site: Site, user: User) -> Hazard:
    """The hazard a failed item raises: the requirement and the answer, citing the item's clause, with its photos."""
    version = answer.version
    with _office_language():
        description = f"{version.requirement}：{answer.verdict_reason}"
        if answer.note:
            description = f"{description}\n{answer.note}"
    return hazard_services.hazard_raise(
        site=site,
        acting_user=user,
        description=description,
        level=Hazard.Level.MAJOR if version.severity == "major" else Hazard.Level.GENERAL,
        source=Hazard.Source.INSPECTION,
        basis=version.basis,
        clause=version.clause,
        photos=answer.photos,
        source_key=f"inspection-item:{answer.id}",
        reassess=False,
    )


def _with_path(error: ApplicationError, path: str) -> ApplicationError:
    """A hazard step's refusal, said on the answer that asked for it."""
    fields = {}
    for name, messages in (error.field_errors or {"hazard": [error.message]}).items():
        target = "photo_ids" if name == "photos" else ("hazard" if name == "__all__" else name)
        fields[f"{path}.{target}"] = messages
    return type(error)(error.message, field_errors=fields, code=error.code)


@transaction.atomic
def inspection_submit(*, acting_user: User, data: dict) -> Inspection:
    """Store an inspection sent whole (the steps are in the module's docstring). The returned inspection's
    ``created_now`` says whether this call stored it (True) or found it stored before (False)."""
    ensure_inspector(user=acting_user)
    if not isinstance(data, dict):
        raise ApplicationError(_("Send the inspection as an object."))
    inspection_id = _uuid(data.get("id"))
    if inspection_id is None:
        message = _("Give the inspection's id (a UUID made by the phone).")
        raise ApplicationError(message, field_errors={"id": [message]})
    stored = _stored(inspection_id=inspection_id, user=acting_user)
    if stored is not None:
        return stored
    site_id = _integer(data.get("site"))
    if site_id is None:
        message = _("Choose the site.")
        raise ApplicationError(message, field_errors={"site": [message]})
    site = site_in_scope(pk=site_id, user=acting_user)

    now = timezone.now()
    errors = _Errors()
    header = _header(data=data, inspection_id=inspection_id, site=site, user=acting_user, now=now, errors=errors)
    items = _items(data.get("items"), errors=errors)
    if errors.fields.keys() & {"kind", "started_at", "finished_at", "campaign"}:
        errors.raise_if_any()  # the checklist cannot be known without these
    answers = _answers(items=items, header=header, user=acting_user, errors=errors)
    _attach_photos(answers=answers, header=header, user=acting_user, errors=errors)
    errors.raise_if_any()

    inspection = Inspection(
        id=inspection_id,
        site=site,
        kind=header.kind,
        campaign=header.campaign,
        inspector=acting_user,
        started_at=header.started_at,
        finished_at=header.finished_at,
        received_at=now,
        latitude=header.latitude,
        longitude=header.longitude,
        accuracy_m=header.accuracy_m,
        signature=header.signature,
        signer_name=header.signer_name,
        passed_count=sum(answer.verdict == InspectionItem.Verdict.PASS for answer in answers),
        failed_count=sum(answer.verdict == InspectionItem.Verdict.FAIL for answer in answers),
        not_applicable_count=sum(answer.verdict == InspectionItem.Verdict.NOT_APPLICABLE for answer in answers),
    )
    try:
        with transaction.atomic():
            inspection.save(force_insert=True)
    except IntegrityError:
        # The same inspection, sent twice at once, was stored by the other request while this one
        # checked it (the insert waited for that request to commit).
        stored = _stored(inspection_id=inspection_id, user=acting_user)
        if stored is not None:
            return stored
        raise

    raised = 0
    for answer in answers:
        try:
            if answer.version is not None and answer.verdict == InspectionItem.Verdict.FAIL:
                answer.hazard = _raise(answer=answer, site=site, user=acting_user)
                raised += 1
            elif answer.version is None:
                _moved_on(answer=answer, user=acting_user)
        except ApplicationError as error:
            raise _with_path(error, answer.path) from error
    InspectionItem.objects.bulk_create(
        [
            InspectionItem(
                id=answer.id,
                inspection=inspection,
                position=answer.index + 1,
                version=answer.version,
                hazard=answer.hazard,
                answer_bool=answer.answer_bool,
                answer_number=answer.answer_number,
                answer_choice=answer.answer_choice,
                not_applicable=answer.not_applicable,
                not_applicable_reason=answer.not_applicable_reason if answer.not_applicable else "",
                verdict=answer.verdict,
                verdict_reason=answer.verdict_reason,
                note=answer.note,
            )
            for answer in answers
        ]
    )
    through = InspectionItem.photos.through
    through.objects.bulk_create(
        [through(inspectionitem_id=answer.id, photo_id=photo.pk) for answer in answers for photo in answer.photos]
    )
    if raised:
        inspection.hazards_raised_count = raised
        inspection.save(update_fields=["hazards_raised_count"])
    with _office_language():
        reason = _("Inspection (%(kind)s) by %(who)s") % {
            "kind": inspection.get_kind_display(),
            "who": acting_user.display_name,
        }
    hazard_services.reassess_site(site=site, reason=reason)
    inspection.created_now = True
    return inspection

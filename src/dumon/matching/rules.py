"""What the hits of one article mean: the rules that decide ``edu``, ``local`` and ``alert``.

The place a matching rule is written. Every function here is plain Python over the hits the
index found (``(Hit, Term)`` pairs: a hit's kind, key, field and span, and the term's
attributes from the keyword files), and each decision adds a Vietnamese line saying why, for
``dumon match --explain``. In order:

1. of two hits on one span, the longer, more specific one wins (:func:`prefer_longer`);
2. exclusions cancel what they cover (:func:`apply_exclusions`);
3. ambiguous places and generic units count only with an anchor of the jurisdiction;
4. ``edu``: a unit, a strong theme term, or two weak ones — and the headline must say so;
5. ``local``: edu, with a unit of ours or an anchoring place;
6. ``alert``: edu, with an alert term; the severity is the highest found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dumon.terms import Exclusion, Term
from dumon.verdicts import Hit, MatchResult

FIELDS = ("title", "summary", "body", "url")
HEADLINE_FIELDS = frozenset({"title", "url"})
WEAK_NEEDED = 2  # distinct weak theme terms that make an education story on their own
NOTHING = "không có đơn vị hay từ khóa chủ đề giáo dục"


@dataclass(frozen=True)
class RuleBook:
    """What the rules need of the profile besides the terms: alert severities by key and
    exclusions by key."""

    severity: dict[str, int]
    exclusions: dict[str, Exclusion]


def opening(dated: bool, day: date, outlet: str) -> list[str]:
    """The first lines of every explanation: the day names are judged on, the outlet."""
    if dated:
        rules = [f"Ngày xét: {day}."]
    else:
        rules = [f"Không có ngày đăng: xét theo tên còn hiệu lực hôm nay ({day})."]
    if outlet:
        rules.append(f"Nguồn: {outlet}.")
    return rules


def nothing_found(rules: list[str]) -> MatchResult:
    """The verdict on an article without hits."""
    rules = [*rules, f"edu: không — {NOTHING}.", "local: không — không phải tin giáo dục."]
    return MatchResult(edu=False, local=False, alert=False, rules=tuple(dict.fromkeys(rules)))


def decide(
    found: list[tuple[Hit, Term]], *, day: date, book: RuleBook, rules: list[str]
) -> MatchResult:
    """The verdict on an article from its hits; ``rules`` collects the reasons."""
    found, cancel_edu = apply_exclusions(prefer_longer(found), book, rules)
    places: list[tuple[Hit, Term]] = []
    units: list[tuple[Hit, Term]] = []
    has_province = firm_unit = False
    for h, t in found:
        if h.kind == "place":
            places.append((h, t))
            has_province = has_province or t.place_kind == "province"
        elif h.kind == "unit":
            units.append((h, t))
            firm_unit = firm_unit or not t.generic
    anchors = [h for h, t in places if not t.ambiguous or has_province or firm_unit]
    for h, t in places:
        if t.ambiguous and h not in anchors:
            rules.append(
                f"Địa danh '{h.key}' ({h.field}) trùng tên nơi khác: chỉ tính khi có tên tỉnh "
                "hoặc một đơn vị."
            )
    unanchored = [] if anchors else [(h, t) for h, t in units if t.generic]
    for h, _ in unanchored:
        rules.append(
            f"Đơn vị '{h.key}' ({h.field}) có tên chung với nơi khác: không tính vì bài không "
            "có địa danh thuộc địa bàn."
        )
    dropped = {id(h) for h, _ in unanchored}
    kept = [(h, t) for h, t in found if h.kind != "context" and id(h) not in dropped]
    kept_units: list[Hit] = []
    strong_set: set[str] = set()
    weak_set: set[str] = set()
    headline: set[str] = set()
    alert_keys: dict[str, None] = {}
    for h, t in kept:
        if h.kind == "unit":
            kept_units.append(h)
        elif h.kind == "theme":
            if t.role == "strong":
                strong_set.add(t.text)
            elif t.role == "weak":
                weak_set.add(t.text)
            if h.field in HEADLINE_FIELDS:
                headline.add(t.text)
        elif h.kind == "alert":
            alert_keys[h.key] = None
    strong, weak = sorted(strong_set), sorted(weak_set)
    if kept_units:
        edu, why = True, f"có đơn vị giáo dục '{kept_units[0].key}'"
    elif strong:
        edu, why = True, f"có từ khóa chủ đề mạnh '{strong[0]}'"
    elif len(weak) >= WEAK_NEEDED:
        edu, why = True, f"có {len(weak)} từ khóa chủ đề: {', '.join(repr(w) for w in weak)}"
    elif unanchored:
        edu, why = True, f"có tên trường/đơn vị giáo dục '{unanchored[0][0].key}' (nơi khác)"
    else:
        edu = False
        why = f"chỉ có {len(weak)} từ khóa chủ đề yếu (cần {WEAK_NEEDED})" if weak else NOTHING
    if edu and not kept_units and not unanchored and not headline and len(strong) < 2:
        # A passing mention ("giảng viên trường đại học" quoted in a health story) is not an
        # education story: the headline or slug says what the story is about.
        edu = False
        why = "từ khóa giáo dục chỉ nhắc qua trong tóm tắt/nội dung, không ở tiêu đề"
    if edu and cancel_edu and not kept_units:
        edu, why = False, f"loại trừ '{cancel_edu}' cho biết đây không phải tin giáo dục"
    rules.append(f"edu: {'có' if edu else 'không'} — {why}.")

    if not edu:
        local, why = False, "không phải tin giáo dục"
    elif kept_units:
        local, why = True, f"đơn vị thuộc địa bàn '{kept_units[0].key}' (ở ngày {day})"
    elif anchors:
        local, why = True, f"địa danh thuộc địa bàn '{anchors[0].key}' (ở ngày {day})"
    else:
        local, why = False, f"không có đơn vị hay địa danh thuộc địa bàn ở ngày {day}"
    rules.append(f"local: {'có' if local else 'không'} — {why}.")

    alerts = tuple(alert_keys)
    alert = edu and bool(alerts)
    severity = max((book.severity[k] for k in alerts), default=0) if alert else 0
    if alerts:
        verdict = (
            f"có — '{alerts[0]}' (mức {severity})" if alert else "không — không phải tin giáo dục"
        )
        rules.append(f"alert: {verdict}.")
    hits = sorted([h for h, _ in kept], key=_hit_order)
    unit_keys: dict[str, None] = {}
    theme_keys: dict[str, None] = {}
    for h in hits:
        if h.kind == "unit":
            unit_keys[h.key] = None
        elif h.kind == "theme":
            theme_keys[h.key] = None
    return MatchResult(
        edu=edu,
        local=local,
        alert=alert,
        units=tuple(unit_keys),
        themes=tuple(theme_keys),
        alerts=alerts,
        severity=severity,
        hits=tuple(hits),
        rules=tuple(dict.fromkeys(rules)),
    )


def apply_exclusions(
    found: list[tuple[Hit, Term]], book: RuleBook, rules: list[str]
) -> tuple[list[tuple[Hit, Term]], str]:
    """The hits left once exclusions have cancelled what they cover, and the key of an
    exclusion that says the article is not an education story ("" when none)."""
    excl_hits = [h for h, t in found if t.kind == "exclusion"]
    if not excl_hits:
        return found, ""
    contexts = {h.key for h, t in found if t.kind == "context"}
    cancelled: set[int] = set()
    cancel_edu = ""
    for hit in excl_hits:
        excl = book.exclusions[hit.key]
        if excl.requires_any and excl.key not in contexts:
            rules.append(
                f"Loại trừ '{excl.key}' ('{hit.term}', {hit.field}) không áp dụng: thiếu từ đi kèm."
            )
            continue
        if "edu" in excl.cancels:
            cancel_edu = excl.key
        victims = [
            (h, t)
            for h, t in found
            if h.kind in excl.cancels
            and (
                excl.scope == "article"
                or (h.field == hit.field and h.start < hit.end and hit.start < h.end)
            )
        ]
        for h, _ in victims:
            cancelled.add(id(h))
        names = ", ".join(sorted({f"{h.kind} '{h.key}'" for h, _ in victims})) or "không có gì"
        rules.append(f"Loại trừ '{excl.key}' ('{hit.term}', {hit.field}): hủy {names}.")
    return [(h, t) for h, t in found if id(h) not in cancelled], cancel_edu


def prefer_longer(found: list[tuple[Hit, Term]]) -> list[tuple[Hit, Term]]:
    """Within one field and kind, drop a hit covered by a longer one; of two equal spans with
    the same key keep the better score ("THPT chuyên Lê Hồng Phong" over "Lê Hồng Phong")."""
    if len(found) < 2:
        return found
    found.sort(key=lambda ht: (ht[0].field, ht[0].kind, ht[0].start, -ht[0].end, -ht[0].score))
    out: list[tuple[Hit, Term]] = []
    group_key = None
    covers: list[tuple[int, int, str]] = []
    for hit, term in found:
        key = (hit.field, hit.kind)
        if key != group_key:
            group_key, covers = key, []
        inside = False
        for s, e, k in covers:
            if (
                s <= hit.start
                and hit.end <= e
                and ((e - s) > (hit.end - hit.start) or k == hit.key)
            ):
                inside = True
                break
        if not inside:
            out.append((hit, term))
            covers.append((hit.start, hit.end, hit.key))
    return out


_FIELD_ORDER = {field: i for i, field in enumerate(FIELDS)}


def _hit_order(hit: Hit) -> tuple[int, int, int]:
    return _FIELD_ORDER.get(hit.field, 9), hit.start, -hit.end

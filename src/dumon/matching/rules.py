"""What the hits of one article mean: the rules that decide ``edu``, ``local``, ``alert``,
the severity and where the story happens.

The place a matching rule is written. Every function here is plain Python over the hits the
index found (``(Hit, Term)`` pairs: a hit's kind, key, field and span, and the term's
attributes from the keyword files), and each decision adds a Vietnamese line saying why, for
``dumon match --explain``. In order:

1. a hit only in the URL slug is evidence, not text: it stands when the title or text has
   the same name (:func:`slug_evidence`);
2. of two hits on one span, the longer, more specific one wins (:func:`prefer_longer`);
3. exclusions cancel what they cover (:func:`apply_exclusions`);
4. ambiguous places and generic units count only with an anchor of the jurisdiction;
5. ``edu``: a unit, a strong theme term, or two weak ones, and the headline must say so; or
   a national body acting on education in the headline; or an incident told in the headline
   or lead about an education subject (:func:`incident`);
6. where the story happens (:func:`scope`): local, national, a neighbour, another province,
   abroad;
7. ``local``: edu, with a unit of ours or an anchoring place;
8. ``alert``: edu, not abroad, and an incident: an alert term that happened to or was done
   by the subjects it needs (a word with an innocent sense needs a second alert term); the
   severity is the highest found, raised for a local scandal told as spreading.

Why one module of ~420 lines: a newcomer reads every decision in the order it is taken, in
one place; the words the rules read are in ``keywords/``, not here.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from dumon.terms import Exclusion, Term
from dumon.verdicts import Hit, MatchResult

FIELDS = ("title", "summary", "body", "url")
HEADLINE_FIELDS = frozenset({"title", "url"})
WEAK_NEEDED = 2  # distinct weak theme terms that make an education story on their own
SLUG_UNIT_WORDS = 3  # a unit name found only in the slug stands alone from this many words
NOTHING = "không có đơn vị hay từ khóa chủ đề giáo dục"
ROLE_NAMES = {
    "pupil": "học sinh",
    "student": "sinh viên",
    "staff": "giáo viên, cán bộ",
    "school": "nhà trường",
    "exam": "kỳ thi",
    "authority": "cơ quan quản lý giáo dục",
}
OUTCRY = "du-luan"  # the alert key of public outcry: a local incident told with it is spreading
Found = list[tuple[Hit, Term]]


@dataclass(frozen=True)
class RuleBook:
    """What the rules need of the profile besides the terms: by alert key its severity and the
    subject roles it needs; exclusions by key."""

    severity: dict[str, int]
    exclusions: dict[str, Exclusion]
    needs: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Sentences:
    """Where the sentences of the summary and the body end (the title is one sentence): an
    incident concerns the subject named in its sentence, and one told in the title or the
    lead (the first sentence of the summary, or of the body when there is no summary) is
    what the story is about."""

    summary: tuple[int, ...] = ()
    body: tuple[int, ...] = ()

    def number(self, hit: Hit) -> int:
        """The sentence of its field the hit is in (0 for the title and the URL)."""
        ends = self.summary if hit.field == "summary" else self.body if hit.field == "body" else ()
        return bisect_left(ends, hit.end)

    def in_lead(self, hit: Hit) -> bool:
        if hit.field == "title":
            return True
        if hit.field == "summary":
            return self.number(hit) == 0
        return hit.field == "body" and not self.summary and self.number(hit) == 0

    def together(self, a: Hit, b: Hit) -> bool:
        return a.field == b.field and self.number(a) == self.number(b)


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
    found: Found, *, day: date, book: RuleBook, rules: list[str], sentences: Sentences
) -> MatchResult:
    """The verdict on an article from its hits; ``rules`` collects the reasons."""
    found = slug_evidence(found, rules)
    found, cancel_edu = apply_exclusions(prefer_longer(found), book, rules)
    places: Found = []
    units: Found = []
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
    weak_titles: set[str] = set()
    for h, t in kept:
        if h.kind == "unit":
            kept_units.append(h)
        elif h.kind == "theme":
            if t.role == "strong":
                strong_set.add(t.text)
            elif t.role == "weak":
                weak_set.add(t.text)
                if h.field == "title":
                    weak_titles.add(t.text)
            if h.field in HEADLINE_FIELDS:
                headline.add(t.text)
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
    if not edu and weak_titles:
        actor = _national_actor(kept)
        if actor:
            # "Thủ tướng: ưu tiên nhà đất dôi dư cho giáo dục": a national body deciding about
            # the sector is an education story even when the sector is named only in passing.
            edu, why = True, f"'{actor}' quyết định về '{sorted(weak_titles)[0]}' (ở tiêu đề)"
    found_incident = incident(kept, book, sentences, rules)
    where = scope(kept, bool(kept_units or anchors), rules)
    if not edu and found_incident.told and where != "abroad":
        edu, why = True, found_incident.told
    grave = bool(found_incident.told) and found_incident.severity == 3
    if edu and cancel_edu and not kept_units and not grave:
        # ("Nam sinh lớp 6 tử vong khi chơi bóng đá" stays: a pupil's death is not sport news)
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

    alerts = found_incident.keys
    alert = edu and bool(alerts) and where != "abroad"
    severity = found_incident.severity if alert else 0
    if alert and local and OUTCRY in alerts:
        severity = 3  # a scandal of our own that the press says is spreading: react today
    if alerts:
        if alert:
            verdict = f"có — '{alerts[0]}' (mức {severity})"
        elif where == "abroad":
            verdict = "không — sự việc ở nước ngoài"
        else:
            verdict = "không — không phải tin giáo dục"
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
        scope=("local" if local else where) if edu else "",
    )


def slug_evidence(found: Found, rules: list[str]) -> Found:
    """Drop what only the accent-less URL slug says: "dich-vu-ban-tru" is not the place Vụ
    Bản, "cong-truong" not "cổng trường". A slug hit stands when the title or text has the
    same name (then it may count as headline), or when it is a unit name long enough to
    be unmistakable."""
    in_text = {(h.kind, h.key) for h, _ in found if h.field != "url"}
    out: Found = []
    for h, t in found:
        unmistakable = h.kind == "unit" and len(t.text.split()) >= SLUG_UNIT_WORDS
        evidence = h.kind in ("exclusion", "context")  # a slug may say what cancels
        if h.field != "url" or (h.kind, h.key) in in_text or unmistakable or evidence:
            out.append((h, t))
        else:
            rules.append(f"Bỏ '{h.term}' chỉ thấy trong đường dẫn (URL), không có trong bài.")
    return out


@dataclass(frozen=True)
class Incident:
    """The alert keys that count, their severity, and why the article is an education story
    when only the incident makes it one ("" when it does not)."""

    keys: tuple[str, ...] = ()
    severity: int = 0
    told: str = ""


def incident(kept: Found, book: RuleBook, sentences: Sentences, rules: list[str]) -> Incident:
    """The incidents of the article: alert terms that happened to or were done by an
    education subject.

    An alert entry that ``needs`` subject roles counts when a subject of one of them is named
    in the same sentence (a unit of ours is a school and an authority); a term with an
    innocent sense (``weak``) counts beside another alert term, or in a title that names
    such a subject ("Học sinh bức xúc vì…"). Harm that no pupil or school is named with (a
    teacher's illness) is at most 2. An incident of severity 2 or more told in the title or
    lead with its subject makes the story an education story."""
    alert_hits = [(h, t) for h, t in kept if h.kind == "alert"]
    if not alert_hits:
        return Incident()
    subjects = [(h, t.role) for h, t in kept if h.kind == "subject"]
    subjects += [(h, role) for h, t in kept if h.kind == "unit" for role in ("school", "authority")]
    texts = {t.text for _, t in alert_hits}
    followups = [h for h, t in kept if h.kind == "signal" and t.role == "followup"]
    severity: dict[str, int] = {}
    told = ""
    for h, t in alert_hits:
        needs = book.needs.get(h.key, ())
        near = {r for s, r in subjects if (not needs or r in needs) and sentences.together(h, s)}
        if needs and not near:
            if h.key not in severity:
                wanted = ", ".join(ROLE_NAMES[r] for r in needs)
                rules.append(
                    f"'{h.term}' ({h.field}) không nói về {wanted} trong cùng câu: không tính."
                )
            continue
        if t.role == "weak" and not texts - {t.text} and not (near and h.field == "title"):
            rules.append(
                f"'{h.term}' ({h.field}) có thể mang nghĩa thường: cần thêm dấu hiệu sự cố khác."
            )
            continue
        level = book.severity[h.key]
        if "pupil" in needs and near.isdisjoint({"pupil", "school"}):
            level = min(level, 2)  # harm to staff alone: follow, not react today
        if level == 3 and any(_names_case(f, h, sentences) for f in followups):
            level = 2  # "vụ học sinh ngộ độc: …": a known case, followed up
            rules.append(f"'{h.key}': nhắc lại một vụ đã biết, mức theo dõi (2).")
        severity[h.key] = max(severity.get(h.key, 0), level)
        if not told and level >= 2 and sentences.in_lead(h):
            for s, role in subjects:
                if role in near and sentences.together(h, s):
                    told = f"sự cố '{h.term}' xảy ra với {ROLE_NAMES[role]} ('{s.term}', {h.field})"
                    break
    keys = tuple(severity)
    return Incident(keys, max(severity.values(), default=0), told)


CASE_REACH = 40  # "vụ" names a case when the harm word follows it within this many characters


def _names_case(followup: Hit, harm: Hit, sentences: Sentences) -> bool:
    """Whether the harm word is told as a known case: "vụ" a little before it, same sentence."""
    return (
        sentences.together(followup, harm)
        and followup.end <= harm.start
        and harm.start - followup.end <= CASE_REACH
    )


def scope(kept: Found, ours: bool, rules: list[str]) -> str:
    """Where the story happens: "local" (a unit or place of ours), "abroad" (a foreign place
    and no Vietnamese angle), "neighbour" or "province" (one province named in the title, or
    in the text when the title names none), else "national"."""
    if ours:
        return "local"
    regions = [(h, t.role) for h, t in kept if h.kind == "region"]
    titled = [(h, w) for h, w in regions if h.field == "title"]
    named = titled or regions
    vietnamese = any(w != "abroad" for _, w in regions)
    if not vietnamese and any(w == "abroad" for _, w in named):
        abroad = next(h for h, w in named if w == "abroad")
        rules.append(
            f"Sự việc ở nước ngoài ('{abroad.term}', {abroad.field}), không liên quan Việt Nam."
        )
        return "abroad"
    provinces = {h.key: w for h, w in named if w in ("province", "neighbour")}
    if len(provinces) == 1:
        return next(iter(provinces.values()))
    return "national"


def _national_actor(kept: Found) -> str:
    """A national body acting in the title, or "": the Party centre, the Assembly, the
    Government, the Ministry (actors of weight 3), or another ministry (weight 2) with an act
    of policy in the title too ("Bộ Nội vụ: lộ trình bổ sung biên chế giáo dục")."""
    titled = [(h, t) for h, t in kept if h.kind == "signal" and h.field == "title"]
    acting = any(t.role == "act" and t.severity >= 2 for _, t in titled)
    for h, t in titled:
        if t.role == "actor" and (t.severity == 3 or (t.severity == 2 and acting)):
            return h.term
    return ""


def apply_exclusions(found: Found, book: RuleBook, rules: list[str]) -> tuple[Found, str]:
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
        if excl.fields and hit.field not in excl.fields:
            continue
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


def prefer_longer(found: Found) -> Found:
    """Within one field and kind, drop a hit covered by a longer one; of two equal spans with
    the same key keep the better score ("THPT chuyên Lê Hồng Phong" over "Lê Hồng Phong")."""
    if len(found) < 2:
        return found
    found.sort(key=lambda ht: (ht[0].field, ht[0].kind, ht[0].start, -ht[0].end, -ht[0].score))
    out: Found = []
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

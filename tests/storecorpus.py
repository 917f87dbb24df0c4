"""A corpus of 1,000+ whole reports for the store and query tests, with what was planted.

172 agencies (provinces, cities, counties, districts, townships, streets; departments of
many kinds) × 2019–2024, plus the five sample reports and reports around two of them.
Tables come from training/tablegen.py (consistent, in the exact renderings); across years,
this year's 上年结转 equals last year's 结转下年度 per column and 现行有效件数 chains on (2021
template), except where a break is planted. Problems sections are composed from the authored
training corpus's problem and remedy statements, except where planted: a repeat of last
year's problems (or problems and promises), a draft shared by agencies of one county in one
year (内容雷同), stock phrases only (vague), or named platforms, numbers and dates (specific).
Some agencies print their name without its region in some years (市商务局), with the full
name in the signature (matchable) or without (not matchable).

``build(root)`` writes the files and returns the ``Plan``: the truth the tests compare the
query answers with. Nothing here calls the code under test (nlp.store, nlp.query, nlp.compare,
nlp.agency).
"""

from __future__ import annotations

import html
import json
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT, SAMPLES
from training import tablegen as G

YEARS = tuple(range(2019, 2025))
RENDERINGS = ("tabs_grid", "cell_lines", "pipes", "markdown", "html", "spaces", "lines")
T3_APPS = ("natural", "commercial", "research", "social", "legal", "other_org")

# (region, level, departments): the agency is region + department
PROVINCES = [("东岳省", ["教育厅", "卫生健康委员会", "公安厅", "财政厅", "人民政府办公厅"]),
             ("江淮省", ["商务厅", "自然资源厅", "住房和城乡建设厅", "交通运输厅", "生态环境厅"])]
CITIES = ["云岭市", "西阳市", "金河市", "兰溪市", "白城市", "怀远市", "临城市", "北原市"]
CITY_DEPTS = ["商务局", "教育局", "卫生健康委员会", "公安局", "自然资源和规划局", "财政局", "住房和城乡建设局",
              "人民政府办公室", "交通运输局", "市场监督管理局"]
COUNTIES = ["安平县", "双桥县", "清水县", "衡山县", "丰台县", "高塘县", "延平县", "上林县"]
COUNTY_DEPTS = ["教育局", "卫生健康局", "公安局", "自然资源局", "财政局", "人民政府", "农业农村局"]
DISTRICTS = ["长州市城北区", "东州市南湖区", "江平市南区", "安澜市江北区"]
DISTRICT_DEPTS = ["教育局", "民政局", "财政局", "人民政府", "住房和城乡建设局"]
TOWNSHIPS = ["三河乡", "柳林镇", "石桥镇", "河口镇"]
STREETS = ["东关街道", "北苑街道"]
KIND_OF = {"人民政府": "government", "办事处": "government", "商务": "commerce", "教育": "education", "卫生": "health", "公安": "public_security", "自然资源": "natural_resources",
           "财政": "finance", "住房": "housing", "交通": "transport", "市场监督": "market_regulation", "农业": "agriculture",
           "民政": "civil_affairs", "生态": "environment"}
SELF = {"局": "我局", "委员会": "我委", "厅": "我厅", "办公室": "我办", "办公厅": "我厅", "人民政府": "我县", "办事处": "我街道"}

# statements written for the plants: stock phrases only, and specific ones (named, counted, dated)
STOCK = [
    "政府信息公开工作的质量有待进一步提高", "政策解读工作还不够深入", "工作人员的业务能力有待进一步提升",
    "主动公开的内容还不够全面", "信息发布还不够及时", "对政务公开工作的重视程度有待进一步加强",
    "公开工作机制还不够健全", "与群众的期盼相比还存在一定差距", "回应社会关切的主动性有待进一步增强",
    "依申请公开的办理流程还不够规范", "政务公开的宣传力度还不够大", "基层政务公开标准化规范化有待进一步深化",
    "监督考核的力度还不够到位", "信息公开的针对性有待进一步改进",
]
SPECIFIC = [
    "“{name}发布”微信公众号{m}月至{m2}月仅更新{n}条信息，有{k}条超过{d}个工作日才发布",
    "门户网站“{name}政务公开”专栏中{n}个子栏目自{m}月起未更新",
    "全年{n}件依申请公开事项中有{k}件答复超过{d}个工作日",
    "{m}月{d}日检查发现“{name}招生入学”专题中{k}份文件链接失效",
    "12345热线转办的{n}件政务公开咨询中{k}件未在{d}日内回复",
    "《{name}市城乡规划条例》等{k}件规范性文件发布后{d}天内未同步发布解读材料",
    "征地补偿安置方案公示中有{k}个村的公示期不足{d}日",
    "第{q}季度{name}政府网站抽查合格率仅为{n}%，低于全市平均水平",
    "预决算公开平台上{k}家下属单位的{m}月份支出明细缺失",
    "“{name}通”APP政策文件库{n}条文件未标注有效性，{k}条已废止文件仍在显示",
]

@dataclass
class Agency:
    region: str
    level: str
    department: str
    kind: str
    idx: int

    @property
    def name(self) -> str:
        return self.region + self.department

    @property
    def bare(self) -> str:
        """The name printed without its region: 市商务局, 县教育局, 区民政局."""
        last = {"city": "市", "county": "县", "district": "区", "province": "省"}[self.level]
        return last + self.department


@dataclass
class Report:
    """One report file and what was planted in it (the truth the tests check against)."""

    rel: str
    agency: Agency | None  # None: a sample with no agency
    year: int | None
    printed: str | None  # the agency name in the title
    matchable: bool  # the agency can be matched across years (full name printed somewhere)
    template: str = ""
    carry_break: bool = False  # this year's 上年结转 differs from last year's 结转下年度
    valid_break: bool = False  # this year's 现行有效件数 differs from last + 制发 − 废止
    repeat: str = ""  # "", "problems", "both": copied from last year's report
    shared: int | None = None  # id of the draft shared with other agencies this year (内容雷同)
    vague: bool = False
    specific: bool = False
    sample: bool = False
    problems: list[str] = field(default_factory=list)
    remedies: list[str] = field(default_factory=list)


@dataclass
class Plan:
    reports: list[Report]

    def by_rel(self) -> dict[str, Report]:
        return {r.rel: r for r in self.reports}


def agencies() -> list[Agency]:
    out: list[Agency] = []

    def add(region: str, level: str, depts: list[str]) -> None:
        for d in depts:
            kind = next((v for k, v in KIND_OF.items() if k in d), "other")
            out.append(Agency(region, level, d, kind, len(out)))

    for region, depts in PROVINCES:
        add(region, "province", depts)
    for c in CITIES:
        add(c, "city", CITY_DEPTS)
    for c in COUNTIES:
        add(c, "county", COUNTY_DEPTS)
    for d in DISTRICTS:
        add(d, "district", DISTRICT_DEPTS)
    for t in TOWNSHIPS:
        add(t, "township", ["人民政府"])
    for s in STREETS:
        add(s, "street", ["办事处"])
    return out


_MARKER = re.compile(r"^(?:[一二三四五六七八九十]{1,2}是|[(（][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[.、．]|[①-⑩]|首先|其次|再次|最后|第[一二三四五六七八九十][,，、])[,，、]?")
_END = re.compile(r"[。；;，,、：:\s]+$")


def _pools() -> tuple[list[str], list[str]]:
    """Problem and remedy statements of the authored corpus, without their enumeration marks."""
    problems: set[str] = set()
    remedies: set[str] = set()
    for line in (ROOT / "corpora" / "train" / "authored.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if (rec["meta"].get("script") or "simplified") != "simplified":
            continue
        for s in rec.get("statements") or []:
            if s.get("themes") in (None, ["other"]):
                continue
            t = _END.sub("", _MARKER.sub("", rec["text"][s["start"]:s["end"]].strip()))
            if 12 <= len(t) <= 110 and "\n" not in t and not re.search(r"[一二三四五六七八九十]是", t):
                (problems if s["label"] == "problem" else remedies).add(t)
    return sorted(problems), sorted(remedies)


EDITS = ("，这一问题依然存在", "，仍未根本解决", "，亟待改进", "，需要持续整改")


def _edited(rng: random.Random, items: list[str]) -> list[str]:
    """A copy as copies are made: items in another order, one of them with a clause added."""
    out = list(items)
    rng.shuffle(out)
    k = rng.randrange(len(out))
    out[k] = out[k] + rng.choice(EDITS)
    return out


def _enum(items: list[str]) -> str:
    nums = "一二三四五六七八九十"
    return "；".join(f"{nums[i]}是{t}" for i, t in enumerate(items)) + "。"


def problems_text(agency: Agency, year: int, problems: list[str], remedies: list[str]) -> list[str]:
    """The problems section as paragraphs (what goes under 五、存在的主要问题及改进情况)."""
    me = next((v for k, v in SELF.items() if agency.department.endswith(k)), "我单位")
    return [f"{year}年，{me}政府信息公开工作取得了一定成效，但也存在一些问题：{_enum(problems)}",
            f"下一步，{me}将重点做好以下工作：{_enum(remedies)}"]


# ---------------------------------------------------------------------------- tables
def _tables(rng: random.Random, template: str, prev: dict | None, carry_break: bool, valid_break: bool) -> G.Tables:
    """Consistent tables whose 上年结转 continues last year's 结转下年度 (and t2 valid chains on)."""
    t = G.make_values(rng, template, dense=True)
    v = t.values
    for c in T3_APPS:
        carried = int((prev or {}).get(f"t3.carry_forward.{c}") or 0) if prev else int(v[f"t3.carried.{c}"] or 0)
        v[f"t3.carried.{c}"] = carried
    if carry_break:
        c = rng.choice(T3_APPS)
        v[f"t3.carried.{c}"] = int(v[f"t3.carried.{c}"]) + rng.randint(1, 3)
    for c in T3_APPS:
        rt, cf, carried = int(v[f"t3.result_total.{c}"]), int(v[f"t3.carry_forward.{c}"]), int(v[f"t3.carried.{c}"])
        new = rt + cf - carried
        if new < 0:
            v[f"t3.carry_forward.{c}"] = cf - new
            new = 0
        v[f"t3.new.{c}"] = new
    for r in ("new", "carried", "carry_forward"):
        v[f"t3.{r}.total"] = sum(int(v[f"t3.{r}.{c}"]) for c in T3_APPS)
    if template == "2021":
        for row in ("rules", "normative"):
            issued, repealed = int(v[f"t2.{row}.issued"]), int(v[f"t2.{row}.repealed"])
            if prev and f"t2.{row}.valid" in prev:
                valid = int(prev[f"t2.{row}.valid"]) + issued - repealed
                if valid < 0:
                    v[f"t2.{row}.issued"] = issued - valid
                    valid = 0
            else:
                valid = max(int(v[f"t2.{row}.valid"]), repealed)
            v[f"t2.{row}.valid"] = valid
        if valid_break:
            row = rng.choice(("rules", "normative"))
            v[f"t2.{row}.valid"] = int(v[f"t2.{row}.valid"]) + rng.randint(1, 4)
    for k in v:
        if k.startswith(("t3.new.", "t3.carried.", "t3.carry_forward.", "t2.")) and isinstance(v[k], int):
            t.raws[k] = str(v[k])
    return t


def _numeric(t: G.Tables) -> dict:
    return {k: x for k, x in t.values.items() if x is not None}


def _document(rng: random.Random, tables: G.Tables, rendering: str, year: int, title_name: str,
              paragraphs: list[str], signature: str | None) -> tuple[str, str]:
    case = G.render(rng, tables, rendering, year=year)
    text = case.text
    for cand in ("某市商务局", "某县人民政府办公室", "某区市场监督管理局", "某市教育局"):
        old = f"{cand}{year}年政府信息公开工作年度报告"
        if old in text:
            text = text.replace(old, f"{title_name}{year}年政府信息公开工作年度报告", 1)
            break
    if rendering == "html":
        body = "</p><p>".join(html.escape(p) for p in paragraphs)
        text = text.replace(f"<p>{G.PROBLEMS}</p>", f"<p>{body}</p>", 1)
        if signature:
            text = text.replace("</body>", f"<p>{html.escape(signature)}</p><p>{year + 1}年1月20日</p></body>", 1)
    else:
        text = text.replace(G.PROBLEMS, "\n".join(paragraphs), 1)
        if signature:
            text = text.rstrip("\n") + f"\n\n{signature}\n{year + 1}年1月20日\n"
    return text, case.name.rsplit(".", 1)[1]


# ---------------------------------------------------------------------------- plan
def build(root: Path, seed: int = 5) -> Plan:
    rng = random.Random(seed)
    probs, rems = _pools()
    ags = agencies()
    plan: list[Report] = []

    # naming: some agencies print their name without the region in some years
    bare_signed = set(rng.sample([a.idx for a in ags if a.level in ("city", "county", "district")], 16))
    bare_unsigned = set(rng.sample([a.idx for a in ags if a.level in ("city", "county") and a.idx not in bare_signed], 5))
    # which year of an unsigned agency is printed bare (not matchable: no plants around it)
    unsigned_year = {i: rng.choice(YEARS[1:-1]) for i in bare_unsigned}
    # shared drafts: in some years, the departments of one county (or district) share one text
    shared: dict[tuple[int, int], int] = {}
    regions = sorted({a.region for a in ags if a.level in ("county", "district")})
    draft = 0
    for region in rng.sample(regions, 6):
        members = [a.idx for a in ags if a.region == region and a.idx not in bare_unsigned]
        year = rng.choice(YEARS)
        for i in rng.sample(members, rng.choice([2, 3])):
            shared[(i, year)] = draft
        draft += 1

    # the shared drafts use statements no other report uses (so they repeat nothing)
    reserved_p, reserved_r = rng.sample(probs, 3 * draft), rng.sample(rems, 2 * draft)
    drafts = {d: (reserved_p[3 * d:3 * d + 3], reserved_r[2 * d:2 * d + 2]) for d in range(draft)}
    probs = [x for x in probs if x not in reserved_p]
    rems = [x for x in rems if x not in reserved_r]
    used: set[str] = set()

    def pick(pool: list[str], k: int, avoid: Report | None = None) -> list[str]:
        """Statements for a section, none of them in ``avoid`` (the same agency's last report)."""
        last = set(avoid.problems + avoid.remedies) if avoid else set()
        pool = [x for x in pool if x not in last]
        free = [x for x in pool if x not in used]
        out = rng.sample(free if len(free) >= k else pool, k)
        used.update(out)
        if len(used) > 0.9 * (len(probs) + len(rems)):
            used.clear()
        return out

    stock_used: dict[int, set[str]] = {}
    for a in ags:
        prev_tables: dict | None = None
        prev_report: Report | None = None
        for year in YEARS:
            template = "2019" if year <= 2020 else "2021"
            bare = (a.idx in bare_signed and rng.random() < 0.5) or unsigned_year.get(a.idx) == year
            matchable = unsigned_year.get(a.idx) != year
            near_unmatchable = unsigned_year.get(a.idx) in (year, year - 1)
            r = Report(rel="", agency=a, year=year, printed=a.bare if bare else a.name, matchable=matchable,
                       template=template)
            free = (a.idx, year) not in shared and not near_unmatchable
            if year > YEARS[0] and free and prev_report is not None and rng.random() < 0.045:
                r.carry_break = True
            if template == "2021" and year > 2021 and free and rng.random() < 0.04:
                r.valid_break = True
            roll = rng.random()
            # vague and specific plants never follow each other (their sentences would look repeated)
            prev_ordinary = prev_report is None or not (prev_report.vague or prev_report.specific)
            prev_plain = prev_report is not None and prev_report.shared is None and not prev_report.vague
            if free and prev_plain and year > YEARS[0] and roll < 0.05:
                r.repeat = "problems"
            elif free and prev_plain and year > YEARS[0] and roll < 0.08:
                r.repeat = "both"
            elif free and roll < 0.105 and (a.idx, year + 1) not in shared and prev_ordinary:
                r.vague = True
            elif free and roll < 0.13 and prev_ordinary:
                r.specific = True
            if (a.idx, year) in shared:
                r.shared = shared[(a.idx, year)]
                r.problems, r.remedies = _edited(rng, drafts[r.shared][0]), list(drafts[r.shared][1])
            elif r.repeat:
                r.problems = _edited(rng, prev_report.problems)
                r.remedies = _edited(rng, prev_report.remedies) if r.repeat == "both" else pick(rems, 2, prev_report)
            elif r.vague and len(STOCK) - len(stock_used.setdefault(year, set())) >= 3:
                # no stock sentence twice in a year: vague reports are not copies of each other
                choice = rng.sample([s for s in STOCK if s not in stock_used[year]], 3)
                stock_used[year].update(choice)
                r.problems, r.remedies = choice, pick(rems, 2, prev_report)
            elif r.specific:
                name = a.region[:2]
                r.problems = [s.format(name=name, m=m, m2=m + 2, n=rng.randint(12, 90), k=rng.randint(2, 9), d=rng.randint(5, 20),
                                       q=rng.choice("一二三四"))
                              for s, m in zip(rng.sample(SPECIFIC, 3), rng.sample(range(1, 10), 3))]
                r.remedies = pick(rems, 2, prev_report)
            else:
                r.vague = False  # (this year's stock sentences were used up)
                r.problems, r.remedies = pick(probs, 3, prev_report), pick(rems, 2, prev_report)
            tables = _tables(rng, template, prev_tables, r.carry_break, r.valid_break)
            prev_tables = _numeric(tables)
            rendering = rng.choice(RENDERINGS)
            signature = a.name if (bare and matchable) else None
            text, ext = _document(rng, tables, rendering, year, r.printed, problems_text(a, year, r.problems, r.remedies),
                                  signature)
            r.rel = f"{a.region}/{a.idx:03d}-{year}.{ext}"
            path = root / r.rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            plan.append(r)
            prev_report = r

    # the five samples, and reports around two of them: 驻马店市商务局 2021 (sample 000) is followed by
    # "市商务局" 2022 (signed 驻马店市商务局, consistent) and 2023 (a carry-over break); 平顶山市商务局
    # 2023 (sample 001) is preceded by "市商务局" 2022 (signed, consistent)
    (root / "samples").mkdir(parents=True, exist_ok=True)
    sample_agency = {"000": ("驻马店市", "商务局", 2021), "001": ("平顶山市", "商务局", 2023),
                     "002": ("郑州市二七区", "商务局", 2020), "004": ("洛阳市", "商务局", 2020)}
    extra = Agency("驻马店市", "city", "商务局", "commerce", 900)
    pds = Agency("平顶山市", "city", "商务局", "commerce", 901)
    for p in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(p, root / "samples" / p.name)
        info = sample_agency.get(p.name[:3])
        ag = Agency(info[0], "district" if "区" in info[0] else "city", info[1], "commerce", 950 + int(p.name[:3])) \
            if info else None
        if p.name.startswith("000"):
            ag = extra
        if p.name.startswith("001"):
            ag = pds
        plan.append(Report(f"samples/{p.name}", ag, info[2] if info else 2019, ag.name if ag else None, ag is not None,
                           sample=True))
    zmd_2021 = {f"t3.carry_forward.{c}": 0 for c in T3_APPS} | {"t2.rules.valid": 0, "t2.normative.valid": 6}
    prev = zmd_2021
    for year, brk, name in ((2022, False, extra.bare), (2023, True, extra.name)):
        t = _tables(rng, "2021", prev, brk, False)
        prev = _numeric(t)
        probs3, rems2 = pick(probs, 3), pick(rems, 2)
        text, ext = _document(rng, t, "cell_lines", year, name, problems_text(extra, year, probs3, rems2),
                              extra.name if name == extra.bare else None)
        rel = f"samples/zhumadian-{year}.{ext}"
        (root / rel).write_text(text, encoding="utf-8")
        plan.append(Report(rel, extra, year, name, True, "2021", carry_break=brk, problems=probs3, remedies=rems2))
    t = _tables(rng, "2021", None, False, False)
    for row in ("rules", "normative"):  # 2023's (sample 001) 现行有效件数 0 = 2022's + 0 − 0
        for col in ("issued", "repealed", "valid"):
            t.values[f"t2.{row}.{col}"] = 0
    for c in T3_APPS:  # 2022's 结转下年度 = 2023's (sample 001) 上年结转 = 0
        rt = int(t.values[f"t3.result_total.{c}"])
        t.values[f"t3.carry_forward.{c}"] = 0
        t.values[f"t3.carried.{c}"] = min(int(t.values[f"t3.carried.{c}"]), rt)
        t.values[f"t3.new.{c}"] = rt - int(t.values[f"t3.carried.{c}"])
    for r_ in ("new", "carried", "carry_forward"):
        t.values[f"t3.{r_}.total"] = sum(int(t.values[f"t3.{r_}.{c}"]) for c in T3_APPS)
    for k in t.values:
        if k.startswith(("t3.", "t2.")) and isinstance(t.values[k], int):
            t.raws[k] = str(t.values[k])
    probs3, rems2 = pick(probs, 3), pick(rems, 2)
    text, ext = _document(rng, t, "pipes", 2022, pds.bare, problems_text(pds, 2022, probs3, rems2), pds.name)
    (root / "samples" / f"pingdingshan-2022.{ext}").write_text(text, encoding="utf-8")
    plan.append(Report(f"samples/pingdingshan-2022.{ext}", pds, 2022, pds.bare, True, "2021",
                       problems=probs3, remedies=rems2))
    return Plan(plan)


if __name__ == "__main__":  # python -m tests.storecorpus DIR: write the corpus to look at
    import sys

    p = build(Path(sys.argv[1]))
    print(len(p.reports), "reports")

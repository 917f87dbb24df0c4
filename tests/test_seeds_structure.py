"""The five sample reports: sections start at the right headings; agency and year are right.

Expected values were written by reading the reports (corpora/samples, copies of the seeds).
"""

from __future__ import annotations

import pytest

from nlp import pipeline
from tests.conftest import sample

STANDARD = [
    ("overview", "一、总体情况"),
    ("proactive", "二、主动公开政府信息情况"),
    ("applications", "三、收到和处理政府信息公开申请情况"),
    ("review_litigation", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
]

EXPECTED = {
    # seed: (agency, year, template, line number of each section heading)
    "000": ("驻马店市商务局", 2021, "2021", [5, 31, 48, 80, 87, 99]),
    "001": ("平顶山市商务局", 2023, "2021", [5, 27, 46, 77, 84, 90]),
    "002": ("郑州市二七区商务局", 2020, "2019", [4, 9, 84, 337, 382, 385]),
    "003": (None, 2019, "2019", [3, 9, 82, 358, 418, 421]),
    "004": ("洛阳市商务局", 2020, "2019", [5, 43, 65, 95, 102, 108]),
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_sections_start_at_headings(seed):
    path = sample(seed)
    text = path.read_text(encoding="utf-8")
    summary = pipeline.analyze(path)
    agency, year, template, lines = EXPECTED[seed]
    assert [s.key for s in summary.sections] == [k for k, _ in STANDARD]
    for section, (key, heading), line in zip(summary.sections, STANDARD, lines):
        assert section.method == "heading"
        printed = text[section.start : section.start + 40]
        if seed == "002" and key == "review_litigation":
            heading = "4、 政府信息公开行政复议、行政诉讼情况"  # printed with an arabic numeral
        assert printed.startswith(heading), (key, printed)
        assert text.count("\n", 0, section.start) + 1 == line
    # sections tile the body: each ends where the next starts
    for a, b in zip(summary.sections, summary.sections[1:]):
        assert a.end == b.start


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_metadata(seed):
    summary = pipeline.analyze(sample(seed))
    agency, year, template, _ = EXPECTED[seed]
    assert summary.meta.agency == agency
    assert summary.meta.year == year
    assert summary.meta.template == template
    assert summary.meta.title and "政府信息公开工作年度报" in summary.meta.title.replace(" ", "")


def test_overview_subheading_is_not_a_section():
    """Seed 003 prints '（四）主动公开政府信息情况。' inside the overview: not section 2."""
    path = sample("003")
    text = path.read_text(encoding="utf-8")
    summary = pipeline.analyze(path)
    trap = text.index("（四）主动公开政府信息情况")
    overview = summary.sections[0]
    assert overview.start < trap < overview.end

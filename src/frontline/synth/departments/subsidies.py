"""Civil affairs: subsistence allowance recipients (低保/特困), XLSX with a title row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from frontline.synth.defects import corrupt_identifiers, stale_values, vary_names
from frontline.synth.departments import people
from frontline.synth.departments.spec import DatasetSpec, col
from frontline.synth.frame import Frame, shuffled, with_copies

if TYPE_CHECKING:
    from frontline.synth.city import City


def build(city: City, rng: np.random.Generator) -> Frame:
    pop, rates, sub = city.population, city.config.rates, city.subsidies
    rows, copies = with_copies(np.arange(len(sub.household)), rng, rates.duplicate * 1.5)
    households = sub.household[rows]
    heads = np.searchsorted(pop.people.household, households).astype(np.int64)
    frame = Frame(columns={}, entity=people.person_ids(city, heads))
    frame.mark(copies, "duplicate")
    m = frame.markers
    current, previous = people.addresses(city, heads, "short", rng, m)
    community = [city.communities[int(c)] for c in pop.dwellings.community[households].tolist()]
    month = f"{city.config.as_of.year}年{city.config.as_of.month}月"
    frame.columns = {
        "序号": [0] * len(heads),
        "户主姓名": vary_names(people.names(city, heads), m, rng, rates, 1.5),
        "身份证号码": corrupt_identifiers(people.id_numbers(city, heads), m, rng, rates, 1.5),
        "保障类别": sub.category[rows].tolist(),
        "保障人数": sub.members[rows].tolist(),
        "月保障金额（元）": sub.monthly[rows].tolist(),
        "所属街道": [c.street_name for c in community],
        "所属社区": [c.name for c in community],
        "家庭住址": stale_values(current, previous, m, rng, rates.stale_address, "stale_address"),
        "联系电话": people.delivered_phones(city, heads, m, rng),
        "发放年月": [month] * len(heads),
    }
    frame = shuffled(frame, rng)
    frame.columns["序号"] = list(range(1, len(frame) + 1))
    return frame


SPEC = DatasetSpec(
    key="civil_affairs_subsidies",
    file="civil_affairs_subsidies.xlsx",
    department_en="Civil Affairs Bureau",
    department_zh="民政局",
    title_en="Subsistence allowance and extreme-poverty support recipients",
    title_zh="城乡最低生活保障和特困供养对象发放名册",
    format="xlsx",
    encoding="xlsx",
    entity_type="person",
    columns=(
        col("序号", "row number", "序号"),
        col("户主姓名", "name of the household head (the recipient)", "户主姓名"),
        col("身份证号码", "resident ID number", "身份证号码"),
        col("保障类别", "category: 城市低保 or 特困供养", "保障类别"),
        col("保障人数", "persons covered", "保障人数"),
        col("月保障金额（元）", "monthly amount, yuan", "月保障金额（元）"),
        col("所属街道", "street", "所属街道"),
        col("所属社区", "community", "所属社区"),
        col("家庭住址", "address, short form", "家庭住址（简写）"),
        col("联系电话", "phone, mixed formats", "联系电话（格式不一）"),
        col("发放年月", "month paid", "发放年月"),
    ),
    notes_en="Sheet 发放名册: a title row above the header, and a 合计 (total) row after the data.",
    notes_zh="工作表“发放名册”：表头上方有标题行，数据之后有“合计”行。",
    build=build,
    identifier_column="身份证号码",
    name_column="户主姓名",
    as_of_lag_days=0,
    title_row="{city}{district}城乡最低生活保障和特困供养对象发放名册",
)

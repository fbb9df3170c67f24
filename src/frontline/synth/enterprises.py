"""Enterprises registered in the district, with valid credit codes and legal representatives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from frontline.synth.district import District
from frontline.synth.identities import credit_codes

# Trade names (字号) are drawn from these pools.
_TRADE_FIRST = (
    "恒鑫华瑞博新嘉天宏聚安永泰卓明启云之钱西优乐禾宇金海智众晨东蓝绿一德锦康同长汇百融盛"
)
_TRADE_SECOND = "达源创丰远锐禾成图力信盛和越德航栖江塘品活润诚纳联合曦方天诺程宁心青通川泽辉邦悦"
# Characters outside GBK but inside GB18030: the tax department's GB18030 export carries them.
_RARE_TRADE_NAMES = ("𠮷祥", "䶮升")
_INDUSTRIES = (
    ("科技", "信息传输、软件和信息技术服务业"),
    ("网络科技", "信息传输、软件和信息技术服务业"),
    ("贸易", "批发和零售业"),
    ("餐饮管理", "住宿和餐饮业"),
    ("建筑工程", "建筑业"),
    ("文化传媒", "文化、体育和娱乐业"),
    ("物业管理", "房地产业"),
    ("教育咨询", "教育"),
    ("医疗器械", "制造业"),
    ("电子商务", "批发和零售业"),
)
_SHOP_KINDS = (
    ("便利店", "批发和零售业"),
    ("小吃店", "住宿和餐饮业"),
    ("理发店", "居民服务、修理和其他服务业"),
    ("五金店", "批发和零售业"),
    ("水果店", "批发和零售业"),
    ("服装店", "批发和零售业"),
    ("维修部", "居民服务、修理和其他服务业"),
    ("茶叶店", "批发和零售业"),
)
ROADS = (
    "文三路", "文二路", "文一西路", "教工路", "古墩路", "天目山路", "学院路", "莫干山路",
    "留和路", "西溪路", "紫金港路", "余杭塘路", "曙光路", "黄姑山路", "丰潭路", "转塘路",
)  # fmt: skip
STATUSES = ("存续", "注销", "吊销")


@dataclass(frozen=True)
class Enterprises:
    """One array element per enterprise (companies and individual businesses)."""

    enterprise_id: npt.NDArray[np.str_]
    credit_code: npt.NDArray[np.str_]
    name: npt.NDArray[np.str_]
    kind: npt.NDArray[np.str_]
    """有限责任公司 or 个体工商户."""
    industry: npt.NDArray[np.str_]
    legal_rep: npt.NDArray[np.int64]
    """Index of the legal representative in the population."""
    capital: npt.NDArray[np.float64]
    """Registered capital in units of 10,000 yuan."""
    established: npt.NDArray[np.datetime64]
    status: npt.NDArray[np.str_]
    address: npt.NDArray[np.str_]

    def __len__(self) -> int:
        return len(self.enterprise_id)


def _draw_names(
    rng: np.random.Generator,
    shop: npt.NDArray[np.bool_],
    district: District,
    forced_rare: npt.NDArray[np.bool_],
) -> list[tuple[str, str]]:
    """(name, industry) pairs; ``forced_rare`` rows always get a trade name outside GBK."""
    city, province, district_name = district.city_short, district.province_short, district.path[2]
    n = len(shop)
    first = np.array(list(_TRADE_FIRST))[rng.integers(0, len(_TRADE_FIRST), n)]
    second = np.array(list(_TRADE_SECOND))[rng.integers(0, len(_TRADE_SECOND), n)]
    pool = np.array(list(_TRADE_FIRST + _TRADE_SECOND))
    third = pool[rng.integers(0, len(pool), n)]
    # Most trade names have two characters; a third makes room for a city's many businesses.
    trade = np.char.add(np.char.add(first, second), np.where(rng.random(n) < 0.3, third, ""))
    rare = (rng.random(n) < 0.005) | forced_rare
    trade = np.where(rare, np.array(_RARE_TRADE_NAMES)[rng.integers(0, 2, n)], trade)
    industry = rng.integers(0, len(_INDUSTRIES), n)
    shop_kind = rng.integers(0, len(_SHOP_KINDS), n)
    form = rng.integers(0, 3, n)
    named: list[tuple[str, str]] = []
    for t, s, i, f, is_shop in zip(
        trade.tolist(), shop_kind.tolist(), industry.tolist(), form.tolist(), shop.tolist(),
        strict=True,
    ):  # fmt: skip
        kind, industry_name = _INDUSTRIES[i]
        if is_shop:
            shop_name, shop_industry = _SHOP_KINDS[s]
            named.append((f"{district_name}{t}{shop_name}", shop_industry))
            continue
        # The region leads the name, or stands in brackets after the trade name.
        forms = (
            f"{city}{t}{kind}有限公司",
            f"{province}{t}{kind}有限公司",
            f"{t}（{city}）{kind}有限公司",
        )
        named.append((forms[f], industry_name))
    return named


def _unique_names(
    rng: np.random.Generator,
    shop: npt.NDArray[np.bool_],
    district: District,
    forced_rare: npt.NDArray[np.bool_],
) -> list[tuple[str, str]]:
    """(name, industry) pairs, redrawn where two would share a name (registration forbids it)."""
    named = _draw_names(rng, shop, district, forced_rare)
    for _ in range(50):
        seen: set[str] = set()
        clash: list[int] = []
        for i, (name, _industry) in enumerate(named):
            if name in seen:
                clash.append(i)
            seen.add(name)
        if not clash:
            return named
        redrawn = _draw_names(rng, shop[clash], district, forced_rare[clash])
        for i, pair in zip(clash, redrawn, strict=True):
            named[i] = pair
    raise RuntimeError("could not draw unique enterprise names; too many enterprises")


def draw_enterprises(
    rng: np.random.Generator,
    count: int,
    district: District,
    adults: npt.NDArray[np.int64],
    as_of: date,
) -> Enterprises:
    """Draw ``count`` enterprises whose legal representatives are among ``adults``."""
    shop = rng.random(count) < 0.3
    kinds = np.where(shop, "92", "91")
    codes = credit_codes(rng, int(district.code), kinds)
    days = (np.datetime64(as_of, "D") - np.datetime64("1995-01-01", "D")).astype(np.int64)
    established = np.datetime64("1995-01-01", "D") + rng.integers(0, days, count).astype(
        "timedelta64[D]"
    )
    # One enterprise old enough to be in both tax years gets a name outside GBK, so that every
    # tax export really needs GB18030. Its representative is an adult of 25 or more, so the
    # founding date stays; planted cases leave enterprises with such names alone.
    forced_rare = np.zeros(count, dtype=np.bool_)
    old = np.flatnonzero(established < np.datetime64(f"{as_of.year - 3}-01-01", "D"))
    if len(old):
        forced_rare[old[int(rng.integers(len(old)))]] = True
    named = _unique_names(rng, shop, district, forced_rare)
    capital = np.where(
        shop, rng.integers(1, 50, count) / 10, np.round(rng.lognormal(5, 1.2, count))
    )
    status = np.array(STATUSES)[rng.choice(3, count, p=[0.86, 0.1, 0.04])]
    roads = np.array(ROADS)[rng.integers(0, len(ROADS), count)]
    address = [
        f"{r}{n}号"
        for r, n in zip(roads.tolist(), rng.integers(1, 600, count).tolist(), strict=True)
    ]
    return Enterprises(
        enterprise_id=np.char.add("E", np.char.zfill(np.arange(1, count + 1).astype(str), 7)),
        credit_code=codes,
        name=np.array([name for name, _ in named]),
        kind=np.where(shop, "个体工商户", "有限责任公司"),
        industry=np.array([industry for _, industry in named]),
        legal_rep=adults[rng.integers(0, len(adults), count)],
        capital=capital.astype(np.float64),
        established=established,
        status=status,
        address=np.array(address),
    )

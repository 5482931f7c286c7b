"""The demo street: 望江路街道 with its communities, grids, station, users and 1,662 site files.

Everything is generated from one fixed seed, so every run on every machine gives
the same rows, and a run finds what an earlier run created (territory and users
by code and username, sites by credit code or, without one, by name and address)
and adds only what is missing. ``generate_sites`` reuses the same generators for
the benchmark's synthetic registry of 100,000 sites.
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Community, FireStation, Grid, Street, User

from .models import Category, Site, SiteChange
from .services import site_creation_changes
from .validators import CREDIT_CODE_CHARSET, credit_code_check_character

DEMO_PASSWORD = "riskplatform-demo"
SEED = 20240615
BATCH_SIZE = 5000

STREET_NAME = "望江路街道"
STREET_CODE = "WJL"
STATION_NAME = "望江路街道微型消防站"
STATION_PHONE = "028-85550119"
# Around 望江楼 in Chengdu's Wuhou district.
CENTRE = (30.6300, 104.0800)

# Community name and the roads its grids cover.
COMMUNITIES = [
    ("望江楼社区", ["望江路", "滨江东路", "锦绣巷"]),
    ("郭家桥社区", ["郭家桥北街", "郭家桥南街", "郭家桥西街"]),
    ("新南路社区", ["新南路", "新南横街", "南桥巷"]),
    ("九眼桥社区", ["九眼桥路", "水津街", "合江亭街"]),
    ("红瓦寺社区", ["红瓦寺街", "玉洁东街", "林荫街"]),
    ("电信路社区", ["电信路", "电信南街", "致民路"]),
    ("共和路社区", ["共和路", "共和东街", "竹林巷"]),
    ("磨子桥社区", ["磨子桥", "科华北路", "一环路南一段"]),
]
GRIDS_PER_COMMUNITY = 5
GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格"]

# Sites per category code; the seed street registered 1,662 units in 36 categories (DOMAIN.md).
CATEGORY_COUNTS = {
    "XS01": 260, "XS02": 220, "XS03": 40, "XS04": 20, "XS05": 90, "XS06": 35, "XS07": 30, "XS08": 25, "XS09": 8,
    "RM01": 25, "RM02": 18, "RM03": 30, "RM04": 12, "RM05": 6, "RM06": 8, "RM07": 10, "RM08": 15, "RM09": 8,
    "RM10": 3, "RM11": 4, "RM12": 40,
    "ZZ01": 285, "ZZ02": 120, "ZZ03": 128, "ZZ04": 45,
    "GY01": 4, "GY02": 20, "GY03": 30,
    "WH01": 3, "WH02": 6, "WH03": 60, "WH04": 5,
    "GG01": 12, "GG02": 4, "GG03": 30, "GG04": 3,
}  # fmt: skip
DEMO_SITE_COUNT = sum(CATEGORY_COUNTS.values())


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    phone: str


DEMO_USERS = [
    DemoUser("gridworker", "刘东", User.Role.GRID_WORKER, "13880012345"),
    DemoUser("staff", "任参", User.Role.STREET_STAFF, "13908176543"),
    DemoUser("station", "周卫国", User.Role.STATION_OPERATOR, "13550087766"),
    DemoUser("admin", "系统管理员", User.Role.ADMIN, "18980011223"),
]
GRID_WORKER_GRID_COUNT = 2


def community_code(index: int) -> str:
    return f"{STREET_CODE}{index + 1:02d}"


def grid_code(community_index: int, grid_index: int) -> str:
    return f"{community_code(community_index)}{grid_index + 1:02d}"


# --- Generators ------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃戴莫孔向汤"
)
GIVEN_NAME_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国志文斌辉鹏飞宇浩俊凯琳雪梅婷丹欣怡晨阳"
    "佳琪思源涵轩嘉波海燕春秋菊德福康蓉川蜀"
)
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 176 177 180 181 182 183 185 186 "
    "187 188 189 191 198 199"
).split()
PLACE_WORDS = (
    "望江 锦江 蓉城 九眼桥 郭家桥 老成都 天府 锦官 芙蓉 府南 合江 竹林 金沙 银杏 顺兴 福源 鑫源 宏达 华兴 永丰 "
    "和盛 家乐 新南 红瓦 玉洁 共和 锦绣 安居 祥和 吉祥 兴隆 巴蜀 蜀香 川西 南门 水津 一品 百味 好邻居 优品"
).split()
FOOD_WORDS = "川味 蜀香 老成都 巴蜀 蓉城 锦里 九眼桥 望江 好吃 百味 老街 乡村".split()
FAMILY_WORDS = "嬢嬢 婆婆 师傅 老幺 二哥 大姐 幺妹".split()
COURTYARD_SUFFIXES = "兰庭 花园 小区 苑 家园 雅居 新村 公寓 华庭 锦苑 嘉园 雅苑 名苑 大院".split()
WORK_UNITS = "电信 供电局 水文站 川大 省建 邮电 交通厅 粮食局 机械厂 纺织厂 印刷厂 园林局 气象局".split()
DAYTIME_HOURS = ("08:30-21:30", "09:00-22:00", "08:00-22:00", "07:30-21:00", "09:30-21:00")
FOOD_HOURS = ("10:00-22:00", "11:00-14:00，17:00-22:00", "07:00-14:00", "10:30-23:00", "17:00-02:00", "06:30-21:00")
NIGHT_HOURS = ("14:00-02:00", "19:00-03:00", "13:00-01:00", "18:00-02:00")
OFFICE_HOURS = ("09:00-18:00", "08:30-17:30", "09:00-17:30")
ROUND_THE_CLOCK = ("24小时",)
FACILITY_NOTES = [
    "灭火器设置在收银台旁，每月检查一次压力。",
    "厨房安装燃气泄漏报警装置和自动切断阀。",
    "配备简易喷淋装置。",
    "设有独立式感烟火灾探测报警器。",
    "疏散通道和安全出口保持畅通，应急照明完好。",
    "楼道内禁止电动自行车停放充电。",
    "消防控制室24小时双人值班。",
    "室内消火栓箱配齐水带和水枪。",
    "油烟管道每季度清洗一次。",
    "微型消防站器材柜设在门卫室。",
]


@dataclass(frozen=True)
class Profile:
    """How the sites of one category look: names, sizes, facilities, credit code prefixes."""

    kinds: tuple[str, ...]
    pattern: str = "place"  # place | food | courtyard | building | rental | charging | parking | institution | project
    area: tuple[float, float] = (40, 200)
    storeys: tuple[int, int] = (1, 2)
    staff: tuple[int, int] | None = (2, 10)
    capacity: tuple[int, int] | None = None
    hours: tuple[str, ...] = DAYTIME_HOURS
    alarm: float = 0.05
    sprinklers: float = 0.02
    # Floor area per indoor hydrant; None where small units have none.
    hydrant_area: int | None = None
    # First two characters of the credit code (GB 32100 §4.1-4.2) and their weights.
    code_types: tuple[tuple[str, int], ...] = (("92", 7), ("91", 3))
    residential: bool = False


def profile(kinds: str, **options: Any) -> Profile:
    return Profile(tuple(kinds.split()), **options)


COMPANY = (("91", 1),)
PUBLIC_BODY = (("12", 1),)
NO_CODE: tuple[tuple[str, int], ...] = ()

PROFILES: dict[str, Profile] = {
    "XS01": profile(
        "便利店 五金店 百货店 烟酒店 水果店 文具店 副食店 茶叶店 服装店 眼镜店 花店 药房 母婴店 干杂店", area=(15, 280)
    ),
    "XS02": profile(
        "小面馆 冒菜 串串香 川菜馆 饺子馆 钵钵鸡 烧烤 豆花饭 甜水面 抄手店 中餐馆 兔头店 肥肠粉 火锅店",
        pattern="food", area=(20, 180), capacity=(8, 96), hours=FOOD_HOURS,
    ),
    "XS03": profile(
        "宾馆 旅馆 客栈 招待所 青年旅舍 快捷酒店",
        area=(150, 900), storeys=(2, 6), capacity=(8, 48), hours=ROUND_THE_CLOCK, alarm=0.3, sprinklers=0.2,
    ),
    "XS04": profile("KTV 歌舞厅 练歌房 酒吧 清吧", area=(60, 195), hours=NIGHT_HOURS, alarm=0.3, sprinklers=0.2),
    "XS05": profile(
        "足浴店 美容院 网吧 健身房 瑜伽馆 棋牌室 茶楼 美发店 推拿馆 桌球室",
        area=(30, 195), hours=DAYTIME_HOURS + NIGHT_HOURS, alarm=0.1,
    ),
    "XS06": profile(
        "诊所 口腔诊所 中医诊所 社区养老服务站 日间照料中心 康复理疗所",
        area=(40, 400), capacity=(0, 28), alarm=0.2, code_types=(("92", 3), ("91", 3), ("52", 4)),
    ),
    "XS07": profile(
        "幼儿园 托育中心 培训学校 艺术培训中心 英语培训中心 托管中心",
        area=(80, 600), storeys=(1, 3), staff=(4, 40), alarm=0.3, code_types=(("52", 8), ("91", 2)),
    ),
    "XS08": profile(
        "印刷厂 服装加工厂 木器加工厂 食品加工坊 广告制作部 汽车修理厂 家具作坊",
        area=(100, 800), staff=(3, 48), hours=OFFICE_HOURS, code_types=(("92", 5), ("91", 5)),
    ),
    "XS09": profile("烟花爆竹销售点 油漆涂料店 液化气销售点 化工商店 酒精销售部", area=(15, 95), staff=(1, 4)),
    "RM01": profile(
        "超市 购物中心 生活超市 百货商场",
        area=(400, 8000), storeys=(1, 4), staff=(10, 120), alarm=0.9, sprinklers=0.8, hydrant_area=400, code_types=COMPANY,
    ),
    "RM02": profile(
        "大酒店 宾馆 酒店 国际酒店 商务酒店",
        area=(1500, 20000), storeys=(5, 24), staff=(15, 200), capacity=(60, 400), hours=ROUND_THE_CLOCK,
        alarm=0.95, sprinklers=0.9, hydrant_area=500, code_types=COMPANY,
    ),
    "RM03": profile(
        "酒楼 老火锅 大酒家 宴会厅 中餐厅 海鲜酒楼",
        pattern="food", area=(300, 2000), storeys=(1, 3), staff=(15, 80), capacity=(110, 600), hours=FOOD_HOURS,
        alarm=0.7, sprinklers=0.6, hydrant_area=400, code_types=COMPANY,
    ),
    "RM04": profile(
        "KTV 影城 剧场 娱乐会所 电竞馆",
        area=(250, 3000), storeys=(1, 3), staff=(8, 60), hours=NIGHT_HOURS,
        alarm=0.9, sprinklers=0.85, hydrant_area=400, code_types=COMPANY,
    ),
    "RM05": profile(
        "医院 社区卫生服务中心 中医医院 妇幼保健院",
        pattern="institution", area=(2000, 40000), storeys=(3, 16), staff=(40, 800), capacity=(20, 500),
        hours=ROUND_THE_CLOCK, alarm=1.0, sprinklers=0.9, hydrant_area=600, code_types=(("12", 7), ("52", 3)),
    ),
    "RM06": profile(
        "养老院 颐养中心 社区养老服务中心 老年公寓",
        area=(600, 6000), storeys=(2, 8), staff=(10, 80), capacity=(31, 200), hours=ROUND_THE_CLOCK,
        alarm=0.9, sprinklers=0.7, hydrant_area=500, code_types=(("52", 7), ("91", 3)),
    ),
    "RM07": profile(
        "小学 中学 职业学校 实验学校",
        pattern="institution", area=(5000, 40000), storeys=(3, 6), staff=(50, 200), hours=("07:30-17:30",),
        alarm=0.8, sprinklers=0.3, hydrant_area=800, code_types=(("12", 8), ("52", 2)),
    ),
    "RM08": profile(
        "幼儿园 托儿所 育婴中心",
        area=(600, 3000), storeys=(2, 3), staff=(10, 40), hours=("07:30-18:00",),
        alarm=0.7, sprinklers=0.3, hydrant_area=600, code_types=(("12", 4), ("52", 6)),
    ),
    "RM09": profile(
        "文化活动中心 图书馆 体育馆 展览馆 游泳馆",
        pattern="institution", area=(1000, 12000), storeys=(1, 5), staff=(5, 60), hours=("09:00-21:00",),
        alarm=0.9, sprinklers=0.7, hydrant_area=600, code_types=PUBLIC_BODY,
    ),
    "RM10": profile(
        "观音寺 天主堂 福音堂 文殊庵",
        pattern="institution", area=(300, 4000), staff=(2, 20), hours=("08:00-17:00",),
        alarm=0.4, hydrant_area=800, code_types=NO_CODE,
    ),
    "RM11": profile(
        "广场 天地 中心 汇",
        area=(20000, 120000), storeys=(4, 8), staff=(100, 800), hours=("10:00-22:00",),
        alarm=1.0, sprinklers=1.0, hydrant_area=800, code_types=COMPANY,
    ),
    "RM12": profile(
        "大厦 写字楼 商务中心 国际中心 金融中心",
        area=(8000, 60000), storeys=(12, 40), staff=(50, 1500), hours=OFFICE_HOURS,
        alarm=1.0, sprinklers=0.95, hydrant_area=800, code_types=COMPANY,
    ),
    "ZZ01": profile(
        "", pattern="courtyard", area=(2000, 30000), storeys=(5, 9), staff=None, hours=(),
        hydrant_area=1500, code_types=NO_CODE, residential=True,
    ),
    "ZZ02": profile(
        "", pattern="building", area=(8000, 30000), storeys=(18, 33), staff=None, hours=(),
        alarm=0.8, sprinklers=0.3, hydrant_area=800, code_types=NO_CODE, residential=True,
    ),
    "ZZ03": profile(
        "", pattern="rental", area=(40, 300), storeys=(2, 7), staff=None, hours=(),
        alarm=0.02, code_types=NO_CODE, residential=True,
    ),
    "ZZ04": profile(
        "", pattern="charging", area=(30, 300), storeys=(1, 1), staff=None, hours=ROUND_THE_CLOCK,
        alarm=0.2, sprinklers=0.3, code_types=NO_CODE, residential=True,
    ),
    "GY01": profile(
        "机械有限公司 电子科技有限公司 食品有限公司 印务有限公司 制药有限公司",
        area=(2000, 20000), storeys=(1, 5), staff=(51, 400), hours=OFFICE_HOURS,
        alarm=0.8, sprinklers=0.6, hydrant_area=600, code_types=COMPANY,
    ),
    "GY02": profile(
        "仓储有限公司 物流配送站 快递驿站 仓库 物流有限公司",
        area=(200, 8000), staff=(3, 60), alarm=0.5, sprinklers=0.4, hydrant_area=600, code_types=(("91", 8), ("92", 2)),
    ),
    "GY03": profile(
        "", pattern="parking", area=(1000, 15000), storeys=(1, 2), staff=(1, 6), hours=ROUND_THE_CLOCK,
        alarm=0.7, sprinklers=0.8, hydrant_area=800, code_types=NO_CODE,
    ),
    "WH01": profile(
        "加油站 加气站 充电站", area=(300, 2000), staff=(6, 20), hours=ROUND_THE_CLOCK, alarm=0.5, code_types=COMPANY
    ),
    "WH02": profile(
        "燃气供应站 液化气供应点 瓶装燃气配送站", area=(30, 300), staff=(2, 12), alarm=0.3, code_types=(("91", 7), ("92", 3))
    ),
    "WH03": profile(
        "中餐厅 火锅店 职工食堂 餐馆 烤鱼店 蒸菜馆",
        pattern="food", area=(80, 800), staff=(4, 40), capacity=(30, 300), hours=FOOD_HOURS,
        alarm=0.3, sprinklers=0.2, hydrant_area=500, code_types=(("91", 5), ("92", 5)),
    ),
    "WH04": profile(
        "化工有限公司 化学试剂经营部 危险化学品经营部",
        area=(30, 500), staff=(2, 20), hours=OFFICE_HOURS, alarm=0.4, code_types=COMPANY,
    ),
    "GG01": profile(
        "住宅项目 老旧小区改造工程 商业综合楼项目 市政道路改造工程 学校扩建工程",
        pattern="project", area=(3000, 60000), storeys=(1, 30), staff=(30, 300), hours=("07:00-19:00",),
        alarm=0.0, sprinklers=0.0, code_types=COMPANY,
    ),
    "GG02": profile(
        "农贸市场 菜市场 集贸市场",
        area=(800, 5000), storeys=(1, 2), staff=(10, 60), hours=("06:30-19:30",),
        alarm=0.5, sprinklers=0.3, hydrant_area=600, code_types=COMPANY,
    ),
    "GG03": profile(
        "党群服务中心 派出所 税务所 卫生监督所 市场监管所 社区服务中心",
        pattern="institution", area=(500, 8000), storeys=(2, 8), staff=(8, 120), hours=OFFICE_HOURS,
        alarm=0.8, sprinklers=0.4, hydrant_area=800, code_types=(("11", 5), ("12", 5)),
    ),
    "GG04": profile(
        "会馆旧址 故居 祠堂 古戏台",
        pattern="institution", area=(200, 3000), storeys=(1, 2), staff=(1, 10), hours=("09:00-17:00",),
        alarm=0.6, code_types=NO_CODE,
    ),
}  # fmt: skip


# GB 11714-1997: the organisation code's check digit (9th character) over its first 8.
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_CODE_SPACE = 31**8
# A multiplier coprime to 31 makes index -> code a bijection: distinct indexes, distinct codes.
ORG_CODE_MULTIPLIER = 3**18
ORG_CODE_OFFSET = 123_456_789


def org_code(index: int) -> str:
    """A valid 9-character organisation code (GB 11714) unique to ``index``."""
    value = (index * ORG_CODE_MULTIPLIER + ORG_CODE_OFFSET) % ORG_CODE_SPACE
    chars = []
    for _position in range(8):
        value, digit = divmod(value, 31)
        chars.append(CREDIT_CODE_CHARSET[digit])
    body = "".join(reversed(chars))
    values = [int(char) if char.isdigit() else ord(char) - 55 for char in body]
    total = sum(value * weight for value, weight in zip(values, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(index: int, code_type: str, division: str = "510107") -> str:
    """A valid unified social credit code (GB 32100): type, division (510107 = 武侯区), organisation code, check."""
    first_17 = code_type + division + org_code(index)
    return first_17 + credit_code_check_character(first_17)


@dataclass
class GridPlace:
    """Where a grid lies: its roads with a block of house numbers each, and its centre."""

    code: str
    segments: list[tuple[str, int, int]]
    latitude: float
    longitude: float
    courtyards: list[tuple[str, str]] = field(default_factory=list)


def grid_places() -> list[GridPlace]:
    """The demo street's grids: each takes two (road, numbers) blocks of its community, none shared."""
    places = []
    for c_index, (_name, roads) in enumerate(COMMUNITIES):
        # Communities on a 4 x 2 layout around the centre, about 600 m apart.
        c_lat = CENTRE[0] + (c_index // 4 - 0.5) * 0.006
        c_lon = CENTRE[1] + (c_index % 4 - 1.5) * 0.007
        for g_index in range(GRIDS_PER_COMMUNITY):
            segments = []
            for k in range(2):
                slot = g_index * 2 + k
                block = slot // len(roads)
                segments.append((roads[slot % len(roads)], block * 60 + 1, block * 60 + 60))
            places.append(
                GridPlace(
                    code=grid_code(c_index, g_index),
                    segments=segments,
                    latitude=c_lat + (g_index % 3 - 1) * 0.0018,
                    longitude=c_lon + (g_index // 3 - 0.5) * 0.0025,
                )
            )
    return places


class SiteGenerator:
    """Makes plausible site files, one field dict at a time, from one random.Random."""

    def __init__(self, rng: random.Random, places: list[GridPlace]):
        self.rng = rng
        self.places = places
        self.grid_weights = [rng.uniform(0.6, 1.4) for _place in places]
        self.used_names: set[str] = set()
        self.used_name_addresses: set[tuple[str, str]] = set()

    # People and numbers.
    def person(self) -> str:
        given = "".join(self.rng.choice(GIVEN_NAME_CHARS) for _i in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def decimal_coordinate(self, centre: float, spread: float) -> Decimal:
        return Decimal(f"{centre + self.rng.uniform(-spread, spread):.6f}")

    # Places.
    def house_number(self, place: GridPlace) -> tuple[str, int]:
        road, low, high = self.rng.choice(place.segments)
        return road, self.rng.randint(low, high)

    def address(self, place: GridPlace) -> tuple[str, str]:
        """A street address in the grid, and its road."""
        road, number = self.house_number(place)
        roll = self.rng.random()
        if roll < 0.2:
            return f"{road}{number}号附{self.rng.randint(1, 12)}号", road
        if roll < 0.3:
            return f"{road}{number}号{self.rng.randint(1, 3)}楼", road
        return f"{road}{number}号", road

    def courtyard(self, place: GridPlace) -> tuple[str, str]:
        """A new courtyard of the grid: its name and address."""
        road, number = self.house_number(place)
        roll = self.rng.random()
        if roll < 0.2:
            name = f"{road}{number}号院"
        elif roll < 0.35:
            name = f"{self.rng.choice(WORK_UNITS)}{self.rng.choice(('宿舍', '家属院', '职工宿舍'))}"
        else:
            name = f"{self.rng.choice(PLACE_WORDS)}{self.rng.choice(COURTYARD_SUFFIXES)}"
        return name, f"{road}{number}号"

    def existing_courtyard(self, place: GridPlace) -> tuple[str, str]:
        """The courtyard a building, rental or garage belongs to: mostly one generated before."""
        if place.courtyards and self.rng.random() < 0.85:
            return self.rng.choice(place.courtyards)
        return self.courtyard(place)

    # Names.
    def shop_name(self, profile: Profile) -> str:
        kind = self.rng.choice(profile.kinds)
        if profile.pattern == "food" and self.rng.random() < 0.45:
            surname = self.rng.choice(SURNAMES)
            if self.rng.random() < 0.5:
                return f"{surname}记{kind}"
            return f"{surname}{self.rng.choice(FAMILY_WORDS)}{kind}"
        words = FOOD_WORDS if profile.pattern == "food" else PLACE_WORDS
        return f"{self.rng.choice(words)}{kind}"

    def unique_name(self, name: str, road: str) -> str:
        """Chains have branches: a name already used gets its road, as shop signs do."""
        if name in self.used_names:
            name = f"{name}（{road}店）"
        self.used_names.add(name)
        return name

    def named_at_address(self, name: str, place: GridPlace) -> tuple[str, str]:
        address, road = self.address(place)
        return self.unique_name(name, road), address

    def name_and_address(self, profile: Profile, place: GridPlace) -> tuple[str, str]:
        pattern = profile.pattern
        if pattern == "courtyard":
            return self.courtyard(place)
        if pattern == "building":
            name, address = self.existing_courtyard(place)
            building = self.rng.randint(1, 12)
            return f"{name}{building}栋", f"{address}{building}栋"
        if pattern == "rental":
            name, address = self.existing_courtyard(place)
            building, unit, floor, room = (
                self.rng.randint(1, 8),
                self.rng.randint(1, 3),
                self.rng.randint(1, 7),
                self.rng.randint(1, 4),
            )
            return f"{name}{building}栋{unit}单元出租房屋", f"{address}{building}栋{unit}单元{floor}0{room}号"
        if pattern == "charging":
            name, address = self.existing_courtyard(place)
            return f"{name}电动自行车集中充电棚", address
        if pattern == "parking":
            if self.rng.random() < 0.7:
                name, address = self.existing_courtyard(place)
                return f"{name}地下停车场", address
            return f"{self.rng.choice(PLACE_WORDS)}人防工程", self.address(place)[0]
        if pattern == "institution":
            return self.named_at_address(f"{self.rng.choice(PLACE_WORDS[:16])}{self.rng.choice(profile.kinds)}", place)
        if pattern == "project":
            return self.named_at_address(f"{self.rng.choice(PLACE_WORDS)}{self.rng.choice(profile.kinds)}工地", place)
        return self.named_at_address(self.shop_name(profile), place)

    def site(self, index: int, code: str) -> dict[str, Any]:
        """One site file's field values, with ``grid`` and ``category`` given by code."""
        rng = self.rng
        profile = PROFILES[code]
        place = rng.choices(self.places, weights=self.grid_weights)[0]
        name, address = self.name_and_address(profile, place)
        # Without a credit code a site is known by name and address, so those must not repeat.
        if not profile.code_types:
            while (name, address) in self.used_name_addresses:
                name, address = self.name_and_address(profile, place)
            self.used_name_addresses.add((name, address))
            if profile.pattern == "courtyard":
                place.courtyards.append((name, address))
            code_value = None
        else:
            kinds, weights = zip(*profile.code_types, strict=True)
            code_value = credit_code(index, rng.choices(kinds, weights=weights)[0])

        area = round(rng.uniform(*profile.area), 1)
        storeys = rng.randint(*profile.storeys)
        staff = rng.randint(*profile.staff) if profile.staff else None
        capacity = rng.randint(*profile.capacity) if profile.capacity else None
        # GB 50140-2005 §6.1.1: at least two per calculation unit; a few sites fall short,
        # as they do in the field, so inspections have something to find.
        extinguishers = max(2, min(60, int(area // 60) + rng.randint(0, 2)))
        if rng.random() < 0.05:
            extinguishers = rng.randint(0, 1)
        hydrants = max(1, int(area // profile.hydrant_area)) if profile.hydrant_area and area >= profile.hydrant_area else 0
        exits = 1 if area < 150 else min(8, 2 + int(area // 3000))
        has_contact = rng.random() < (0.9 if profile.residential else 0.65)

        status = Site.Status.OPERATING
        if not profile.residential:
            roll = rng.random()
            if roll < 0.03:
                status = Site.Status.CLOSED
            elif roll < 0.08:
                status = Site.Status.SUSPENDED

        return {
            "name": name,
            "credit_code": code_value,
            "category": code,
            "grid": place.code,
            "address": address,
            "latitude": self.decimal_coordinate(place.latitude, 0.0012),
            "longitude": self.decimal_coordinate(place.longitude, 0.0014),
            "responsible_person": self.person(),
            "responsible_phone": self.mobile(),
            "safety_contact": self.person() if has_contact else "",
            "safety_contact_phone": self.mobile() if has_contact else "",
            "floor_area": Decimal(f"{area:.1f}"),
            "storeys": storeys,
            "staff_count": staff,
            "capacity": capacity,
            "opening_hours": rng.choice(profile.hours) if profile.hours else "",
            "extinguisher_count": extinguishers,
            "hydrant_count": hydrants,
            "has_fire_alarm_system": rng.random() < profile.alarm,
            "has_sprinklers": rng.random() < profile.sprinklers,
            "exit_count": exits,
            "facilities_note": rng.choice(FACILITY_NOTES) if rng.random() < 0.3 else "",
            "status": status,
            **_uses(code, index),
        }


# How the sites of a category are used: the share of them with a kitchen, bottled LPG,
# piped gas, e-bikes parked or charged, flammable goods stored. Drawn from a generator
# of their own, so the rest of each site stays as it was.
USES: dict[str, tuple[float, float, float, float, float]] = {
    "XS02": (1.0, 0.6, 0.4, 0.1, 0.0),
    "XS03": (0.3, 0.1, 0.3, 0.3, 0.0),
    "XS06": (0.2, 0.0, 0.2, 0.1, 0.1),
    "XS07": (0.5, 0.1, 0.4, 0.1, 0.0),
    "XS08": (0.2, 0.1, 0.1, 0.3, 0.5),
    "XS09": (0.0, 0.4, 0.0, 0.1, 1.0),
    "RM01": (0.3, 0.0, 0.4, 0.2, 0.1),
    "RM02": (0.9, 0.1, 0.9, 0.2, 0.0),
    "RM03": (1.0, 0.3, 0.8, 0.1, 0.0),
    "RM05": (0.6, 0.0, 0.6, 0.2, 0.2),
    "RM06": (0.9, 0.1, 0.8, 0.2, 0.0),
    "RM07": (0.8, 0.1, 0.8, 0.3, 0.1),
    "RM08": (0.9, 0.1, 0.8, 0.2, 0.0),
    "RM11": (0.8, 0.1, 0.9, 0.3, 0.0),
    "ZZ01": (0.0, 0.2, 0.9, 0.8, 0.0),
    "ZZ02": (0.0, 0.0, 1.0, 0.6, 0.0),
    "ZZ03": (0.3, 0.4, 0.5, 0.7, 0.0),
    "ZZ04": (0.0, 0.0, 0.0, 1.0, 0.0),
    "GY01": (0.5, 0.2, 0.5, 0.3, 0.6),
    "GY02": (0.1, 0.0, 0.1, 0.4, 0.4),
    "GY03": (0.0, 0.0, 0.0, 0.5, 0.1),
    "WH01": (0.0, 0.0, 0.0, 0.0, 1.0),
    "WH02": (0.0, 1.0, 0.5, 0.0, 1.0),
    "WH03": (1.0, 0.5, 0.6, 0.0, 0.0),
    "WH04": (0.0, 0.0, 0.0, 0.0, 1.0),
    "GG01": (0.3, 0.3, 0.0, 0.3, 0.4),
    "GG02": (0.5, 0.6, 0.2, 0.3, 0.1),
    "GG03": (0.5, 0.0, 0.5, 0.3, 0.0),
}
USE_FIELDS = ("has_kitchen", "uses_lpg", "uses_piped_gas", "has_ebike_charging", "stores_flammables")


def _uses(code: str, index: int) -> dict[str, bool]:
    rng = random.Random(f"{SEED}:uses:{index}")
    return {field: rng.random() < share for field, share in zip(USE_FIELDS, USES.get(code, (0.0,) * 5), strict=True)}


def demo_site_rows() -> list[dict[str, Any]]:
    """The demo street's 1,662 site files; the same list on every call.

    Courtyards come first so that the buildings, rentals and garages generated
    afterwards can name the courtyard they belong to.
    """
    generator = SiteGenerator(random.Random(SEED), grid_places())
    codes = sorted(CATEGORY_COUNTS, key=lambda code: (code != "ZZ01", code))
    rows = []
    for code in codes:
        for _i in range(CATEGORY_COUNTS[code]):
            rows.append(generator.site(len(rows), code))
    return rows


# --- Writing ---------------------------------------------------------------------


class DemoSeedError(Exception):
    """The database is not ready for the demo street (e.g. migrations not run)."""


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _categories() -> dict[str, Category]:
    categories = {category.code: category for category in Category.objects.all()}
    missing = sorted(set(CATEGORY_COUNTS) - set(categories))
    if missing:
        raise DemoSeedError(_("Categories %(codes)s are missing; run `manage.py migrate` first.") % {"codes": ", ".join(missing)})
    return categories


def _demo_grids() -> dict[str, Grid]:
    return {grid.code: grid for grid in Grid.objects.filter(community__street__code=STREET_CODE).select_related("community")}


def _created_change(site: Site) -> SiteChange:
    """The first entry of a site file's history, as ``site_create`` records it, without an actor."""
    return SiteChange(site=site, actor=None, action=SiteChange.Action.CREATED, changes=site_creation_changes(site=site))


def _bulk_create_sites(
    rows: Iterable[dict[str, Any]],
    *,
    grids: dict[str, Grid],
    categories: dict[str, Category],
    batch_size: int = BATCH_SIZE,
    record_history: bool = True,
) -> int:
    created = 0
    for batch in _batches(rows, batch_size):
        sites = [Site(**{**row, "grid": grids[row["grid"]], "category": categories[row["category"]]}) for row in batch]
        with transaction.atomic():
            # PostgreSQL and SQLite (3.35+) return the new primary keys, which the history rows need.
            Site.objects.bulk_create(sites, batch_size=batch_size)
            if record_history:
                SiteChange.objects.bulk_create([_created_change(site) for site in sites], batch_size=batch_size)
        created += len(sites)
    return created


def _get_or_create_by_code(queryset, wanted: list[dict[str, Any]]) -> tuple[dict[str, Any], int]:
    """Rows of ``queryset`` by code, creating the missing ones in one insert; returns (rows, created)."""
    model = queryset.model
    existing = {row.code: row for row in queryset.filter(code__in=[item["code"] for item in wanted])}
    missing = [model(**item) for item in wanted if item["code"] not in existing]
    model.objects.bulk_create(missing)
    rows = {**existing, **{row.code: row for row in missing}}
    return rows, len(missing)


@dataclass
class SeedResult:
    created: dict[str, int]
    # Users this run created; the others existed before and may have another password now.
    created_usernames: list[str]

    @property
    def anything_created(self) -> bool:
        return any(self.created.values())


def database_is_empty() -> bool:
    """No territory and no sites yet: the categories of the migrations are all there is."""
    return not Street.objects.exists() and not Site.objects.exists()


@transaction.atomic
def seed_demo() -> SeedResult:
    """Create what is missing of the demo street; a second run finds everything and adds nothing.

    1. The street, its 8 communities and 40 grids, by code.
    2. The micro fire station covering every grid, by name.
    3. One user per role, by username, with the demo password.
    4. The 1,662 site files, matched by credit code or by name and address, each
       with the first entry of its history.
    """
    categories = _categories()
    created: dict[str, int] = {}

    street, street_created = Street.objects.get_or_create(code=STREET_CODE, defaults={"name": STREET_NAME})
    created["streets"] = int(street_created)

    communities, created["communities"] = _get_or_create_by_code(
        Community.objects.all(),
        [{"street": street, "name": name, "code": community_code(index)} for index, (name, _roads) in enumerate(COMMUNITIES)],
    )
    grid_specs = []
    for c_index in range(len(COMMUNITIES)):
        community = communities[community_code(c_index)]
        for g_index in range(GRIDS_PER_COMMUNITY):
            grid_specs.append({"community": community, "name": GRID_NAMES[g_index], "code": grid_code(c_index, g_index)})
    grids, created["grids"] = _get_or_create_by_code(Grid.objects.select_related("community"), grid_specs)
    ordered_grids = [grids[spec["code"]] for spec in grid_specs]

    station, station_created = FireStation.objects.get_or_create(
        name=STATION_NAME, defaults={"street": street, "phone": STATION_PHONE}
    )
    if station_created:
        station.grids.set(ordered_grids)
    created["stations"] = int(station_created)

    existing_users = set(User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list("username", flat=True))
    created_usernames = []
    # One hash for all demo users: hashing is deliberately slow, and the password is published anyway.
    password_hash = make_password(DEMO_PASSWORD) if len(existing_users) < len(DEMO_USERS) else ""
    for spec in DEMO_USERS:
        if spec.username in existing_users:
            continue
        user = User.objects.create(
            username=spec.username,
            full_name=spec.full_name,
            role=spec.role,
            phone=spec.phone,
            password=password_hash,
            street=street if spec.role == User.Role.STREET_STAFF else None,
            station=station if spec.role == User.Role.STATION_OPERATOR else None,
            is_staff=spec.role == User.Role.ADMIN,
            is_superuser=spec.role == User.Role.ADMIN,
        )
        if spec.role == User.Role.GRID_WORKER:
            user.grids.set(ordered_grids[:GRID_WORKER_GRID_COUNT])
        created_usernames.append(spec.username)
    created["users"] = len(created_usernames)

    rows = demo_site_rows()
    taken_codes = set(Site.objects.filter(credit_code__gt="").values_list("credit_code", flat=True))
    taken_places = set(Site.objects.filter(credit_code__isnull=True).values_list("name", "address"))
    missing = [
        row
        for row in rows
        if (row["credit_code"] not in taken_codes if row["credit_code"] else (row["name"], row["address"]) not in taken_places)
    ]
    created["sites"] = _bulk_create_sites(missing, grids=grids, categories=categories)
    return SeedResult(created=created, created_usernames=created_usernames)


class _NeverUsed(set):
    """A set that remembers nothing, so generating 100,000 names costs no memory and no retries."""

    def add(self, item: Any) -> None:
        pass


def generate_sites(count: int, *, start: int, batch_size: int = BATCH_SIZE, record_history: bool = True) -> int:
    """Add ``count`` synthetic site files to the demo street's grids, e.g. for a benchmark.

    ``start`` numbers the new sites; their credit codes derive from start + i,
    so pass a start past every number used before (the demo street uses
    0..DEMO_SITE_COUNT - 1). Categories follow the demo street's mix.
    """
    categories = _categories()
    grids = _demo_grids()
    places = [place for place in grid_places() if place.code in grids]
    if not places:
        raise DemoSeedError(_("The demo street has no grids yet; run `manage.py seed_demo` first."))
    rng = random.Random(f"{SEED}:{start}")
    generator = SiteGenerator(rng, places)
    codes, weights = zip(*CATEGORY_COUNTS.items(), strict=True)
    # Synthetic names and addresses may repeat; the number of each file without a
    # credit code is added to its address, since the registry allows no twin of those.
    generator.used_name_addresses = _NeverUsed()
    generator.used_names = _NeverUsed()

    def rows() -> Iterator[dict[str, Any]]:
        for index in range(start, start + count):
            row = generator.site(index, rng.choices(codes, weights=weights)[0])
            if row["credit_code"] is None:
                row["address"] = f"{row['address']}（{index}）"
            yield row

    return _bulk_create_sites(rows(), grids=grids, categories=categories, batch_size=batch_size, record_history=record_history)


# --- Logins ----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    # None when the user has changed the demo password since.
    password: str | None


def demo_logins(*, known_current: Iterable[str] = ()) -> list[DemoLogin]:
    """The demo users that exist, each with the demo password where it still opens the account.

    ``known_current`` names users just created with the demo password, whose
    (deliberately slow) password check can be skipped.
    """
    known = set(known_current)
    users = {user.username: user for user in User.objects.filter(username__in=[u.username for u in DEMO_USERS])}
    logins = []
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        current = spec.username in known or check_password(DEMO_PASSWORD, user.password)
        logins.append(DemoLogin(user.username, str(user.get_role_display()), DEMO_PASSWORD if current else None))
    return logins

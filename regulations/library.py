# ruff: noqa: E501
"""The seeded regulation library: legal bases, clauses, checklist items and risk factors.

Plain data, read by the data migration regulations/migrations/0002_seed_library.py,
which can be run again without harm (documents by code, clauses by number, items and
risk factors by code). Category codes are those of enterprises/migrations/0002.

Every clause below was confirmed in a public copy of the document's text before it was
entered; the comment beside it names where. An item whose clause number could not be
confirmed cites the document alone (clause None), and says so. GB 35181-2025's direct
criteria are cited by their chapter (第5章, named in the standard's own foreword), since
the numbers of the individual criteria of the 2025 edition could not be confirmed.
"""

# --- Legal bases ------------------------------------------------------------------------------
# code, kind, title, edition, in force from (ISO date or None where not confirmed), issuer, superseded by
BASES = [
    # wechat.estsglobal.com (full text, "2021年4月29日施行")
    ("中华人民共和国消防法", "law", "中华人民共和国消防法", "2021年修正", "2021-04-29", "全国人民代表大会常务委员会", None),
    # wechat.estsglobal.com ("2021年9月1日施行")
    (
        "中华人民共和国安全生产法",
        "law",
        "中华人民共和国安全生产法",
        "2021年修正",
        "2021-09-01",
        "全国人民代表大会常务委员会",
        None,
    ),
    ("城镇燃气管理条例", "administrative_regulation", "城镇燃气管理条例", "", None, "国务院", None),
    ("危险化学品安全管理条例", "administrative_regulation", "危险化学品安全管理条例", "", None, "国务院", None),
    ("公安部令第61号", "ministry_rule", "机关、团体、企业、事业单位消防安全管理规定", "", None, "公安部", None),
    # 6cu.com, cititic.com: in force 2021-08-01
    ("应急管理部令第5号", "ministry_rule", "高层民用建筑消防安全管理规定", "", "2021-08-01", "应急管理部", None),
    ("古建筑消防管理规则", "ministry_rule", "古建筑消防管理规则", "", None, "", None),
    (
        "公安部关于规范电动车停放充电加强火灾防范的通告",
        "normative_document",
        "公安部关于规范电动车停放充电加强火灾防范的通告",
        "",
        None,
        "公安部",
        None,
    ),
    # cidian.kuaisou.com: approved by the Ministry of Construction, in force 2005-10-01
    ("GB 50140-2005", "national_standard", "建筑灭火器配置设计规范", "", "2005-10-01", "中华人民共和国建设部", None),
    # mohurd.gov.cn list of the general codes: in force 2023-03-01
    ("GB 55036-2022", "national_standard", "消防设施通用规范", "", "2023-03-01", "住房和城乡建设部", None),
    # in force 2023-06-01 (list of the general codes)
    ("GB 55037-2022", "national_standard", "建筑防火通用规范", "", "2023-06-01", "住房和城乡建设部", None),
    # szhxt8.com.cn: in force 2015-05-01; the 2018 edition revised it
    ("GB 50016-2014", "national_standard", "建筑设计防火规范", "2018年版", "2015-05-01", "住房和城乡建设部", None),
    # fire114.cn (foreword of the full text): published 2025-04-25, in force 2025-11-01, replaces GB 35181-2017
    (
        "GB 35181-2025",
        "national_standard",
        "重大火灾隐患判定规则",
        "",
        "2025-11-01",
        "国家市场监督管理总局、国家标准化管理委员会",
        None,
    ),
    ("GB 35181-2017", "national_standard", "重大火灾隐患判定方法", "", None, "", "GB 35181-2025"),
    # miangbjq.com: "GB50028-2006(2020修订版)"
    ("GB 50028-2006", "national_standard", "城镇燃气设计规范", "2020年版", None, "", None),
    ("GB 55009-2021", "national_standard", "燃气工程项目规范", "", None, "住房和城乡建设部", None),
    # airport-pavements-failure.com (title page): issued by MOHURD and AQSIQ
    ("GB 50720-2011", "national_standard", "建设工程施工现场消防安全技术规范", "", None, "住房和城乡建设部", None),
    # women11.com, x.yjjs666.cn: published 2024-12-31, in force 2025-09-01, replaces the 2018 edition
    ("GB 17761-2024", "national_standard", "电动自行车安全技术规范", "", "2025-09-01", "", None),
    ("XF 1131-2014", "industry_standard", "仓储场所消防安全管理通则", "", None, "", None),
    ("GB/T 40248-2021", "national_standard", "人员密集场所消防安全管理", "", None, "", None),
    ("GA 654-2006", "industry_standard", "人员密集场所消防安全管理", "", None, "公安部", "GB/T 40248-2021"),
]

# --- Clauses ----------------------------------------------------------------------------------
# basis code, number, the requirement in short
CLAUSES = [
    # 中华人民共和国消防法 (2021年修正)
    (
        "中华人民共和国消防法",
        "第十六条",
        "单位应落实消防安全责任制、配置并维护消防设施器材、每年全面检测建筑消防设施、保障疏散通道畅通、组织防火检查和消防演练。",
    ),  # wechat.estsglobal.com
    (
        "中华人民共和国消防法",
        "第十七条",
        "消防安全重点单位应确定消防安全管理人、建立消防档案、实行每日防火巡查并建立记录、进行岗前和定期消防培训及演练。",
    ),  # uianet.net; wechat.estsglobal.com
    (
        "中华人民共和国消防法",
        "第十九条",
        "生产、储存、经营易燃易爆危险品的场所不得与居住场所设置在同一建筑物内；其他物品的场所与居住场所同建筑的，应符合消防技术标准。",
    ),  # uianet.net
    (
        "中华人民共和国消防法",
        "第二十一条",
        "禁止在具有火灾、爆炸危险的场所吸烟、使用明火；明火作业事先办理审批手续；电焊、气焊等作业人员持证上岗。",
    ),  # wechat.estsglobal.com; jjcbw.com
    (
        "中华人民共和国消防法",
        "第二十八条",
        "不得损坏、挪用或擅自拆除、停用消防设施器材，不得埋压、圈占、遮挡消火栓，不得占用、堵塞、封闭疏散通道、安全出口、消防车通道；人员密集场所门窗不得设置影响逃生和灭火救援的障碍物。",
    ),  # yooc.me; yuansudz.com
    # 中华人民共和国安全生产法 (2021年修正)
    (
        "中华人民共和国安全生产法",
        "第四十二条",
        "危险物品的车间、商店、仓库不得与员工宿舍在同一座建筑物内；出口、疏散通道应保持畅通，禁止占用、锁闭、封堵。",
    ),  # wechat.estsglobal.com
    # 危险化学品安全管理条例
    (
        "危险化学品安全管理条例",
        "第三十三条",
        "国家对危险化学品经营（包括仓储经营）实行许可制度，未经许可不得经营危险化学品。",
    ),  # qq94.com
    # 公安部令第61号
    (
        "公安部令第61号",
        "第十三条",
        "消防安全重点单位的范围（公众聚集场所、医院、学校、养老院等）。",
    ),  # wodeyuanxiao.com; yuhang55.com
    (
        "公安部令第61号",
        "第二十五条",
        "消防安全重点单位每日防火巡查；公众聚集场所营业期间至少每二小时巡查一次，营业结束时检查、消除遗留火种；医院、养老院、寄宿制学校、托儿所、幼儿园加强夜间巡查。",
    ),  # bbs.bangkaow.com; jikaoti.com
    (
        "公安部令第61号",
        "第二十六条",
        "机关、团体、事业单位至少每季度、其他单位至少每月进行一次防火检查；检查记录由检查人员和被检查部门负责人签名。",
    ),  # kuaida2.com
    (
        "公安部令第61号",
        "第三十六条",
        "消防安全重点单位每年至少对每名员工培训一次；公众聚集场所至少每半年培训一次；新上岗和进入新岗位的员工进行岗前培训。",
    ),  # zhao119.com
    (
        "公安部令第61号",
        "第三十七条",
        "公众聚集场所在营业、活动期间，通过张贴图画、广播、闭路电视等向公众宣传防火、灭火、疏散逃生常识。",
    ),  # zhao119.com
    (
        "公安部令第61号",
        "第三十八条",
        "消防安全责任人、管理人、消防控制室值班操作人员等接受消防安全专门培训；消防控制室值班操作人员持证上岗。",
    ),  # zhao119.com
    # 应急管理部令第5号 高层民用建筑消防安全管理规定
    (
        "应急管理部令第5号",
        "第二十六条",
        "高层民用建筑消防控制室实行24小时值班制度，每班不少于2名值班人员，值班操作人员持证上岗。",
    ),  # m.yd166.com
    (
        "应急管理部令第5号",
        "第三十七条",
        "禁止在公共门厅、疏散走道、楼梯间、安全出口停放电动自行车或为其充电；存放充电场所独立设置或防火分隔，配备消防器材，充电设施具备充满自动断电功能。",
    ),  # zgfllt.com; faluji.com; 6cu.com
    (
        "应急管理部令第5号",
        "第四十四条",
        "高层民用建筑每年至少进行一次全要素综合演练，建筑高度超过100米的高层公共建筑每半年至少一次。",
    ),  # m.juego-ben10.com
    ("应急管理部令第5号", "第四十五条", "高层公共建筑内的人员密集场所按楼层、区域确定疏散引导员。"),  # m.juego-ben10.com
    # 古建筑消防管理规则
    (
        "古建筑消防管理规则",
        "第十一条",
        "严格管理火源、电源和易燃易爆物品；保护范围内不得堆存柴草、木料等易燃可燃物品；严禁将煤气、液化石油气引入古建筑物内。",
    ),  # otwtv.com; syrybj.com
    (
        "古建筑消防管理规则",
        "第十二条",
        "禁止利用古建筑当旅店、食堂、招待所或职工宿舍；禁止在主要殿屋进行生产、生活用火。",
    ),  # otwtv.com
    (
        "古建筑消防管理规则",
        "第十三条",
        "重点要害场所设置“禁止烟火”明显标志；宗教活动场所点灯、烧纸、焚香须在指定地点，有防火设施并有专人看管。",
    ),  # otwtv.com
    # 公安部关于规范电动车停放充电加强火灾防范的通告 (paragraphs 二 and 三)
    (
        "公安部关于规范电动车停放充电加强火灾防范的通告",
        "二",
        "落实停放充电管理责任：物业服务企业或主管单位对电动车停放、充电实施消防安全管理。",
    ),  # yanliang.com
    (
        "公安部关于规范电动车停放充电加强火灾防范的通告",
        "三",
        "严禁在建筑内共用走道、楼梯间、安全出口处等公共区域停放电动车或为其充电；确需在住房内停放充电的，落实隔离、监护等措施。",
    ),  # uianet.net; yanliang.com
    # GB 50140-2005
    ("GB 50140-2005", "4.2.1", "A类火灾场所应选择水型、磷酸铵盐干粉、泡沫或卤代烷灭火器。"),  # guifancha.com
    ("GB 50140-2005", "5.1.1", "灭火器应设置在位置明显和便于取用的地点，且不得影响安全疏散。"),  # guifancha.com
    (
        "GB 50140-2005",
        "5.1.2",
        "对有视线障碍的灭火器设置点，应设置指示其位置的发光标志。",
    ),  # xl7966.com, aiermaxiaofang.com (between 5.1.1 and 5.1.3)
    (
        "GB 50140-2005",
        "5.1.3",
        "灭火器摆放稳固、铭牌朝外；手提式灭火器顶部离地面不应大于1.50m，底部不宜小于0.08m；灭火器箱不得上锁。",
    ),  # zjses.org; xl7966.com
    ("GB 50140-2005", "5.1.5", "灭火器不得设置在超出其使用温度范围的地点。"),  # guifancha.com
    (
        "GB 50140-2005",
        "5.2.1",
        "A类火灾场所灭火器最大保护距离：手提式严重危险级15m、中危险级20m、轻危险级25m。",
    ),  # guifancha.com (number), aiermaxiaofang.com (values)
    (
        "GB 50140-2005",
        "5.2.2",
        "B、C类火灾场所灭火器最大保护距离：手提式严重危险级9m、中危险级12m、轻危险级15m。",
    ),  # aiermaxiaofang.com; cidian.kuaisou.com (mandatory clauses)
    ("GB 50140-2005", "6.1.1", "一个计算单元内配置的灭火器数量不得少于2具。"),  # cidian.kuaisou.com; m.jianbiaoku.com
    ("GB 50140-2005", "6.1.2", "每个设置点的灭火器数量不宜多于5具。"),  # cidian.kuaisou.com; m.jianbiaoku.com
    (
        "GB 50140-2005",
        "6.1.3",
        "住宅楼每层公共部位建筑面积超过100m²时，应配置1具1A手提式灭火器；每增加100m²增配1具。",
    ),  # cidian.kuaisou.com; haitianxf.com
    ("GB 50140-2005", "6.2.1", "A类火灾场所单具灭火器最小配置灭火级别：严重危险级3A、中危险级2A、轻危险级1A。"),  # haitianxf.com
    # GB 50016-2014 (2018年版)
    ("GB 50016-2014", "5.4.2", "经营、存放和使用甲、乙类火灾危险性物品的商店、作坊和储藏间，严禁附设在民用建筑内。"),  # e98ax.cn
    (
        "GB 50016-2014",
        "5.4.4",
        "托儿所、幼儿园的儿童用房和儿童活动场所不应设置在地下或半地下；设置在一、二级耐火等级建筑内时应布置在首层、二层或三层。",
    ),  # b.1190119.com; goggeous.com
    (
        "GB 50016-2014",
        "5.4.9",
        "歌舞娱乐放映游艺场所不应布置在地下二层及以下楼层；布置在地下或四层及以上楼层时，一个厅、室的建筑面积不应大于200m²。",
    ),  # hsxfqc.51sqw.com; bkw.cn
    (
        "GB 50016-2014",
        "5.5.8",
        "公共建筑内每个防火分区或一个防火分区的每个楼层，安全出口不应少于2个（符合条件的小型场所除外）。",
    ),  # liantibao.com; cfeks.com
    (
        "GB 50016-2014",
        "5.5.18",
        "公共建筑内疏散门和安全出口的净宽度不应小于0.90m，疏散走道和疏散楼梯的净宽度不应小于1.10m。",
    ),  # amfu.cn
    (
        "GB 50016-2014",
        "8.3.11",
        "餐厅建筑面积大于1000m²的餐馆或食堂，烹饪操作间的排油烟罩及烹饪部位应设置自动灭火装置，并在燃气或燃油管道上设置联动的自动切断装置。",
    ),  # bjanruidun.com; xuazi.com
    # GB 55037-2022
    (
        "GB 55037-2022",
        "7.2.3",
        "占地面积大于300m²的地上仓库安全出口不应少于2个；仓库内建筑面积大于100m²的房间疏散出口不应少于2个。",
    ),  # wechat.estsglobal.com
    # GB 35181-2025: the chapter of the direct criteria (named in the foreword)
    ("GB 35181-2025", "5", "重大火灾隐患直接判定要素（第5章）。"),  # fire114.cn (foreword: "见第5章")
    # GB 50028-2006 (2020年版)
    (
        "GB 50028-2006",
        "10.8.2",
        "燃气浓度检测报警器：比空气轻的燃气与燃具或阀门水平距离不大于8m、距顶棚0.3m以内；比空气重的燃气水平距离不大于4m、距地面0.3m以内；报警系统应有备用电源。",
    ),  # miangbjq.com
    # GB 50720-2011
    (
        "GB 50720-2011",
        "3.1.3",
        "施工现场出入口应满足消防车通行要求，宜布置在不同方向，数量不宜少于2个。",
    ),  # max.book118.com; airport-pavements-failure.com
    ("GB 50720-2011", "3.1.7", "可燃材料堆场及其加工场、易燃易爆危险品库房不应布置在架空电力线下。"),  # max.book118.com
    (
        "GB 50720-2011",
        "3.2.1",
        "易燃易爆危险品库房与在建工程防火间距不应小于15m；可燃材料堆场及其加工场、固定动火作业场不应小于10m；其他临时用房、临时设施不应小于6m。",
    ),  # max.book118.com
    (
        "GB 50720-2011",
        "4.2.1",
        "宿舍、办公用房：建筑构件燃烧性能A级；层数不超过3层、每层不大于300m²；宿舍房间不大于30m²；房间内任一点至疏散门不大于15m。",
    ),  # aqscydt.com; cqxianglaokan.com
    # XF 1131-2014
    ("XF 1131-2014", "6.7", "每个堆垛面积不应大于150m²；库房主通道宽度不应小于2m。"),  # amfu.cn; osteoarthritisnetwork.com
    (
        "XF 1131-2014",
        "6.8",
        "堆垛间距不小于1m，与墙、照明灯具间距不小于0.5m，与柱间距不小于0.3m。",
    ),  # amfu.cn; osteoarthritisnetwork.com
    # GA 654-2006 (superseded by GB/T 40248-2021)
    ("GA 654-2006", "7.9.2.7", "旅馆、餐饮场所、医院、学校等厨房的烟道应至少每季度清洗一次。"),  # lfasc.com; lanhesheji.com
]

# --- Checklist items --------------------------------------------------------------------------
NINE_SMALL = ["XS01", "XS02", "XS03", "XS04", "XS05", "XS06", "XS07", "XS08", "XS09"]
CROWDED = ["RM01", "RM02", "RM03", "RM04", "RM05", "RM06", "RM07", "RM08", "RM09", "RM10", "RM11", "RM12"]
RESIDENTIAL = ["ZZ01", "ZZ02", "ZZ03", "ZZ04"]
PRODUCTION = ["GY01", "GY02", "GY03"]
HAZARDOUS = ["WH01", "WH02", "WH03", "WH04"]
PUBLIC = ["GG01", "GG02", "GG03", "GG04"]
# Units under MPS order 61 and the Fire Law's unit duties: everything but homes.
UNITS = NINE_SMALL + CROWDED + PRODUCTION + HAZARDOUS + PUBLIC
# Public gathering places (公众聚集场所, Fire Law art. 73): shops, hotels, restaurants, markets,
# stadiums and halls, public entertainment.
GATHERING = ["XS01", "XS02", "XS03", "XS04", "XS05", "RM01", "RM02", "RM03", "RM04", "RM09", "RM11", "GG02"]
# Key units for fire safety (MPS order 61 art. 13) among the categories: crowded places,
# hazardous goods, warehouses, heritage.
KEY_UNITS = CROWDED + ["WH01", "WH02", "WH04", "GY02", "GG04"]
# Units that are not key units (order 61 art. 13) by their category.
OTHER_UNITS = NINE_SMALL + ["GY01", "GY03", "WH03", "GG01", "GG02", "GG03"]
# Crowded places (人员密集场所) where windows may not be barred and exits are counted.
PEOPLE_PLACES = ["XS01", "XS02", "XS03", "XS04", "XS05", "XS06", "XS07"] + CROWDED + ["GG02"]
# Fire classes and hazard levels of GB 50140-2005 for the categories (appendix examples).
A_SEVERE = ["RM01", "RM02", "RM04", "RM09", "RM11", "GG04"]
A_MEDIUM = ["XS01", "XS02", "XS03", "XS04", "XS05", "XS06", "XS07", "XS08"] + [
    "RM03",
    "RM05",
    "RM06",
    "RM07",
    "RM08",
    "RM10",
    "RM12",
    "ZZ03",
    "ZZ04",
    "GY01",
    "GY02",
    "GY03",
    "GG01",
    "GG02",
    "GG03",
]
B_SEVERE = ["WH01", "WH02", "WH04", "XS09"]
NOT_B_CLASS = [code for code in NINE_SMALL + CROWDED + RESIDENTIAL + PRODUCTION + PUBLIC + ["WH03"] if code != "XS09"]
# Commercial kitchens and canteens that burn gas.
GAS_KITCHENS = ["XS02", "RM02", "RM03", "RM05", "RM07", "RM11", "WH03", "GG03"]
# Public buildings that may be high-rise. The site file records storeys, not height: eight
# storeys or more is taken for a public building over 24 m, ten or more for a home over 27 m.
HIGH_RISE_PUBLIC = ["RM02", "RM05", "RM11", "RM12"]
HIGH_PUBLIC = [{"attribute": "storeys", "op": "gte", "value": 8}]
HIGH_HOME = [{"attribute": "storeys", "op": "gte", "value": 10}]
ALARM = {"attribute": "has_fire_alarm_system", "op": "is_true"}
LPG = {"attribute": "uses_lpg", "op": "is_true"}
PIPED_GAS = {"attribute": "uses_piped_gas", "op": "is_true"}
KITCHEN = {"attribute": "has_kitchen", "op": "is_true"}
EBIKES = {"attribute": "has_ebike_charging", "op": "is_true"}
FLAMMABLES = {"attribute": "stores_flammables", "op": "is_true"}

MPS61 = "公安部令第61号"
FIRE_LAW = "中华人民共和国消防法"
HIGH_RISE_RULES = "应急管理部令第5号"
EBIKE_NOTICE = "公安部关于规范电动车停放充电加强火灾防范的通告"
GAS_RULES = "城镇燃气管理条例"


def item(code, requirement, basis, clause, rule, *, threshold=None, unit="", passes=True, choices=None, **extra):
    return {
        "code": code,
        "requirement": requirement,
        "basis": basis,
        "clause": clause,
        "rule_kind": rule,
        "threshold": threshold,
        "unit": unit if rule not in ("yes_no", "choice") else "",
        "pass_answer": passes if rule == "yes_no" else None,
        "choices": choices or [],
        "severity": extra.get("severity", "general"),
        "categories": extra.get("categories", []),
        "conditions": extra.get("conditions", []),
    }


ITEMS = [
    # --- Extinguishers: GB 50140-2005 (clauses confirmed, see CLAUSES) ---
    # GB 50140-2005 6.1.1: confirmed at cidian.kuaisou.com; m.jianbiaoku.com
    item("EXT-01", "计算单元内配置的灭火器数量", "GB 50140-2005", "6.1.1", "count_min", threshold="2", unit="具"),
    # GB 50140-2005 6.1.2: confirmed at cidian.kuaisou.com; m.jianbiaoku.com
    item("EXT-02", "每个设置点的灭火器数量", "GB 50140-2005", "6.1.2", "count_max", threshold="5", unit="具"),
    # GB 50140-2005 5.1.3: confirmed at zjses.org; xl7966.com
    item("EXT-03", "手提式灭火器顶部离地面高度", "GB 50140-2005", "5.1.3", "measure_max", threshold="1.5", unit="m"),
    # GB 50140-2005 5.1.3: confirmed at zjses.org; xl7966.com
    item("EXT-04", "手提式灭火器底部离地面高度", "GB 50140-2005", "5.1.3", "measure_min", threshold="0.08", unit="m"),
    # GB 50140-2005 5.1.3: confirmed at zjses.org; xl7966.com
    item("EXT-05", "灭火器箱未上锁，可随时取用", "GB 50140-2005", "5.1.3", "yes_no"),
    # GB 50140-2005 5.1.1: confirmed at guifancha.com
    item("EXT-06", "灭火器设置在位置明显、便于取用的地点，且不影响安全疏散", "GB 50140-2005", "5.1.1", "yes_no"),
    # GB 50140-2005 5.1.2: confirmed at xl7966.com, aiermaxiaofang.com (between 5.1.1 and 5.1.3)
    item(
        "EXT-07",
        "有视线障碍的灭火器设置点设有指示其位置的发光标志",
        "GB 50140-2005",
        "5.1.2",
        "yes_no",
        categories=CROWDED + PRODUCTION + ["GG02"],
    ),
    # GB 50140-2005 5.1.5: confirmed at guifancha.com
    item("EXT-08", "灭火器未设置在超出其使用温度范围的地点", "GB 50140-2005", "5.1.5", "yes_no"),
    # GB 50140-2005 5.2.1: confirmed at guifancha.com (number), aiermaxiaofang.com (values)
    item(
        "EXT-09",
        "A类火灾场所（中危险级）任一点至最近灭火器设置点的行走距离",
        "GB 50140-2005",
        "5.2.1",
        "measure_max",
        threshold="20",
        unit="m",
        categories=A_MEDIUM,
    ),
    # GB 50140-2005 5.2.1: confirmed at guifancha.com (number), aiermaxiaofang.com (values)
    item(
        "EXT-10",
        "A类火灾场所（严重危险级）任一点至最近灭火器设置点的行走距离",
        "GB 50140-2005",
        "5.2.1",
        "measure_max",
        threshold="15",
        unit="m",
        categories=A_SEVERE,
    ),
    # GB 50140-2005 5.2.2: confirmed at aiermaxiaofang.com; cidian.kuaisou.com (mandatory clauses)
    item(
        "EXT-11",
        "B类火灾场所（严重危险级）任一点至最近手提式灭火器的行走距离",
        "GB 50140-2005",
        "5.2.2",
        "measure_max",
        threshold="9",
        unit="m",
        categories=B_SEVERE,
    ),
    # GB 50140-2005 5.2.2: confirmed at aiermaxiaofang.com; cidian.kuaisou.com (mandatory clauses)
    item(
        "EXT-12",
        "厨房（B类火灾，中危险级）任一点至最近手提式灭火器的行走距离",
        "GB 50140-2005",
        "5.2.2",
        "measure_max",
        threshold="12",
        unit="m",
        categories=["XS02", "XS03", "RM03", "RM05", "RM06", "RM07", "RM08", "WH03"],
        conditions=[KITCHEN],
    ),
    # GB 50140-2005 4.2.1: confirmed at guifancha.com
    item(
        "EXT-13",
        "A类火灾场所配置的灭火器类型",
        "GB 50140-2005",
        "4.2.1",
        "choice",
        choices=[
            {"value": "磷酸铵盐干粉（ABC）", "passes": True},
            {"value": "水基型（水型）", "passes": True},
            {"value": "泡沫", "passes": True},
            {"value": "碳酸氢钠干粉（BC）", "passes": False},
            {"value": "二氧化碳", "passes": False},
        ],
        categories=NOT_B_CLASS,
    ),
    # GB 50140-2005 6.2.1: confirmed at haitianxf.com
    item(
        "EXT-14",
        "单具灭火器的灭火级别（A类火灾中危险级）",
        "GB 50140-2005",
        "6.2.1",
        "measure_min",
        threshold="2",
        unit="A",
        categories=A_MEDIUM,
    ),
    # GB 50140-2005 6.2.1: confirmed at haitianxf.com
    item(
        "EXT-15",
        "单具灭火器的灭火级别（A类火灾严重危险级）",
        "GB 50140-2005",
        "6.2.1",
        "measure_min",
        threshold="3",
        unit="A",
        categories=A_SEVERE,
    ),
    # GB 50140-2005 6.1.3: confirmed at cidian.kuaisou.com; haitianxf.com
    item(
        "EXT-16",
        "公共部位建筑面积超过100m²的楼层配置了1A手提式灭火器（每100m²一具）",
        "GB 50140-2005",
        "6.1.3",
        "yes_no",
        categories=["ZZ01", "ZZ02", "ZZ03"],
    ),
    # --- Fire Law (2021): articles confirmed, see CLAUSES ---
    # 中华人民共和国消防法 第十六条: confirmed at wechat.estsglobal.com
    item(
        "LAW-01",
        "已制定消防安全制度、消防安全操作规程和灭火和应急疏散预案",
        FIRE_LAW,
        "第十六条",
        "yes_no",
        categories=UNITS,
    ),
    # 中华人民共和国消防法 第十六条: confirmed at wechat.estsglobal.com
    item(
        "LAW-02",
        "消防设施、器材配置齐全，消防安全标志设置规范，定期检验维修，完好有效",
        FIRE_LAW,
        "第十六条",
        "yes_no",
        categories=UNITS,
    ),
    # 中华人民共和国消防法 第十六条: confirmed at wechat.estsglobal.com
    item(
        "LAW-03",
        "距上次建筑消防设施全面检测的时间",
        FIRE_LAW,
        "第十六条",
        "measure_max",
        threshold="12",
        unit="月",
        conditions=[ALARM],
    ),
    # 中华人民共和国消防法 第二十八条: confirmed at yooc.me; yuansudz.com
    item("LAW-04", "疏散通道、安全出口、消防车通道畅通，未被占用、堵塞、封闭", FIRE_LAW, "第二十八条", "yes_no"),
    # 中华人民共和国消防法 第二十八条: confirmed at yooc.me; yuansudz.com
    item(
        "LAW-05",
        "消火栓未被埋压、圈占、遮挡",
        FIRE_LAW,
        "第二十八条",
        "yes_no",
        conditions=[{"attribute": "hydrant_count", "op": "gte", "value": 1}],
    ),
    # 中华人民共和国消防法 第二十八条: confirmed at yooc.me; yuansudz.com
    item(
        "LAW-06",
        "门窗未设置影响逃生和灭火救援的障碍物（防盗网、广告牌等）",
        FIRE_LAW,
        "第二十八条",
        "yes_no",
        categories=PEOPLE_PLACES,
    ),
    # 中华人民共和国消防法 第二十八条: confirmed at yooc.me; yuansudz.com
    item("LAW-07", "消防设施、器材未被损坏、挪用或擅自拆除、停用", FIRE_LAW, "第二十八条", "yes_no"),
    # 中华人民共和国消防法 第二十一条: confirmed at wechat.estsglobal.com; jjcbw.com
    item(
        "LAW-08",
        "具有火灾、爆炸危险的区域内无吸烟、使用明火现象，并设禁火标志",
        FIRE_LAW,
        "第二十一条",
        "yes_no",
        categories=B_SEVERE + ["GY02"],
    ),
    # 中华人民共和国消防法 第二十一条: confirmed at wechat.estsglobal.com; jjcbw.com
    item(
        "LAW-09",
        "动火作业事先办理审批手续，并落实现场消防安全措施",
        FIRE_LAW,
        "第二十一条",
        "yes_no",
        categories=["XS08", "GY01", "GY02", "WH01", "WH04", "GG01", "GG04"],
    ),
    # 中华人民共和国消防法 第二十一条: confirmed at wechat.estsglobal.com; jjcbw.com
    item(
        "LAW-10",
        "电焊、气焊等具有火灾危险作业的人员持证上岗",
        FIRE_LAW,
        "第二十一条",
        "yes_no",
        categories=["XS08", "GY01", "GG01"],
    ),
    # 中华人民共和国消防法 第十九条: confirmed at uianet.net
    item(
        "LAW-11",
        "生产、储存、经营易燃易爆危险品的场所未与居住场所设置在同一建筑物内",
        FIRE_LAW,
        "第十九条",
        "yes_no",
        categories=["XS09", "WH02", "WH04"],
    ),
    # 中华人民共和国消防法 第十九条: confirmed at uianet.net
    item(
        "LAW-12",
        "经营、生产场所与住宿设在同一建筑内的，住宿部分与其他部分防火分隔并有独立疏散通道",
        FIRE_LAW,
        "第十九条",
        "yes_no",
        categories=["XS01", "XS02", "XS05", "XS08", "ZZ03"],
    ),
    # 中华人民共和国消防法 第十七条: confirmed at uianet.net; wechat.estsglobal.com
    item(
        "LAW-13",
        "消防安全重点单位实行每日防火巡查，并建立巡查记录",
        FIRE_LAW,
        "第十七条",
        "yes_no",
        categories=KEY_UNITS,
    ),
    # 中华人民共和国消防法 第十七条: confirmed at uianet.net; wechat.estsglobal.com
    item(
        "LAW-14",
        "消防安全重点单位已确定消防安全管理人，建立消防档案",
        FIRE_LAW,
        "第十七条",
        "yes_no",
        categories=KEY_UNITS,
    ),
    # 中华人民共和国消防法 第十七条: confirmed at uianet.net; wechat.estsglobal.com
    item(
        "LAW-15",
        "消防安全重点单位对职工进行岗前消防安全培训",
        FIRE_LAW,
        "第十七条",
        "yes_no",
        categories=KEY_UNITS,
    ),
    # --- MPS order 61: articles confirmed, see CLAUSES; the drills' article could not be confirmed ---
    # 公安部令第61号 第二十五条: confirmed at bbs.bangkaow.com; jikaoti.com
    item(
        "MPS-01",
        "营业期间两次防火巡查之间的间隔",
        MPS61,
        "第二十五条",
        "measure_max",
        threshold="2",
        unit="h",
        categories=GATHERING,
    ),
    # 公安部令第61号 第二十五条: confirmed at bbs.bangkaow.com; jikaoti.com
    item(
        "MPS-02",
        "营业结束时对营业现场进行检查，消除遗留火种，并有记录",
        MPS61,
        "第二十五条",
        "yes_no",
        categories=GATHERING,
    ),
    # 公安部令第61号 第二十五条: confirmed at bbs.bangkaow.com; jikaoti.com
    item(
        "MPS-03",
        "落实夜间防火巡查，有巡查记录",
        MPS61,
        "第二十五条",
        "yes_no",
        categories=["XS06", "XS07", "RM05", "RM06", "RM07", "RM08"],
    ),
    # 公安部令第61号 第二十六条: confirmed at kuaida2.com
    item(
        "MPS-04",
        "距上次单位防火检查的时间",
        MPS61,
        "第二十六条",
        "measure_max",
        threshold="1",
        unit="月",
        categories=[code for code in UNITS if code != "GG03"],
    ),
    # 公安部令第61号 第二十六条: confirmed at kuaida2.com
    item(
        "MPS-05",
        "距上次单位防火检查的时间（机关、团体、事业单位）",
        MPS61,
        "第二十六条",
        "measure_max",
        threshold="3",
        unit="月",
        categories=["GG03"],
    ),
    # 公安部令第61号 第二十六条: confirmed at kuaida2.com
    item(
        "MPS-06",
        "防火检查有记录，检查人员和被检查部门负责人已签名",
        MPS61,
        "第二十六条",
        "yes_no",
        categories=UNITS,
    ),
    # 公安部令第61号 第三十六条: confirmed at zhao119.com
    item(
        "MPS-07",
        "距上次员工消防安全培训的时间（公众聚集场所）",
        MPS61,
        "第三十六条",
        "measure_max",
        threshold="6",
        unit="月",
        categories=GATHERING,
    ),
    # 公安部令第61号 第三十六条: confirmed at zhao119.com
    item(
        "MPS-08",
        "距上次员工消防安全培训的时间（消防安全重点单位）",
        MPS61,
        "第三十六条",
        "measure_max",
        threshold="12",
        unit="月",
        categories=[code for code in KEY_UNITS if code not in GATHERING],
    ),
    # 公安部令第61号 第三十六条: confirmed at zhao119.com
    item(
        "MPS-09",
        "新上岗和进入新岗位的员工接受过岗前消防安全培训",
        MPS61,
        "第三十六条",
        "yes_no",
        categories=OTHER_UNITS,
    ),
    # 公安部令第61号 第三十八条: confirmed at zhao119.com
    item(
        "MPS-10",
        "消防控制室值班、操作人员持证上岗",
        MPS61,
        "第三十八条",
        "yes_no",
        categories=UNITS,
        conditions=[ALARM],
    ),
    # 公安部令第61号 第三十七条: confirmed at zhao119.com
    item(
        "MPS-11",
        "营业、活动期间通过张贴图画、广播等向公众宣传防火、灭火和疏散逃生常识",
        MPS61,
        "第三十七条",
        "yes_no",
        categories=GATHERING,
    ),
    # The half-yearly drill of key units is in order 61 (233.com); its article number was not confirmed.
    # 公安部令第61号: the document only; no clause number confirmed
    item(
        "MPS-12",
        "距上次按预案组织灭火和应急疏散演练的时间（消防安全重点单位）",
        MPS61,
        None,
        "measure_max",
        threshold="6",
        unit="月",
        categories=KEY_UNITS,
    ),
    # The yearly drill of other units, same document (233.com); article number not confirmed.
    # 公安部令第61号: the document only; no clause number confirmed
    item(
        "MPS-13",
        "距上次组织灭火和应急疏散演练的时间",
        MPS61,
        None,
        "measure_max",
        threshold="12",
        unit="月",
        categories=OTHER_UNITS,
    ),
    # --- High-rise residential and public buildings: 应急管理部令第5号, articles confirmed ---
    # 应急管理部令第5号 第三十七条: confirmed at zgfllt.com; faluji.com; 6cu.com
    item(
        "HR-01",
        "公共门厅、疏散走道、楼梯间、安全出口无电动自行车停放或充电",
        HIGH_RISE_RULES,
        "第三十七条",
        "yes_no",
        categories=["ZZ02"],
    ),
    # 应急管理部令第5号 第三十七条: confirmed at zgfllt.com; faluji.com; 6cu.com
    item(
        "HR-02",
        "高层住宅的公共门厅、疏散走道、楼梯间、安全出口无电动自行车停放或充电",
        HIGH_RISE_RULES,
        "第三十七条",
        "yes_no",
        categories=["ZZ01"],
        conditions=HIGH_HOME,
    ),
    # 应急管理部令第5号 第三十七条: confirmed at zgfllt.com; faluji.com; 6cu.com
    item(
        "HR-03",
        "电动自行车充电设施具备充满自动断电功能",
        HIGH_RISE_RULES,
        "第三十七条",
        "yes_no",
        categories=["ZZ02", "ZZ04"],
        conditions=[EBIKES],
    ),
    # 应急管理部令第5号 第三十七条: confirmed at zgfllt.com; faluji.com; 6cu.com
    item(
        "HR-04",
        "电动自行车存放、充电场所独立设置，或与建筑其他部分进行防火分隔",
        HIGH_RISE_RULES,
        "第三十七条",
        "yes_no",
        categories=["ZZ02", "ZZ04"],
        conditions=[EBIKES],
    ),
    # 应急管理部令第5号 第三十七条: confirmed at zgfllt.com; faluji.com; 6cu.com
    item(
        "HR-05",
        "电动自行车存放、充电场所配备必要的消防器材",
        HIGH_RISE_RULES,
        "第三十七条",
        "yes_no",
        categories=["ZZ04"],
    ),
    # 应急管理部令第5号 第二十六条: confirmed at m.yd166.com
    item(
        "HR-06",
        "消防控制室每班值班人员人数",
        HIGH_RISE_RULES,
        "第二十六条",
        "count_min",
        threshold="2",
        unit="人",
        categories=["ZZ02"],
        conditions=[ALARM],
    ),
    # 应急管理部令第5号 第二十六条: confirmed at m.yd166.com
    item(
        "HR-07",
        "高层公共建筑消防控制室每班值班人员人数",
        HIGH_RISE_RULES,
        "第二十六条",
        "count_min",
        threshold="2",
        unit="人",
        categories=HIGH_RISE_PUBLIC,
        conditions=HIGH_PUBLIC + [ALARM],
    ),
    # 应急管理部令第5号 第四十四条: confirmed at m.juego-ben10.com
    item(
        "HR-08",
        "距上次全要素综合消防演练的时间",
        HIGH_RISE_RULES,
        "第四十四条",
        "measure_max",
        threshold="12",
        unit="月",
        categories=["ZZ02"],
    ),
    # 应急管理部令第5号 第四十五条: confirmed at m.juego-ben10.com
    item(
        "HR-09",
        "高层公共建筑内的人员密集场所按楼层、区域确定了疏散引导员",
        HIGH_RISE_RULES,
        "第四十五条",
        "yes_no",
        categories=["RM01", "RM02", "RM03", "RM04", "RM09", "RM11"],
        conditions=HIGH_PUBLIC,
    ),
    # --- E-bikes in homes: the Ministry of Public Security's notice, paragraphs confirmed ---
    # 公安部关于规范电动车停放充电加强火灾防范的通告 三: confirmed at uianet.net; yanliang.com
    item(
        "EB-01",
        "楼内共用走道、楼梯间、安全出口处无电动车停放或充电",
        EBIKE_NOTICE,
        "三",
        "yes_no",
        categories=["ZZ01", "ZZ03", "XS03"],
        conditions=[EBIKES],
    ),
    # 公安部关于规范电动车停放充电加强火灾防范的通告 三: confirmed at uianet.net; yanliang.com
    item(
        "EB-02",
        "确需在住房内停放、充电的电动车已落实隔离、监护等防范措施，无飞线充电",
        EBIKE_NOTICE,
        "三",
        "yes_no",
        categories=["ZZ01", "ZZ03"],
        conditions=[EBIKES],
    ),
    # 公安部关于规范电动车停放充电加强火灾防范的通告 二: confirmed at yanliang.com
    item(
        "EB-03",
        "物业服务企业或主管单位对电动车停放、充电实施消防安全管理，明确管理人员",
        EBIKE_NOTICE,
        "二",
        "yes_no",
        categories=["ZZ01", "ZZ02", "ZZ04"],
    ),
    # GB 17761-2024 is the vehicle's own standard (in force 2025-09-01, women11.com); its clause on
    # tampering was not confirmed, so the document is cited alone.
    # GB 17761-2024: the document only; no clause number confirmed
    item(
        "EB-04",
        "停放充电的电动自行车为合格产品，未私自改装（加装电池、拆除限速装置等）",
        "GB 17761-2024",
        None,
        "yes_no",
        categories=["ZZ04"],
    ),
    # --- Gas: GB 50028-2006 10.8.2 confirmed (miangbjq.com); GB 55009 and the gas regulation by document ---
    # GB 50028-2006 10.8.2: confirmed at miangbjq.com
    item(
        "GAS-01",
        "天然气（比空气轻）浓度检测报警器与燃具或阀门的水平距离",
        "GB 50028-2006",
        "10.8.2",
        "measure_max",
        threshold="8",
        unit="m",
        categories=GAS_KITCHENS,
        conditions=[PIPED_GAS],
    ),
    # GB 50028-2006 10.8.2: confirmed at miangbjq.com
    item(
        "GAS-02",
        "天然气浓度检测报警器距顶棚的距离",
        "GB 50028-2006",
        "10.8.2",
        "measure_max",
        threshold="0.3",
        unit="m",
        categories=GAS_KITCHENS,
        conditions=[PIPED_GAS],
    ),
    # GB 50028-2006 10.8.2: confirmed at miangbjq.com
    item(
        "GAS-03",
        "液化石油气（比空气重）浓度检测报警器与燃具或阀门的水平距离",
        "GB 50028-2006",
        "10.8.2",
        "measure_max",
        threshold="4",
        unit="m",
        categories=GAS_KITCHENS,
        conditions=[LPG],
    ),
    # GB 50028-2006 10.8.2: confirmed at miangbjq.com
    item(
        "GAS-04",
        "液化石油气浓度检测报警器距地面的高度",
        "GB 50028-2006",
        "10.8.2",
        "measure_max",
        threshold="0.3",
        unit="m",
        categories=GAS_KITCHENS,
        conditions=[LPG],
    ),
    # GB 50028-2006 10.8.2: confirmed at miangbjq.com
    item(
        "GAS-05",
        "燃气浓度检测报警系统有备用电源",
        "GB 50028-2006",
        "10.8.2",
        "yes_no",
        categories=["WH03"],
    ),
    # GB 55009-2021 (commercial users need leak alarm and shut-off; LPG never below ground): content
    # confirmed in a 实施细则 of its 6.1 (fccost.com), the clause itself not; the document alone.
    # GB 55009-2021: the document only; no clause number confirmed
    item(
        "GAS-06",
        "使用瓶装液化石油气的商业用气场所设置了燃气泄漏报警和切断装置",
        "GB 55009-2021",
        None,
        "yes_no",
        categories=GAS_KITCHENS,
        conditions=[LPG],
    ),
    # GB 55009-2021: the document only; no clause number confirmed
    item(
        "GAS-07",
        "使用管道燃气的商业用气场所设置了燃气泄漏报警和切断装置",
        "GB 55009-2021",
        None,
        "yes_no",
        categories=GAS_KITCHENS,
        conditions=[PIPED_GAS],
    ),
    # GB 55009-2021: the document only; no clause number confirmed
    item(
        "GAS-08",
        "液化石油气钢瓶未在地下室、半地下室使用或存放",
        "GB 55009-2021",
        None,
        "yes_no",
        conditions=[LPG],
    ),
    # 城镇燃气管理条例: only local copies were found; the national articles could not be confirmed.
    # 城镇燃气管理条例: the document only; no clause number confirmed
    item("GAS-09", "未在不具备安全条件的场所使用、储存燃气（瓶装液化石油气）", GAS_RULES, None, "yes_no", conditions=[LPG]),
    # 城镇燃气管理条例: the document only; no clause number confirmed
    item(
        "GAS-10",
        "未擅自安装、改装、拆除户内燃气设施和燃气计量装置",
        GAS_RULES,
        None,
        "yes_no",
        conditions=[PIPED_GAS],
    ),
    # 城镇燃气管理条例: the document only; no clause number confirmed
    item("GAS-11", "燃气管道未被用作负重支架或接地引线", GAS_RULES, None, "yes_no", conditions=[PIPED_GAS]),
    # 城镇燃气管理条例: the document only; no clause number confirmed
    item("GAS-12", "燃气经营单位持有有效的燃气经营许可证", GAS_RULES, None, "yes_no", categories=["WH02"]),
    # 城镇燃气管理条例: the document only; no clause number confirmed
    item(
        "GAS-13",
        "瓶装燃气未违规充装（不为非自有气瓶充装，不销售未经许可单位充装的气瓶）",
        GAS_RULES,
        None,
        "yes_no",
        categories=["WH02"],
    ),
    # --- Buildings: GB 50016-2014 (2018年版) and GB 55037-2022, clauses confirmed ---
    # GB 50016-2014 5.5.8: confirmed at liantibao.com; cfeks.com
    item(
        "BLD-01",
        "每层（防火分区）安全出口的数量",
        "GB 50016-2014",
        "5.5.8",
        "count_min",
        threshold="2",
        unit="个",
        categories=PEOPLE_PLACES + ["GG03"],
        conditions=[{"attribute": "floor_area", "op": "gt", "value": 200}],
    ),
    # GB 50016-2014 5.4.4: confirmed at b.1190119.com; goggeous.com
    item(
        "BLD-02",
        "儿童用房所在的最高楼层（一、二级耐火等级建筑）",
        "GB 50016-2014",
        "5.4.4",
        "count_max",
        threshold="3",
        unit="层",
        categories=["XS07", "RM08"],
    ),
    # GB 50016-2014 5.4.4: confirmed at b.1190119.com; goggeous.com
    item("BLD-03", "儿童用房未设置在地下或半地下", "GB 50016-2014", "5.4.4", "yes_no", categories=["XS07", "RM08"]),
    # GB 50016-2014 5.4.9: confirmed at hsxfqc.51sqw.com; bkw.cn
    item(
        "BLD-04",
        "设在地下或四层及以上的歌舞娱乐放映游艺场所，一个厅、室的建筑面积",
        "GB 50016-2014",
        "5.4.9",
        "measure_max",
        threshold="200",
        unit="m²",
        categories=["XS04", "RM04"],
    ),
    # GB 50016-2014 5.4.9: confirmed at hsxfqc.51sqw.com; bkw.cn
    item(
        "BLD-05",
        "歌舞娱乐放映游艺场所未设在地下二层及以下楼层",
        "GB 50016-2014",
        "5.4.9",
        "yes_no",
        categories=["XS04", "RM04"],
    ),
    # GB 50016-2014 5.4.2: confirmed at e98ax.cn
    item(
        "BLD-06",
        "经营、存放甲、乙类火灾危险性物品的商店、储藏间未附设在民用建筑内",
        "GB 50016-2014",
        "5.4.2",
        "yes_no",
        categories=["XS09", "WH04"],
    ),
    # GB 50016-2014 5.5.18: confirmed at amfu.cn
    item(
        "BLD-07",
        "疏散门和安全出口的净宽度（最窄处）",
        "GB 50016-2014",
        "5.5.18",
        "measure_min",
        threshold="0.9",
        unit="m",
        categories=PEOPLE_PLACES,
    ),
    # GB 50016-2014 5.5.18: confirmed at amfu.cn
    item(
        "BLD-08",
        "疏散走道和疏散楼梯的净宽度（最窄处）",
        "GB 50016-2014",
        "5.5.18",
        "measure_min",
        threshold="1.1",
        unit="m",
        categories=PEOPLE_PLACES,
    ),
    # 8.3.11 counts the dining area; the site file records the whole floor area, which is larger.
    # GB 50016-2014 8.3.11: confirmed at bjanruidun.com; xuazi.com
    item(
        "BLD-09",
        "餐厅面积大于1000m²的，烹饪操作间排油烟罩及烹饪部位设置自动灭火装置并联动切断燃料",
        "GB 50016-2014",
        "8.3.11",
        "yes_no",
        categories=["RM02", "RM03", "RM05", "RM07", "RM11", "GY01"],
        conditions=[KITCHEN, {"attribute": "floor_area", "op": "gt", "value": 1000}],
    ),
    # The 4 m fire lane is GB 50016's (fangblog.com, pay1999.com); its clause number was not confirmed.
    # GB 50016-2014: the document only; no clause number confirmed
    item(
        "BLD-10",
        "消防车道的净宽度（最窄处）",
        "GB 50016-2014",
        None,
        "measure_min",
        threshold="4",
        unit="m",
        categories=["ZZ01", "ZZ02", "RM01", "RM11", "GY02", "GG02"],
    ),
    # GB 55037-2022 7.2.3: confirmed at wechat.estsglobal.com
    item(
        "BLD-11",
        "占地面积大于300m²的地上仓库安全出口的数量",
        "GB 55037-2022",
        "7.2.3",
        "count_min",
        threshold="2",
        unit="个",
        categories=["GY02"],
        conditions=[{"attribute": "floor_area", "op": "gt", "value": 300}],
    ),
    # --- Major hazards: direct criteria of GB 35181-2025, chapter 5 (DOMAIN.md names these three kinds) ---
    # GB 35181-2025 5: confirmed at fire114.cn (foreword: "见第5章")
    item(
        "MAJ-01",
        "公共娱乐场所、商店、地下人员密集场所的安全出口数量符合消防技术标准（不足即为重大火灾隐患）",
        "GB 35181-2025",
        "5",
        "yes_no",
        severity="major",
        categories=["XS01", "XS04", "RM01", "RM04", "RM11", "GY03"],
    ),
    # GB 35181-2025 5: confirmed at fire114.cn (foreword: "见第5章")
    item(
        "MAJ-02",
        "按标准应设置的自动喷水灭火系统已设置并正常运行",
        "GB 35181-2025",
        "5",
        "yes_no",
        severity="major",
        categories=["RM01", "RM02", "RM04", "RM11"],
    ),
    # GB 35181-2025 5: confirmed at fire114.cn (foreword: "见第5章")
    item(
        "MAJ-03",
        "按标准应设置的火灾自动报警系统已设置并正常运行",
        "GB 35181-2025",
        "5",
        "yes_no",
        severity="major",
        categories=["RM01", "RM02", "RM04", "RM05", "RM06", "RM11"],
    ),
    # GB 35181-2025 5: confirmed at fire114.cn (foreword: "见第5章")
    item(
        "MAJ-04",
        "人员密集场所内未违规生产、储存、经营易燃易爆危险品",
        "GB 35181-2025",
        "5",
        "yes_no",
        severity="major",
        categories=PEOPLE_PLACES,
    ),
    # --- Warehouses: XF 1131-2014, clauses 6.7 and 6.8 confirmed (amfu.cn) ---
    # XF 1131-2014 6.8: confirmed at amfu.cn; osteoarthritisnetwork.com
    item(
        "WHS-01",
        "堆垛与堆垛之间的距离",
        "XF 1131-2014",
        "6.8",
        "measure_min",
        threshold="1",
        unit="m",
        categories=["GY01", "GY02"],
    ),
    # XF 1131-2014 6.8: confirmed at amfu.cn; osteoarthritisnetwork.com
    item("WHS-02", "物品与墙之间的距离", "XF 1131-2014", "6.8", "measure_min", threshold="0.5", unit="m", categories=["GY02"]),
    # XF 1131-2014 6.8: confirmed at amfu.cn; osteoarthritisnetwork.com
    item("WHS-03", "堆垛与柱之间的距离", "XF 1131-2014", "6.8", "measure_min", threshold="0.3", unit="m", categories=["GY02"]),
    # XF 1131-2014 6.8: confirmed at amfu.cn; osteoarthritisnetwork.com
    item(
        "WHS-04",
        "物品与照明灯具之间的距离",
        "XF 1131-2014",
        "6.8",
        "measure_min",
        threshold="0.5",
        unit="m",
        categories=["GY01", "GY02", "XS01"],
    ),
    # XF 1131-2014 6.7: confirmed at amfu.cn; osteoarthritisnetwork.com
    item("WHS-05", "库房主通道的宽度", "XF 1131-2014", "6.7", "measure_min", threshold="2", unit="m", categories=["GY02"]),
    # XF 1131-2014 6.7: confirmed at amfu.cn; osteoarthritisnetwork.com
    item("WHS-06", "单个堆垛的面积", "XF 1131-2014", "6.7", "measure_max", threshold="150", unit="m²", categories=["GY02"]),
    # --- Construction sites: GB 50720-2011, clauses confirmed ---
    # GB 50720-2011 3.2.1: confirmed at max.book118.com
    item(
        "CON-01",
        "易燃易爆危险品库房与在建工程的防火间距",
        "GB 50720-2011",
        "3.2.1",
        "measure_min",
        threshold="15",
        unit="m",
        categories=["GG01"],
    ),
    # GB 50720-2011 3.2.1: confirmed at max.book118.com
    item(
        "CON-02",
        "可燃材料堆场及其加工场、固定动火作业场与在建工程的防火间距",
        "GB 50720-2011",
        "3.2.1",
        "measure_min",
        threshold="10",
        unit="m",
        categories=["GG01"],
    ),
    # GB 50720-2011 3.2.1: confirmed at max.book118.com
    item(
        "CON-03",
        "其他临时用房、临时设施与在建工程的防火间距",
        "GB 50720-2011",
        "3.2.1",
        "measure_min",
        threshold="6",
        unit="m",
        categories=["GG01"],
    ),
    # GB 50720-2011 3.1.3: confirmed at max.book118.com; airport-pavements-failure.com
    item(
        "CON-04",
        "施工现场满足消防车通行的出入口数量",
        "GB 50720-2011",
        "3.1.3",
        "count_min",
        threshold="2",
        unit="个",
        categories=["GG01"],
    ),
    # GB 50720-2011 3.1.7: confirmed at max.book118.com
    item(
        "CON-05",
        "可燃材料堆场、易燃易爆危险品库房未布置在架空电力线下",
        "GB 50720-2011",
        "3.1.7",
        "yes_no",
        categories=["GG01"],
    ),
    # GB 50720-2011 4.2.1: confirmed at aqscydt.com; cqxianglaokan.com
    item(
        "CON-06",
        "宿舍、办公临时用房的建筑层数",
        "GB 50720-2011",
        "4.2.1",
        "count_max",
        threshold="3",
        unit="层",
        categories=["GG01"],
    ),
    # GB 50720-2011 4.2.1: confirmed at aqscydt.com; cqxianglaokan.com
    item(
        "CON-07",
        "宿舍、办公临时用房每层的建筑面积",
        "GB 50720-2011",
        "4.2.1",
        "measure_max",
        threshold="300",
        unit="m²",
        categories=["GG01"],
    ),
    # GB 50720-2011 4.2.1: confirmed at aqscydt.com; cqxianglaokan.com
    item(
        "CON-08",
        "单间宿舍的建筑面积",
        "GB 50720-2011",
        "4.2.1",
        "measure_max",
        threshold="30",
        unit="m²",
        categories=["GG01"],
    ),
    # GB 50720-2011 4.2.1: confirmed at aqscydt.com; cqxianglaokan.com
    item(
        "CON-09",
        "宿舍、办公临时用房建筑构件（含夹芯板芯材）的燃烧性能等级",
        "GB 50720-2011",
        "4.2.1",
        "choice",
        choices=[
            {"value": "A级", "passes": True},
            {"value": "B1级", "passes": False},
            {"value": "B2级", "passes": False},
            {"value": "B3级", "passes": False},
        ],
        categories=["GG01"],
    ),
    # GB 50720-2011 4.2.1: confirmed at aqscydt.com; cqxianglaokan.com
    item(
        "CON-10",
        "临时用房房间内任一点至最近疏散门的距离",
        "GB 50720-2011",
        "4.2.1",
        "measure_max",
        threshold="15",
        unit="m",
        categories=["GG01"],
    ),
    # --- Hazardous chemicals and dormitories ---
    # 危险化学品安全管理条例 第三十三条: confirmed at qq94.com
    item(
        "CHEM-01",
        "持有有效的危险化学品经营许可证",
        "危险化学品安全管理条例",
        "第三十三条",
        "yes_no",
        categories=["XS09", "WH01", "WH04"],
    ),
    # The storage rule (专用仓库、专人管理) is in the regulation; its article number was not confirmed.
    # 危险化学品安全管理条例: the document only; no clause number confirmed
    item(
        "CHEM-02",
        "危险化学品储存在专用仓库、专用场地或专用储存室内，并由专人负责管理",
        "危险化学品安全管理条例",
        None,
        "yes_no",
        categories=["XS09", "WH04"],
    ),
    # 中华人民共和国安全生产法 第四十二条: confirmed at wechat.estsglobal.com
    item(
        "CHEM-03",
        "经营、储存危险物品的商店、仓库未与员工宿舍在同一座建筑物内",
        "中华人民共和国安全生产法",
        "第四十二条",
        "yes_no",
        categories=["XS09", "WH02", "WH04"],
    ),
    # 中华人民共和国安全生产法 第四十二条: confirmed at wechat.estsglobal.com
    item(
        "CHEM-04",
        "存放易燃易爆物品的车间、仓库未与员工宿舍在同一座建筑物内",
        "中华人民共和国安全生产法",
        "第四十二条",
        "yes_no",
        categories=["XS08", "GY01", "GY02"],
        conditions=[FLAMMABLES],
    ),
    # 中华人民共和国安全生产法 第四十二条: confirmed at wechat.estsglobal.com
    item(
        "CHEM-05",
        "生产经营场所和员工宿舍的出口、疏散通道标志明显、畅通，未被锁闭、封堵",
        "中华人民共和国安全生产法",
        "第四十二条",
        "yes_no",
        categories=["XS08", "GY01", "GY02", "GG01"],
    ),
    # --- Heritage buildings and religious sites: 古建筑消防管理规则, articles confirmed (otwtv.com) ---
    # 古建筑消防管理规则 第十一条: confirmed at otwtv.com; syrybj.com
    item(
        "HER-01",
        "古建筑内未引入煤气、液化石油气，保护范围内无柴草、木料等易燃可燃物堆存",
        "古建筑消防管理规则",
        "第十一条",
        "yes_no",
        categories=["GG04"],
    ),
    # 古建筑消防管理规则 第十二条: confirmed at otwtv.com
    item(
        "HER-02",
        "古建筑未用作旅店、食堂、招待所或宿舍，主要殿屋内无生产、生活用火",
        "古建筑消防管理规则",
        "第十二条",
        "yes_no",
        categories=["GG04"],
    ),
    # 古建筑消防管理规则 第十三条: confirmed at otwtv.com
    item(
        "HER-03",
        "点灯、烧纸、焚香在指定地点进行，有防火设施并有专人看管",
        "古建筑消防管理规则",
        "第十三条",
        "yes_no",
        categories=["GG04", "RM10"],
    ),
    # 古建筑消防管理规则 第十三条: confirmed at otwtv.com
    item(
        "HER-04",
        "重点要害部位设置了“禁止烟火”的明显标志",
        "古建筑消防管理规则",
        "第十三条",
        "yes_no",
        categories=["GG04", "RM10"],
    ),
    # --- Kitchens: GA 654-2006 7.9.2.7 (lfasc.com). GA 654 is superseded by GB/T 40248-2021, whose
    # clause on flue cleaning was not confirmed; the item keeps the older, confirmed clause.
    # GA 654-2006 7.9.2.7: confirmed at lfasc.com; lanhesheji.com
    item(
        "KIT-01",
        "距上次厨房排油烟管道清洗的时间",
        "GA 654-2006",
        "7.9.2.7",
        "measure_max",
        threshold="3",
        unit="月",
        categories=["XS02", "XS03", "RM02", "RM03", "RM05", "RM07", "RM08"],
        conditions=[KITCHEN],
    ),
]

# --- Risk factors -----------------------------------------------------------------------------
# code, category, name, L, E, C, what it is, usual control measures, basis code, clause number
# fmt: off
RISK_FACTORS = [
    # 小商店
    ("RF-XS01-01", "XS01", "电气线路老化、私拉乱接", "3", "6", "7", "插排串接、线路老化或超负荷使用，易引发电气火灾。", "定期检查电气线路；禁止私拉乱接和插排串接；大功率电器专线专用。", None, None),
    ("RF-XS01-02", "XS01", "可燃商品占用疏散通道", "3", "6", "3", "货物堆放占用通道、遮挡安全出口。", "货物定点堆放；每日开门前检查通道和出口。", FIRE_LAW, "第二十八条"),
    ("RF-XS01-03", "XS01", "店内违规住人（“三合一”）", "1", "6", "15", "经营与住宿混设，夜间起火时人员难以逃生。", "住宿部分防火分隔、独立疏散；不能分隔的禁止住人。", FIRE_LAW, "第十九条"),
    # 小餐饮场所
    ("RF-XS02-01", "XS02", "瓶装液化气泄漏", "3", "6", "15", "钢瓶、减压阀或软管泄漏，遇明火爆燃。", "使用合格钢瓶和软管；安装可燃气体报警和切断装置；不在地下室使用。", GAS_RULES, None),
    ("RF-XS02-02", "XS02", "油烟管道积油起火", "3", "6", "7", "排油烟管道油垢积聚，遇灶火引燃并沿管道蔓延。", "定期清洗油烟管道并留存记录；灶台配置灭火毯。", "GA 654-2006", "7.9.2.7"),
    ("RF-XS02-03", "XS02", "厨房电气设备超负荷", "3", "6", "7", "炸炉、烤箱等大功率设备集中使用，线路过热。", "按负荷设计配电；定期检测线路和漏电保护装置。", None, None),
    # 小旅馆
    ("RF-XS03-01", "XS03", "客人卧床吸烟", "1", "6", "15", "烟头引燃床品，夜间发现晚。", "客房禁烟提示；安装独立式感烟火灾探测报警器；夜间巡查。", MPS61, "第二十五条"),
    ("RF-XS03-02", "XS03", "疏散通道堵塞、安全出口锁闭", "1", "6", "15", "杂物占道或出口上锁，火灾时无法疏散。", "每日检查通道和出口；营业期间严禁锁闭安全出口。", FIRE_LAW, "第二十八条"),
    ("RF-XS03-03", "XS03", "电动自行车室内停放充电", "1", "6", "15", "电池热失控起火，烟气迅速封堵楼道。", "设置室外集中停放充电点；禁止推车进入客房和楼道。", EBIKE_NOTICE, "三"),
    # 小歌舞娱乐场所
    ("RF-XS04-01", "XS04", "可燃装修材料燃烧产生有毒烟气", "1", "6", "40", "隔音材料、软包等可燃装修起火，烟气毒性大。", "使用不燃、难燃装修材料；设置防排烟设施。", None, None),
    ("RF-XS04-02", "XS04", "营业期间安全出口锁闭或数量不足", "1", "6", "40", "包间多、通道曲折，出口不足时易群死群伤。", "营业期间保持出口畅通；控制人数；每二小时巡查。", MPS61, "第二十五条"),
    ("RF-XS04-03", "XS04", "音响灯光设备过热", "3", "6", "7", "灯光、音响设备长时间运行，线路过载。", "定期检修设备和线路；营业结束后切断电源。", None, None),
    # 小休闲健身场所
    ("RF-XS05-01", "XS05", "汗蒸理疗等电热设备过热", "3", "6", "7", "电热设备长时间通电，引燃周边可燃物。", "专人看管电热设备；与可燃物保持距离；下班断电。", None, None),
    ("RF-XS05-02", "XS05", "夜间人员留宿", "1", "6", "15", "足浴、网吧等场所夜间有人留宿，发现火情晚。", "禁止在经营场所留宿；确需值班的落实夜间巡查。", None, None),
    ("RF-XS05-03", "XS05", "疏散通道狭窄、堵塞", "1", "6", "7", "隔间多、通道窄，疏散困难。", "保持通道宽度和畅通；设置疏散指示标志和应急照明。", FIRE_LAW, "第二十八条"),
    # 小医疗养老机构
    ("RF-XS06-01", "XS06", "行动不便人员疏散困难", "1", "10", "15", "病人、老人行动不便，火灾时需要协助疏散。", "制定逐人疏散预案；夜间值守人员定岗；定期演练。", MPS61, "第二十五条"),
    ("RF-XS06-02", "XS06", "医用氧气等助燃物管理不当", "1", "6", "15", "氧气瓶靠近热源或明火，加剧燃烧。", "氧气瓶固定存放、远离火源；禁止在用氧区域吸烟。", None, None),
    ("RF-XS06-03", "XS06", "取暖器、电热毯使用", "3", "6", "7", "冬季使用电热器具，引燃床品。", "统一配置合格电器；禁止私自使用电热器具；夜间巡查。", None, None),
    # 小学校幼儿园
    ("RF-XS07-01", "XS07", "儿童自救能力弱", "1", "6", "15", "儿童不会自救，火灾时依赖教职工组织疏散。", "儿童用房设在低楼层；定期疏散演练；明确每班疏散责任人。", "GB 50016-2014", "5.4.4"),
    ("RF-XS07-02", "XS07", "厨房燃气使用", "1", "6", "15", "厨房燃气泄漏或灶具无人看管。", "安装燃气泄漏报警切断装置；厨房与儿童用房分隔。", None, None),
    ("RF-XS07-03", "XS07", "电气线路和电器使用", "1", "6", "7", "教室、午睡室私接电器，线路老化。", "定期检查线路；插座设在儿童够不到的高度。", None, None),
    # 小生产加工企业
    ("RF-XS08-01", "XS08", "生产与住宿合用（“三合一”）", "3", "6", "15", "车间、仓库与员工住宿在同一建筑，夜间起火伤亡大。", "住宿与生产储存部分彻底分隔或搬离；设置独立疏散通道。", FIRE_LAW, "第十九条"),
    ("RF-XS08-02", "XS08", "可燃原料、粉尘堆积", "3", "6", "7", "布料、木屑、粉尘堆积，遇火源迅速蔓延。", "及时清理粉尘和边角料；原料定点限量堆放。", None, None),
    ("RF-XS08-03", "XS08", "违规动火作业", "3", "3", "15", "电焊、切割未审批、无人监护。", "动火审批；清理周边可燃物；专人监护并配置灭火器。", FIRE_LAW, "第二十一条"),
    # 小易燃易爆危险品经营场所
    ("RF-XS09-01", "XS09", "易燃液体、气体泄漏遇火源", "3", "6", "15", "油漆、溶剂、气雾剂等泄漏，遇明火或电火花燃爆。", "严禁烟火；使用防爆电器；保持通风；限量存放。", FIRE_LAW, "第二十一条"),
    ("RF-XS09-02", "XS09", "超量储存或与住宿合用", "1", "6", "40", "店内超量存货或住人，一旦燃爆后果严重。", "按许可限量存放；严禁在经营场所住宿。", FIRE_LAW, "第十九条"),
    ("RF-XS09-03", "XS09", "静电、电气火花", "3", "6", "7", "搬运、分装时产生静电，或非防爆电器产生火花。", "采取防静电措施；使用防爆型电气设备。", None, None),
    # 商场超市
    ("RF-RM01-01", "RM01", "可燃商品集中、火灾荷载大", "1", "10", "15", "商品密集，起火后蔓延快、烟气大。", "控制货架高度和间距；自动喷水灭火系统保持有效。", None, None),
    ("RF-RM01-02", "RM01", "货架、促销堆头占用疏散通道", "3", "6", "7", "促销摆放占用通道，遮挡疏散指示。", "划定通道标线；每日开业前检查。", FIRE_LAW, "第二十八条"),
    ("RF-RM01-03", "RM01", "电气线路、照明设备故障", "3", "6", "7", "照明灯具靠近可燃商品，线路老化。", "灯具与商品保持距离；定期检测电气线路。", None, None),
    ("RF-RM01-04", "RM01", "人员拥挤踩踏", "1", "6", "15", "节假日客流高峰，疏散时拥挤踩踏。", "控制客流；高峰期增加疏散引导人员。", None, None),
    # 宾馆酒店
    ("RF-RM02-01", "RM02", "客房吸烟引燃床品", "3", "6", "15", "住客吸烟或乱扔烟头，夜间起火。", "客房禁烟提示和烟感探测；夜间巡查。", MPS61, "第二十五条"),
    ("RF-RM02-02", "RM02", "厨房燃气及油烟管道", "1", "6", "15", "厨房燃气泄漏、油烟管道积油。", "燃气泄漏报警切断；油烟管道定期清洗。", None, None),
    ("RF-RM02-03", "RM02", "火灾报警、喷淋系统失效", "1", "6", "40", "消防设施故障或被关闭，火灾无法及时发现和控制。", "维保单位定期维护；每年全面检测；值班人员持证上岗。", FIRE_LAW, "第十六条"),
    # 大中型餐饮场所
    ("RF-RM03-01", "RM03", "厨房燃气泄漏爆炸", "1", "6", "40", "用气量大，燃气泄漏后遇明火爆炸。", "燃气泄漏报警并联动切断；每日检查软管和阀门。", None, None),
    ("RF-RM03-02", "RM03", "油烟管道积油起火", "3", "6", "15", "排油烟管道长，积油起火后沿管道蔓延。", "定期清洗油烟管道；烹饪部位设置自动灭火装置。", "GB 50016-2014", "8.3.11"),
    ("RF-RM03-03", "RM03", "就餐人员密集、疏散困难", "1", "6", "15", "就餐高峰人员密集，桌椅占用通道。", "保持通道宽度；疏散指示和应急照明完好。", None, None),
    # 公共娱乐场所
    ("RF-RM04-01", "RM04", "可燃装修燃烧产生有毒烟气", "1", "6", "40", "大量可燃装修材料，烟气蔓延快、毒性大。", "使用不燃、难燃材料；防排烟系统保持有效。", None, None),
    ("RF-RM04-02", "RM04", "超员及安全出口不足", "1", "6", "40", "营业高峰超员，出口不足易群死群伤。", "核定并控制人数；营业期间出口畅通；每二小时巡查。", "GB 35181-2025", "5"),
    ("RF-RM04-03", "RM04", "舞台灯光、电气设备过热", "3", "6", "7", "舞台灯具功率大，靠近幕布等可燃物。", "灯具与可燃物保持距离；演出结束断电。", None, None),
    # 医院
    ("RF-RM05-01", "RM05", "病人行动不便、疏散困难", "1", "10", "15", "住院病人难以自行疏散。", "分区水平疏散预案；夜间防火巡查；定期演练。", MPS61, "第二十五条"),
    ("RF-RM05-02", "RM05", "医用氧气、酒精等易燃助燃物", "1", "6", "15", "氧气、酒精等管理不当，遇火源加剧燃烧。", "专库存放、限量领用；用氧区域严禁烟火。", None, None),
    ("RF-RM05-03", "RM05", "大型医疗设备电气故障", "1", "6", "7", "设备长时间运行、线路过载。", "设备定期维护；专线供电。", None, None),
    # 养老机构
    ("RF-RM06-01", "RM06", "老人行动不便、夜间疏散困难", "1", "10", "15", "失能、半失能老人需要协助疏散。", "夜间值守定岗；逐人疏散预案；定期演练。", MPS61, "第二十五条"),
    ("RF-RM06-02", "RM06", "电热毯、取暖器等电器", "3", "6", "7", "老人使用电热器具引燃床品。", "统一配置合格电器；禁止私用电热器具。", None, None),
    ("RF-RM06-03", "RM06", "老人吸烟、使用明火", "1", "6", "15", "吸烟、点蚊香等明火引燃可燃物。", "设置吸烟区；加强巡查和宣传。", None, None),
    # 学校
    ("RF-RM07-01", "RM07", "实验室危险化学品", "1", "3", "15", "实验用化学品存放不当，遇火燃爆。", "专柜存放、双人管理；实验室配置灭火器。", None, None),
    ("RF-RM07-02", "RM07", "学生宿舍违规使用电器", "3", "6", "7", "宿舍使用大功率电器、私接电源。", "宿舍限电；定期检查；加强宣传教育。", None, None),
    ("RF-RM07-03", "RM07", "食堂燃气使用", "1", "6", "15", "食堂燃气泄漏或灶具故障。", "燃气泄漏报警切断；油烟管道定期清洗。", None, None),
    # 幼儿园托育机构
    ("RF-RM08-01", "RM08", "幼儿自救能力弱", "1", "6", "15", "幼儿依赖教职工疏散。", "儿童用房设在低楼层；每班明确疏散责任人；定期演练。", "GB 50016-2014", "5.4.4"),
    ("RF-RM08-02", "RM08", "厨房燃气和电器", "1", "6", "7", "厨房燃气、电器使用不当。", "厨房与儿童用房分隔；燃气泄漏报警。", None, None),
    ("RF-RM08-03", "RM08", "午睡室电气线路", "1", "6", "7", "午睡室线路老化或私接电器。", "定期检查线路；午睡室不设大功率电器。", None, None),
    # 文体活动场馆
    ("RF-RM09-01", "RM09", "大型活动人员密集", "1", "3", "40", "活动期间人员高度密集，疏散困难。", "活动前消防安全检查；控制人数；安排疏散引导员。", None, None),
    ("RF-RM09-02", "RM09", "舞台、灯光音响设备", "1", "3", "15", "演出设备用电量大，靠近可燃物。", "演出前检查线路；专人值守。", None, None),
    ("RF-RM09-03", "RM09", "展品、书籍等可燃物集中", "1", "6", "15", "图书馆、展览馆可燃物集中。", "自动报警和灭火系统保持有效；严禁烟火。", None, None),
    # 宗教活动场所
    ("RF-RM10-01", "RM10", "焚香烧纸、燃灯明火", "6", "6", "7", "香火、烛灯等明火集中，引燃幔帐、供品。", "指定地点焚香烧纸；专人看管；远离可燃物。", "古建筑消防管理规则", "第十三条"),
    ("RF-RM10-02", "RM10", "木结构建筑耐火等级低", "1", "10", "15", "木结构殿堂起火后蔓延迅速。", "严控火源电源；配置消防水源和灭火器材。", None, None),
    ("RF-RM10-03", "RM10", "节庆活动人员聚集", "1", "2", "15", "节庆期间香客集中，疏散困难。", "活动期间控制人数；增加巡查和疏散引导。", None, None),
    # 商业综合体
    ("RF-RM11-01", "RM11", "多业态混合、火灾荷载大", "1", "6", "40", "购物、餐饮、娱乐混合，火灾荷载大、人员多。", "消防设施统一管理；各经营户签订消防安全责任书。", None, None),
    ("RF-RM11-02", "RM11", "餐饮区燃气使用", "1", "6", "15", "多家餐饮集中用气。", "燃气泄漏报警切断；油烟管道定期清洗。", None, None),
    ("RF-RM11-03", "RM11", "人员密集、疏散路线复杂", "1", "6", "15", "建筑复杂，顾客不熟悉疏散路线。", "疏散指示清晰；疏散引导员定岗；定期演练。", None, None),
    # 办公楼宇
    ("RF-RM12-01", "RM12", "电气线路和办公设备", "3", "6", "3", "办公设备长时间通电，插排串接。", "下班断电；禁止插排串接。", None, None),
    ("RF-RM12-02", "RM12", "高层建筑疏散困难", "0.5", "6", "40", "楼层高，疏散距离长，烟气沿竖井蔓延。", "楼梯间防火门常闭；每年全要素演练。", HIGH_RISE_RULES, "第四十四条"),
    ("RF-RM12-03", "RM12", "消防设施维护不到位", "1", "6", "7", "报警、喷淋等系统故障未及时修复。", "委托维保单位；每年全面检测。", FIRE_LAW, "第十六条"),
    # 居民院落
    ("RF-ZZ01-01", "ZZ01", "电动自行车楼道停放充电", "3", "6", "15", "楼道、楼梯间停放充电，电池起火后烟气封堵唯一通道。", "设置集中停放充电点；清理楼道车辆；禁止飞线充电。", EBIKE_NOTICE, "三"),
    ("RF-ZZ01-02", "ZZ01", "消防通道堵塞", "3", "6", "7", "车辆、杂物占用消防车通道。", "划设禁停标线；物业每日巡查清理。", FIRE_LAW, "第二十八条"),
    ("RF-ZZ01-03", "ZZ01", "私拉乱接电线", "3", "6", "7", "居民私拉电线、飞线充电，线路老化。", "开展入户宣传和检查；改造老旧线路。", None, None),
    # 高层住宅楼栋
    ("RF-ZZ02-01", "ZZ02", "电动自行车进楼入户充电", "3", "6", "15", "电动车乘电梯入户充电，起火后烟气沿竖井蔓延。", "电梯加装阻车装置；设置集中充电场所。", HIGH_RISE_RULES, "第三十七条"),
    ("RF-ZZ02-02", "ZZ02", "楼梯间、前室堆放杂物", "3", "6", "7", "杂物堵塞疏散楼梯，防火门被拴开。", "定期清理；防火门保持常闭。", FIRE_LAW, "第二十八条"),
    ("RF-ZZ02-03", "ZZ02", "消火栓、报警设施损坏失效", "1", "6", "15", "消防设施无人维护，火灾时无水、无报警。", "物业委托维保；每年全面检测。", FIRE_LAW, "第十六条"),
    # 出租房屋
    ("RF-ZZ03-01", "ZZ03", "群租隔断、疏散困难", "3", "6", "15", "可燃材料隔断、窗户封闭，人员密集。", "拆除违规隔断；保证每层疏散通道；打开逃生窗。", None, None),
    ("RF-ZZ03-02", "ZZ03", "电动自行车室内充电", "3", "6", "15", "租户将电动车推入室内充电。", "设置集中充电点；房东签订消防安全责任书。", EBIKE_NOTICE, "三"),
    ("RF-ZZ03-03", "ZZ03", "私拉乱接、使用大功率电器", "3", "6", "7", "租户私接电线，线路过载。", "按户设置漏电保护；定期检查线路。", None, None),
    # 电动自行车集中充电场所
    ("RF-ZZ04-01", "ZZ04", "电池热失控起火", "1", "10", "15", "锂电池过充、破损引发热失控，火势猛烈。", "充电设施具备充满自动断电功能；视频监控和值守。", HIGH_RISE_RULES, "第三十七条"),
    ("RF-ZZ04-02", "ZZ04", "充电线路老化、超负荷", "3", "6", "7", "充电回路负荷大，线路老化。", "专用回路和漏电保护；定期检测线路。", None, None),
    ("RF-ZZ04-03", "ZZ04", "车辆密集、火势蔓延快", "1", "6", "15", "车辆紧密停放，一辆起火迅速蔓延。", "分组停放、防火分隔；配置灭火器材。", HIGH_RISE_RULES, "第三十七条"),
    # 工业企业
    ("RF-GY01-01", "GY01", "违规动火作业", "3", "3", "15", "检修动火未审批、未清理可燃物。", "动火审批制度；专人监护；配置灭火器材。", FIRE_LAW, "第二十一条"),
    ("RF-GY01-02", "GY01", "可燃物料、粉尘", "1", "6", "15", "可燃原料和粉尘积聚，遇点火源燃爆。", "定期清扫粉尘；控制点火源。", None, None),
    ("RF-GY01-03", "GY01", "电气设备故障", "3", "6", "7", "设备长时间运行，电机、线路过热。", "定期检修；电气防火检测。", None, None),
    # 仓储物流企业
    ("RF-GY02-01", "GY02", "货物堆垛违规（“五距”不足）", "3", "6", "7", "堆垛过密、贴近灯具和墙柱，火势易蔓延。", "按“五距”堆放；划定通道。", "XF 1131-2014", "6.8"),
    ("RF-GY02-02", "GY02", "叉车充电、电气故障", "1", "6", "15", "库内给叉车充电，电气故障引燃货物。", "充电区独立设置；库内不设充电点。", None, None),
    ("RF-GY02-03", "GY02", "库内住人、吸烟", "1", "6", "40", "库房内住人或吸烟，夜间起火。", "严禁在库房内住宿和吸烟；夜间巡查。", FIRE_LAW, "第二十一条"),
    # 地下空间和停车场
    ("RF-GY03-01", "GY03", "排烟不畅、疏散困难", "1", "6", "15", "地下空间烟气难以排出，疏散距离长。", "防排烟设施保持有效；疏散指示和应急照明完好。", None, None),
    ("RF-GY03-02", "GY03", "电动车违规停放充电", "3", "6", "15", "地下车库违规停放、充电电动车。", "禁止电动车进入地下空间充电；加强巡查。", None, None),
    ("RF-GY03-03", "GY03", "车辆燃油泄漏", "0.5", "6", "15", "车辆油路故障漏油，遇火源起火。", "保持通风；禁止在车库内维修车辆。", None, None),
    # 加油加气站
    ("RF-WH01-01", "WH01", "油气泄漏遇明火爆炸", "1", "10", "40", "油罐、管线、加油枪泄漏，遇明火或火花爆炸。", "站内严禁烟火；定期检测管线；配置灭火器和灭火毯。", FIRE_LAW, "第二十一条"),
    ("RF-WH01-02", "WH01", "卸油作业静电", "3", "3", "40", "卸油时静电放电引燃油气。", "卸油前静电接地；专人监护；雷雨天停止卸油。", None, None),
    ("RF-WH01-03", "WH01", "加油机电气火花", "1", "6", "15", "加油机内电气故障产生火花。", "使用防爆电气；定期检修。", None, None),
    # 燃气经营单位
    ("RF-WH02-01", "WH02", "钢瓶泄漏、超期未检", "3", "6", "40", "过期、报废钢瓶流入使用，阀门泄漏。", "建立钢瓶档案；不充装非自有和超期钢瓶。", GAS_RULES, None),
    ("RF-WH02-02", "WH02", "充装超量", "1", "6", "40", "钢瓶超量充装，受热后超压爆炸。", "充装称重复检；充装人员持证。", None, None),
    ("RF-WH02-03", "WH02", "储存场所通风不良、气体积聚", "1", "10", "40", "钢瓶库通风不良，泄漏气体积聚遇火爆炸。", "库房通风；可燃气体报警；防爆电器。", None, None),
    # 商业燃气用户
    ("RF-WH03-01", "WH03", "燃气泄漏遇明火爆炸", "1", "6", "40", "厨房燃气泄漏积聚后遇明火爆炸。", "安装燃气泄漏报警和切断装置；每日检查。", "GB 55009-2021", None),
    ("RF-WH03-02", "WH03", "连接软管老化脱落", "3", "6", "15", "橡胶软管老化、被鼠咬，接头松脱。", "使用金属波纹管或合格软管；定期更换。", None, None),
    ("RF-WH03-03", "WH03", "报警切断装置失效", "1", "6", "15", "报警器故障或被拆除，泄漏无法发现。", "定期测试报警器；保留维护记录。", "GB 50028-2006", "10.8.2"),
    # 危险化学品经营单位
    ("RF-WH04-01", "WH04", "危化品泄漏引发火灾爆炸", "1", "10", "40", "易燃易爆化学品泄漏遇点火源。", "专库专人管理；泄漏应急器材；严禁烟火。", "危险化学品安全管理条例", None),
    ("RF-WH04-02", "WH04", "禁忌物料混存", "1", "6", "40", "性质相抵触的化学品同库存放。", "分类分区存放；张贴禁忌物料表。", None, None),
    ("RF-WH04-03", "WH04", "超量储存", "3", "6", "15", "库存超过许可量，事故后果扩大。", "按许可量进货；定期盘点。", "危险化学品安全管理条例", "第三十三条"),
    # 建筑工地
    ("RF-GG01-01", "GG01", "电焊切割动火引燃", "3", "6", "15", "焊渣引燃保温材料、模板等可燃物。", "动火审批；清理可燃物；专人监护。", FIRE_LAW, "第二十一条"),
    ("RF-GG01-02", "GG01", "临时用电私拉乱接", "3", "6", "7", "临时线路随地敷设，破损漏电。", "三级配电两级保护；定期检查。", None, None),
    ("RF-GG01-03", "GG01", "临时宿舍火灾", "1", "6", "15", "临时宿舍使用可燃夹芯板、违规用电。", "临时用房采用A级材料；宿舍限电。", "GB 50720-2011", "4.2.1"),
    # 农贸市场
    ("RF-GG02-01", "GG02", "摊位电线私拉乱接", "3", "6", "7", "摊位私接照明和电器，线路老化。", "统一配电；定期检查摊位用电。", None, None),
    ("RF-GG02-02", "GG02", "熟食摊位使用瓶装液化气", "3", "6", "15", "熟食加工使用液化气钢瓶，泄漏遇火。", "集中管理用气；安装泄漏报警；禁止在室内存放多瓶。", GAS_RULES, None),
    ("RF-GG02-03", "GG02", "通道堆放货物", "3", "6", "3", "货物占用市场通道和出口。", "划定摊位界线；每日巡查清理。", FIRE_LAW, "第二十八条"),
    # 机关事业单位
    ("RF-GG03-01", "GG03", "电气线路老化", "1", "6", "7", "办公楼线路老化、设备长时间通电。", "定期电气检测；下班断电。", None, None),
    ("RF-GG03-02", "GG03", "档案资料可燃物集中", "1", "6", "7", "档案室纸质资料集中。", "档案室独立分隔；配置适用灭火器。", None, None),
    ("RF-GG03-03", "GG03", "食堂燃气使用", "1", "6", "15", "机关食堂燃气泄漏或油烟管道积油。", "燃气泄漏报警；油烟管道定期清洗。", None, None),
    # 文物古建筑
    ("RF-GG04-01", "GG04", "木结构耐火等级低、蔓延快", "1", "10", "15", "木构古建筑起火后迅速蔓延，文物损失不可逆。", "严控火源电源；消防水源和灭火器材就近配置。", "古建筑消防管理规则", "第十一条"),
    ("RF-GG04-02", "GG04", "香火和电气线路", "3", "6", "7", "香火、烛灯和老旧线路引燃可燃物。", "指定地点焚香；电气线路穿管保护。", "古建筑消防管理规则", "第十三条"),
    ("RF-GG04-03", "GG04", "消防水源不足、车道不畅", "1", "6", "15", "古建筑群道路狭窄，消防车难以到达。", "设置消防水池和微型消防站；保持通道畅通。", None, None),
]
# fmt: on

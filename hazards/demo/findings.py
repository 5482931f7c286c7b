"""What the demo street's hazards are: findings as grid workers write them, keyed by checklist item, the
major hazards, the risk factors the office rules out, and how many hazards of each kind."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """What a failed checklist item looks like on site: (what was found, what was done about it) pairs,
    what the notice requires, what a failed review says, and what the photos show before and after."""

    cases: tuple[tuple[str, str], ...]
    requirement: str
    still: str
    before: str
    after: str
    weight: int = 1


def finding(cases, requirement, still, before, after="tidy", weight=1) -> Finding:
    return Finding(tuple(cases), requirement, still, before, after, weight)


# Keyed by checklist item code (regulations/library.py); an item not listed is never picked.
FINDINGS: dict[str, Finding] = {
    "EXT-01": finding(
        [("灭火器只有1具，少于2具", "已增配2具4kg ABC干粉灭火器，放在收银台旁和后门"),
         ("店内仅配置1具灭火器，另一具已过期报废", "已购置2具新灭火器并放置到位"),
         ("二楼未配置灭火器，整个场所只有1具", "二楼已增配2具灭火器")],
        "按每个计算单元不少于2具配置灭火器", "复查时仍只有1具灭火器", "extinguisher", "extinguisher", 3,
    ),
    "EXT-05": finding(
        [("灭火器箱上锁，无法随时取用", "已拆除灭火器箱挂锁"),
         ("灭火器箱用铁丝缠住，打不开", "已拆除铁丝，灭火器箱可正常开启")],
        "打开箱锁，保证灭火器随时可以取用", "灭火器箱仍然上锁", "extinguisher", "extinguisher",
    ),
    "EXT-06": finding(
        [("灭火器放在仓库角落，被纸箱遮挡", "灭火器已移至门口明显位置并设置挂架"),
         ("灭火器被杂物压住，不便取用", "已清理杂物，灭火器放在醒目位置"),
         ("灭火器放在柜台下面，顾客和员工都看不到", "灭火器已挂在收银台旁墙上"),
         ("灭火器锁在后厨储物间", "灭火器已移至厨房门口")],
        "将灭火器设置在位置明显、便于取用的地点", "灭火器仍被杂物遮挡", "boxes", "extinguisher", 2,
    ),
    "EXT-16": finding(
        [("楼层公共部位未配置灭火器", "各楼层公共部位已补配1A手提式灭火器"),
         ("三楼公共走道灭火器缺失", "三楼走道已补配2具灭火器")],
        "公共部位按每100m²一具配置1A手提式灭火器", "仍有楼层未配置灭火器", "corridor", "extinguisher", 2,
    ),
    "LAW-01": finding(
        [("未制定灭火和应急疏散预案", "已制定灭火和应急疏散预案并组织员工学习"),
         ("消防安全制度未上墙，无应急疏散预案", "已制定预案，消防安全制度已上墙")],
        "制定消防安全制度、操作规程和灭火和应急疏散预案", "预案仍未制定", "paper", "paper",
    ),
    "LAW-02": finding(
        [("灭火器压力不足，指针在红区", "已更换压力正常的灭火器"),
         ("灭火器超期未维修检验", "灭火器已送检维修并贴检验标签"),
         ("应急照明灯损坏不亮", "已更换应急照明灯，测试正常"),
         ("安全出口指示标志不亮", "已维修安全出口指示标志")],
        "维修或更换失效的消防设施器材，保持完好有效", "复查时仍有器材失效", "extinguisher", "extinguisher", 5,
    ),
    "LAW-04": finding(
        [("疏散通道堆放杂物", "已清理通道内杂物，通道畅通"),
         ("安全出口被货物堵塞", "已搬离出口处货物，划定禁止堆放区域"),
         ("后门安全出口上锁", "已拆除门锁，营业期间保持出口畅通"),
         ("楼梯间堆放旧家具和纸箱", "已清理楼梯间杂物"),
         ("疏散通道停放三轮车和货物", "已将车辆和货物移出通道"),
         ("消防车通道停放车辆", "已清理车辆并施划禁停标线")],
        "立即清理，保持疏散通道、安全出口和消防车通道畅通", "复查时通道内仍有杂物堆放", "blocked", "corridor", 6,
    ),
    "LAW-05": finding(
        [("消火栓箱被货架遮挡", "已移开货架，消火栓箱可正常开启"),
         ("消火栓箱门前堆放纸箱，无法打开", "已清理纸箱"),
         ("室外消火栓被围挡圈占", "已拆除围挡"),
         ("室外消火栓被停放车辆挡住", "已移走车辆，施划禁停标线")],
        "清除遮挡，保证消火栓随时可用", "消火栓仍被遮挡", "hydrant", "hydrant", 2,
    ),
    "LAW-06": finding(
        [("二楼窗户安装防盗网，影响逃生", "已改为可从内部开启的逃生窗"),
         ("门头广告牌封堵外窗", "已拆除封堵外窗的广告牌")],
        "拆除影响逃生和灭火救援的障碍物", "防盗网仍未拆除", "window", "window",
    ),
    "LAW-07": finding(
        [("烟感探测器被拆除", "已重新安装烟感探测器并测试报警正常"),
         ("装修时拆除的烟感探测器未恢复", "已恢复烟感探测器"),
         ("室内消火栓箱内水带、水枪缺失", "已补齐水带和水枪"),
         ("消火栓箱被改作杂物柜", "已清空消火栓箱，恢复器材")],
        "恢复被拆除、停用的消防设施器材", "设施仍未恢复", "hydrant", "hydrant",
    ),
    "LAW-08": finding(
        [("禁火区域有烟头，未设禁火标志", "已设置禁止烟火标志，加强员工管理")],
        "危险区域严禁吸烟和使用明火，设置禁火标志", "仍未设置禁火标志", "sign", "sign",
    ),
    "LAW-09": finding(
        [("电焊作业未办理动火审批，现场无人监护", "已补办动火审批，落实专人监护和灭火器材")],
        "动火作业事先办理审批，落实现场消防安全措施", "动火作业仍未审批", "paper", "paper",
    ),
    "LAW-12": finding(
        [("店铺阁楼住人，未做防火分隔", "住宿人员已搬离经营场所"),
         ("经营场所内设置住宿，无独立疏散通道", "住宿部分已用防火墙分隔并开设独立出口")],
        "住宿与经营部分进行防火分隔并设置独立疏散通道，不能分隔的停止住宿", "仍有人员在店内住宿", "boxes", "corridor", 2,
    ),
    "LAW-13": finding(
        [("未落实每日防火巡查，无巡查记录", "已建立每日防火巡查记录，专人负责"),
         ("防火巡查记录缺失近两周", "已补充巡查制度，每日巡查并签名")],
        "落实每日防火巡查并建立巡查记录", "巡查记录仍不完整", "paper", "paper",
    ),
    "MPS-01": finding(
        [("营业期间未落实每2小时防火巡查", "已安排专人每2小时巡查并记录")],
        "营业期间至少每2小时巡查一次", "仍未落实巡查", "paper", "paper",
    ),
    "MPS-02": finding(
        [("营业结束后未检查现场，无检查记录", "已建立闭店检查记录，店长签名")],
        "营业结束时检查现场，消除遗留火种，并做记录", "闭店检查仍无记录", "paper", "paper",
    ),
    "MPS-03": finding(
        [("夜间防火巡查未落实，无记录", "已落实夜间巡查并建立记录")],
        "落实夜间防火巡查，建立巡查记录", "夜间巡查仍无记录", "paper", "paper",
    ),
    "MPS-04": finding(
        [("近两个月未开展防火检查", "已开展防火检查并建立检查记录")],
        "至少每月开展一次防火检查", "仍未开展防火检查", "paper", "paper",
    ),
    "MPS-10": finding(
        [("消防控制室值班人员未持证上岗", "已安排持证人员值班，证书复印件存档")],
        "消防控制室值班、操作人员持证上岗", "值班人员仍无证", "paper", "paper",
    ),
    "MPS-11": finding(
        [("未张贴防火和疏散逃生宣传资料", "已张贴疏散示意图和防火宣传资料")],
        "通过张贴图画、广播等宣传防火和疏散逃生常识", "仍未张贴宣传资料", "sign", "sign",
    ),
    "HR-01": finding(
        [("楼道内停放电动自行车并充电", "已清理楼道内电动自行车"),
         ("一楼门厅停放电动自行车", "已将车辆移至小区集中停放点")],
        "清理公共区域电动自行车，禁止在门厅、楼道停放充电", "楼道内仍停放电动自行车", "ebike", "corridor", 4,
    ),
    "HR-02": finding(
        [("高层楼栋门厅停放电动自行车充电", "已清理门厅车辆，引导住户集中充电")],
        "清理公共区域电动自行车，禁止在门厅、楼道停放充电", "门厅仍停放电动自行车", "ebike", "corridor", 2,
    ),
    "HR-03": finding(
        [("充电设施无充满自动断电功能", "已更换为具备充满自动断电功能的充电桩")],
        "更换为具备充满自动断电功能的充电设施", "充电设施仍未更换", "charging", "charging",
    ),
    "HR-04": finding(
        [("电动自行车充电区与住宅未做防火分隔", "已设置防火隔墙，充电区独立设置")],
        "充电场所独立设置或与建筑其他部分防火分隔", "仍未分隔", "charging", "charging",
    ),
    "HR-05": finding(
        [("电动自行车充电棚未配置灭火器", "已配置4具灭火器和1个消防沙箱")],
        "充电场所配备必要的消防器材", "仍未配置灭火器", "charging", "extinguisher", 2,
    ),
    "EB-01": finding(
        [("楼梯间停放电动车并飞线充电", "已清理楼梯间车辆，拆除飞线"),
         ("一楼过道电动车充电", "已引导住户到集中充电点充电")],
        "楼内共用走道、楼梯间、安全出口处禁止停放电动车和充电", "楼梯间仍有电动车充电", "ebike", "corridor", 4,
    ),
    "EB-02": finding(
        [("住户从窗口飞线给电动车充电", "已拆除飞线，住户签订安全承诺书")],
        "禁止飞线充电，落实隔离和监护措施", "仍有飞线充电", "cable", "tidy", 2,
    ),
    "EB-03": finding(
        [("物业未明确电动车停放充电管理人员", "已明确管理人员并建立巡查制度")],
        "明确电动车停放、充电的管理人员和巡查制度", "仍未明确管理人员", "paper", "paper",
    ),
    "GAS-01": finding(
        [("天然气报警器距灶具超过8米", "已将报警器移装至距灶具4米处")],
        "报警器与燃具或阀门的水平距离不大于8米", "报警器仍未移装", "gas", "gas",
    ),
    "GAS-03": finding(
        [("液化气报警器距灶具超过4米", "已将报警器移装至距灶具2米处")],
        "报警器与燃具或阀门的水平距离不大于4米", "报警器仍未移装", "gas", "gas",
    ),
    "GAS-04": finding(
        [("液化气报警器安装过高，距地面1.2米", "已将报警器移至距地面0.3米以内")],
        "液化石油气报警器距地面不大于0.3米", "报警器位置仍不符合要求", "gas", "gas",
    ),
    "GAS-05": finding(
        [("燃气报警系统无备用电源", "已加装备用电源，断电测试正常")],
        "燃气浓度检测报警系统设置备用电源", "仍无备用电源", "gas", "gas",
    ),
    "BLD-07": finding(
        [("疏散门被改窄，净宽不足0.9米", "已恢复疏散门宽度")],
        "恢复疏散门和安全出口的净宽度", "疏散门仍未恢复", "door", "door",
    ),
    "BLD-08": finding(
        [("疏散走道摆放桌椅，净宽不足1.1米", "已移除走道内桌椅")],
        "保证疏散走道和楼梯的净宽度", "走道内仍摆放桌椅", "blocked", "corridor",
    ),
    "KIT-01": finding(
        [("油烟管道超过一个季度未清洗，油垢较厚", "已请专业公司清洗油烟管道，留存清洗记录"),
         ("排油烟罩油污积聚", "已清洗排油烟罩和管道")],
        "厨房排油烟管道至少每季度清洗一次", "油烟管道仍未清洗", "duct", "duct", 4,
    ),
    "WHS-01": finding(
        [("堆垛之间无间距，货物堆成一片", "已按要求留出堆垛间距")],
        "按“五距”要求堆放货物", "堆垛间距仍不足", "boxes", "boxes",
    ),
    "WHS-04": finding(
        [("货物堆放紧贴照明灯具", "已调整货物，与灯具保持0.5米以上距离")],
        "货物与照明灯具保持安全距离", "货物仍紧贴灯具", "boxes", "boxes",
    ),
    "LAW-10": finding(
        [("电焊工无特种作业操作证", "已更换持证焊工，证件复印件存档")],
        "电焊、气焊等作业人员持证上岗", "焊工仍无证", "paper", "paper",
    ),
    "CHEM-05": finding(
        [("员工宿舍疏散通道堆放纸箱", "已清理通道，宿舍出口畅通")],
        "保持生产经营场所和员工宿舍的出口、疏散通道畅通", "通道仍有纸箱", "blocked", "corridor",
    ),
    "HER-03": finding(
        [("香炉旁堆放纸钱，无人看管", "已清理可燃物，安排专人看管香炉")],
        "在指定地点焚香烧纸，设防火设施并专人看管", "仍无人看管", "generic", "tidy",
    ),
    "HER-04": finding(
        [("殿内未设“禁止烟火”标志", "已设置禁止烟火标志")],
        "重点要害部位设置“禁止烟火”标志", "仍未设置标志", "sign", "sign",
    ),
    "CON-05": finding(
        [("可燃材料堆场设在架空电力线下", "已将材料堆场迁出架空线下方")],
        "可燃材料堆场不得布置在架空电力线下", "堆场仍在电力线下", "boxes", "tidy",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class MajorCase:
    """A major hazard (GB 35181-2025, direct criteria) and how far it has come."""

    item: str
    category: str
    finding: str
    requirement: str
    done: str
    goals: str
    measures: str
    funds: str
    people: str
    safety: str
    ends: str  # closed_out | reviewed | rectified | notified
    found_days_ago: int
    # Words the site's name should contain (a KTV for a lost exit, a hardware shop for petrol), best first.
    names: tuple[str, ...] = ()
    in_grid_workers_grid: bool = False


MAJORS = [
    MajorCase(
        "MAJ-02", "RM01", "自动喷水灭火系统湿式报警阀被关闭，末端试水装置放水无压力",
        "立即恢复自动喷水灭火系统并委托维保单位全面检测", "已打开湿式报警阀，更换损坏喷头，维保单位检测合格",
        "恢复自动喷水灭火系统正常运行", "委托维保单位检修报警阀组和管网；更换损坏喷头；建立每日巡查记录",
        "48000", "店长、消防安全管理人", "整改期间增加巡查频次，每层配置灭火器和微型消防站器材",
        "closed_out", 96, ("超市", "购物中心"),
    ),
    MajorCase(
        "MAJ-03", "RM06", "火灾自动报警系统主机故障停用，多处感烟探测器被拆除",
        "修复火灾自动报警系统，恢复全部探测器", "已更换报警主机并恢复全部探测器，联动测试正常",
        "恢复火灾自动报警系统", "更换报警控制器；补装探测器；消防控制室双人值班",
        "65000", "院长、消防安全管理人", "整改期间夜间每2小时巡查一次，每层安排专人值守", "reviewed", 41, ("养老院", "颐养中心"),
    ),
    MajorCase(
        "MAJ-01", "RM04", "KTV仅设1个安全出口，另一出口被改作包间",
        "恢复第二安全出口，整改完成前停止营业", "",
        "恢复两个安全出口", "拆除占用出口的包间隔墙；恢复疏散门和疏散指示；整改期间停业",
        "120000", "法定代表人、消防安全管理人", "整改期间停止营业，现场设置警示标志", "notified", 16, ("KTV", "娱乐会所"),
    ),
    MajorCase(
        "MAJ-04", "XS01", "店内违规储存、销售散装汽油约200升",
        "立即清除店内散装汽油，停止违规经营", "",
        "清除店内危险品，停止违规经营", "将散装汽油交有资质单位回收；清理储存区域；签订承诺书",
        "3000", "店主", "清理期间严禁烟火，店外配置灭火器",
        "notified", 5, ("五金店", "干杂店", "副食店", "便利店", "百货店"), True,
    ),
]  # fmt: skip

# Factors the library gives a whole category that the site's own file rules out: the street
# office removes them in its first review of the grades, saying why.
NOT_APPLICABLE = {
    "RF-GG03-03": ("has_kitchen", "本单位无食堂，不使用燃气"),
    "RF-XS07-02": ("has_kitchen", "本机构无厨房，餐食由配送单位提供"),
    "RF-RM07-03": ("has_kitchen", "学校无食堂，不使用燃气"),
    "RF-XS02-01": ("uses_lpg", "经核实使用管道天然气，店内无液化气钢瓶"),
    "RF-GG02-02": ("uses_lpg", "市场内无摊位使用瓶装液化气"),
    "RF-XS03-03": ("has_ebike_charging", "店内无电动自行车停放充电"),
    "RF-GY03-02": ("has_ebike_charging", "车库禁止电动自行车进入，已设阻车装置"),
}

# How many general hazards of each kind: where the loop had got to by today.
SCENARIOS = {
    "closed": 52,
    "closed_on_spot": 20,
    "closed_after_failed_review": 6,
    "closed_late": 3,
    "found": 9,
    "notified": 14,
    "rectified": 8,
    "overdue": 10,
}
OPEN_SCENARIOS = {"found", "notified", "rectified", "overdue"}
DEADLINE_DAYS = (7, 10, 15, 15, 20, 30)

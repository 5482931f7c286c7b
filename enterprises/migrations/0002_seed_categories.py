"""The 36 categories of supervised units of the seed street (DOMAIN.md).

The nine small venues (九小场所) carry their size limits; definitions vary by
province, these follow DOMAIN.md. Crowded places are those of the Fire Law,
art. 73. Residential courtyards and buildings have no credit code.
"""

from django.db import migrations

# code, name, group, limit kind, limit value, requires credit code, description
CATEGORIES = [
    ("XS01", "小商店", "nine_small", "floor_area", 300, True, "营业面积不超过300平方米的商店"),
    ("XS02", "小餐饮场所", "nine_small", "seats", 100, True, "就餐人数不超过100人的餐饮场所"),
    ("XS03", "小旅馆", "nine_small", "beds", 50, True, "床位不超过50张的旅馆"),
    ("XS04", "小歌舞娱乐场所", "nine_small", "floor_area", 200, True, "建筑面积不超过200平方米的歌舞娱乐场所"),
    ("XS05", "小休闲健身场所", "nine_small", "floor_area", 200, True, "建筑面积不超过200平方米的足浴、美容、网吧、健身等场所"),
    ("XS06", "小医疗养老机构", "nine_small", "beds", 30, True, "床位不超过30张的诊所、养老机构"),
    ("XS07", "小学校幼儿园", "nine_small", "", None, True, "小型学校、幼儿园、托育和校外培训机构"),
    ("XS08", "小生产加工企业", "nine_small", "staff", 50, True, "从业人员不超过50人的生产加工作坊"),
    ("XS09", "小易燃易爆危险品经营场所", "nine_small", "floor_area", 100, True, "营业面积不超过100平方米的易燃易爆危险品销售点"),
    ("RM01", "商场超市", "crowded", "", None, True, "商场、超市等营业性公共场所"),
    ("RM02", "宾馆酒店", "crowded", "", None, True, "宾馆、饭店等住宿场所"),
    ("RM03", "大中型餐饮场所", "crowded", "", None, True, "就餐人数超过100人的餐饮场所"),
    ("RM04", "公共娱乐场所", "crowded", "", None, True, "歌舞厅、影剧院、KTV等公共娱乐场所"),
    ("RM05", "医院", "crowded", "", None, True, "医院、社区卫生服务中心"),
    ("RM06", "养老机构", "crowded", "", None, True, "养老院、社区养老服务中心"),
    ("RM07", "学校", "crowded", "", None, True, "中小学校、职业学校"),
    ("RM08", "幼儿园托育机构", "crowded", "", None, True, "幼儿园、托儿所、托育机构"),
    ("RM09", "文体活动场馆", "crowded", "", None, True, "体育场馆、图书馆、展览馆、文化活动中心"),
    ("RM10", "宗教活动场所", "crowded", "", None, False, "寺庙、教堂等宗教活动场所"),
    ("RM11", "商业综合体", "crowded", "", None, True, "集购物、餐饮、娱乐于一体的商业综合体"),
    ("RM12", "办公楼宇", "crowded", "", None, True, "商务写字楼、办公楼"),
    ("ZZ01", "居民院落", "residential", "", None, False, "老旧院落、小区"),
    ("ZZ02", "高层住宅楼栋", "residential", "", None, False, "高层住宅楼栋"),
    ("ZZ03", "出租房屋", "residential", "", None, False, "出租房屋、群租房"),
    ("ZZ04", "电动自行车集中充电场所", "residential", "", None, False, "电动自行车集中停放充电场所"),
    ("GY01", "工业企业", "production", "", None, True, "从业人员超过50人的生产加工企业"),
    ("GY02", "仓储物流企业", "production", "", None, True, "仓库、物流配送站点"),
    ("GY03", "地下空间和停车场", "production", "", None, False, "地下车库、人防工程等地下空间"),
    ("WH01", "加油加气站", "hazardous", "", None, True, "加油站、加气站、充电站"),
    ("WH02", "燃气经营单位", "hazardous", "", None, True, "燃气供应站、瓶装液化气供应点"),
    ("WH03", "商业燃气用户", "hazardous", "", None, True, "使用管道燃气或瓶装液化气的餐饮等经营单位"),
    ("WH04", "危险化学品经营单位", "hazardous", "", None, True, "危险化学品经营和使用单位"),
    ("GG01", "建筑工地", "public", "", None, True, "在建房屋建筑和市政工程工地"),
    ("GG02", "农贸市场", "public", "", None, True, "农贸市场、集贸市场"),
    ("GG03", "机关事业单位", "public", "", None, True, "机关、团体、事业单位"),
    ("GG04", "文物古建筑", "public", "", None, False, "文物保护单位和古建筑"),
]


def seed_categories(apps, schema_editor):
    Category = apps.get_model("enterprises", "Category")
    for code, name, group, limit_kind, limit_value, requires_credit_code, description in CATEGORIES:
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "group": group,
                "limit_kind": limit_kind,
                "limit_value": limit_value,
                "requires_credit_code": requires_credit_code,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]

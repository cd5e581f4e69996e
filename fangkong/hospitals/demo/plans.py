"""What the demo builds: the hospitals and their wards, the supplies catalogue, the mixes."""

from __future__ import annotations

from dataclasses import dataclass

from fangkong.hospitals.models import (
    ClinicalClassification,
    HospitalKind,
    HospitalStatus,
    ImagingFinding,
    ProtectionGrade,
    StaffRole,
    SupplyCategory,
    WardKind,
)

NO5 = "无锡市第五人民医院"


@dataclass(frozen=True)
class WardPlan:
    name: str
    kind: str
    beds: int
    prefix: str
    location: str


@dataclass(frozen=True)
class HospitalPlan:
    name: str
    kind: str
    status: str
    district: str
    street: str
    address: str
    wards: list[WardPlan]
    patients: int  # in hospital now, at full scale
    discharged: int  # discharged in the last fortnight, at full scale
    staff: int


def _isolation_wards(count: int, beds: int, building: str) -> list[WardPlan]:
    numbers = "一二三四五六七八九十"
    return [
        WardPlan(
            f"隔离病区{numbers[i]}", WardKind.ISOLATION, beds, f"{i + 1}", f"{building}{i + 2}楼"
        )
        for i in range(count)
    ]


HOSPITALS = [
    HospitalPlan(
        NO5,
        HospitalKind.DESIGNATED,
        HospitalStatus.RECEIVING,
        "梁溪区",
        "广益街道",
        "梁溪区广瑞路1215号",
        [
            *_isolation_wards(6, 30, "感染楼"),
            WardPlan("重症监护病区", WardKind.ICU, 20, "ICU", "感染楼1楼"),
            WardPlan("发热留观病区", WardKind.OBSERVATION, 12, "G", "门急诊楼3楼"),
            WardPlan("感染科普通病区", WardKind.GENERAL, 24, "P", "综合楼5楼"),
        ],
        patients=64,
        discharged=24,
        staff=120,
    ),
    HospitalPlan(
        "江阴市人民医院",
        HospitalKind.DESIGNATED,
        HospitalStatus.RECEIVING,
        "江阴市",
        "澄江街道",
        "江阴市寿山路163号",
        [
            *_isolation_wards(2, 24, "传染病楼"),
            WardPlan("重症监护病区", WardKind.ICU, 8, "ICU", "传染病楼1楼"),
            WardPlan("留观病区", WardKind.OBSERVATION, 8, "G", "传染病楼1楼"),
        ],
        patients=14,
        discharged=6,
        staff=40,
    ),
    HospitalPlan(
        "宜兴市人民医院",
        HospitalKind.DESIGNATED,
        HospitalStatus.RECEIVING,
        "宜兴市",
        "宜城街道",
        "宜兴市通贞观路75号",
        [
            *_isolation_wards(2, 20, "感染楼"),
            WardPlan("重症监护病区", WardKind.ICU, 6, "ICU", "感染楼1楼"),
            WardPlan("留观病区", WardKind.OBSERVATION, 8, "G", "感染楼1楼"),
        ],
        patients=9,
        discharged=4,
        staff=30,
    ),
    HospitalPlan(
        "无锡市人民医院（后备定点医院）",
        HospitalKind.RESERVE,
        HospitalStatus.STANDBY,
        "梁溪区",
        "扬名街道",
        "梁溪区清扬路299号",
        [
            WardPlan("后备隔离病区A", WardKind.ISOLATION, 40, "A", "2号楼"),
            WardPlan("后备隔离病区B", WardKind.ISOLATION, 40, "B", "2号楼"),
            WardPlan("后备重症监护病区", WardKind.ICU, 12, "ICU", "2号楼1楼"),
        ],
        patients=0,
        discharged=0,
        staff=16,
    ),
    HospitalPlan(
        "太湖国际博览中心方舱医院",
        HospitalKind.FANGCANG,
        HospitalStatus.STANDBY,
        "新吴区",
        "旺庄街道",
        "新吴区清舒道88号",
        [
            WardPlan("方舱A区", WardKind.ISOLATION, 100, "A", "1号馆"),
            WardPlan("方舱B区", WardKind.ISOLATION, 100, "B", "2号馆"),
            WardPlan("方舱C区", WardKind.ISOLATION, 100, "C", "3号馆"),
        ],
        patients=0,
        discharged=0,
        staff=12,
    ),
]

# code, name, category, grade, unit; safety stock per 100 beds; daily use per 10 patients.
SUPPLIES: list[tuple[str, str, str, str, str, int, int]] = [
    ("PPE-GOWN2", "医用一次性防护服", SupplyCategory.PPE, ProtectionGrade.LEVEL_2, "件", 600, 40),
    ("PPE-ISO1", "一次性隔离衣", SupplyCategory.PPE, ProtectionGrade.LEVEL_1, "件", 800, 30),
    ("PPE-PAPR3", "正压防护头罩", SupplyCategory.PPE, ProtectionGrade.LEVEL_3, "个", 20, 0),
    ("PPE-GOGGLE", "医用护目镜", SupplyCategory.PPE, ProtectionGrade.LEVEL_2, "副", 200, 6),
    ("PPE-SHIELD", "医用防护面屏", SupplyCategory.PPE, ProtectionGrade.LEVEL_2, "个", 300, 12),
    ("PPE-GLOVE", "医用外科手套", SupplyCategory.PPE, "", "副", 2000, 120),
    ("MASK-N95", "医用防护口罩（N95）", SupplyCategory.MASK, "", "只", 1500, 110),
    ("MASK-SURG", "医用外科口罩", SupplyCategory.MASK, "", "只", 3000, 90),
    ("O2-40L", "医用氧气（40L钢瓶）", SupplyCategory.OXYGEN, "", "瓶", 60, 4),
    ("VENT-INV", "有创呼吸机", SupplyCategory.VENTILATOR, "", "台", 6, 0),
    ("VENT-NIV", "无创呼吸机", SupplyCategory.VENTILATOR, "", "台", 8, 0),
    ("HFNC", "经鼻高流量氧疗仪", SupplyCategory.VENTILATOR, "", "台", 8, 0),
    ("MON-MULTI", "多参数监护仪", SupplyCategory.MONITOR, "", "台", 30, 0),
    ("ECMO", "体外膜肺氧合（ECMO）", SupplyCategory.OTHER, "", "台", 1, 0),
    ("DRUG-LHQW", "连花清瘟胶囊", SupplyCategory.DRUG, "", "盒", 200, 8),
    ("DRUG-MP", "甲泼尼龙琥珀酸钠注射液", SupplyCategory.DRUG, "", "支", 150, 3),
    ("KIT-PCR", "新冠病毒核酸检测试剂盒", SupplyCategory.TEST_KIT, "", "人份", 2000, 60),
    ("KIT-SWAB", "病毒采样管", SupplyCategory.TEST_KIT, "", "支", 2000, 50),
]

CLASSIFICATION_MIX = [
    (ClinicalClassification.ASYMPTOMATIC, 24),
    (ClinicalClassification.MILD, 34),
    (ClinicalClassification.MODERATE, 33),
    (ClinicalClassification.SEVERE, 6),
    (ClinicalClassification.CRITICAL, 3),
]
STAFF_MIX = [
    (StaffRole.DOCTOR, 20),
    (StaffRole.NURSE, 50),
    (StaffRole.TECHNICIAN, 8),
    (StaffRole.CLEANER, 10),
    (StaffRole.SECURITY, 5),
    (StaffRole.CATERING, 4),
    (StaffRole.LOGISTICS, 3),
]
IMAGING_NOTES: dict[str, str] = {
    ImagingFinding.NORMAL: "胸部CT：双肺未见明显异常",
    ImagingFinding.LESIONS: "胸部CT：双肺多发磨玻璃影",
    ImagingFinding.IMPROVED: "胸部CT：病灶较前明显吸收",
}
LABORATORIES = ["无锡市疾病预防控制中心", "医院检验科", "第三方检测机构"]
ALREADY_OVERDUE = 0.04  # the share of staff whose last test is a day late
UNTRAINED = 0.05

"""Tell organisations from people in author and addressee names (苏共中央 vs 赫鲁晓夫)."""
from __future__ import annotations

import re

from .model import Correspondent

_ORG_ENDINGS = (
    "中央", "委员会", "委会", "共产党", "工人党", "劳动党", "党", "党委", "支部", "政府", "国务院",
    "人民代表大会", "常委会", "部", "局", "厅", "署", "院", "所", "处", "科", "社", "报", "刊",
    "编辑部", "杂志", "通讯社", "电台", "会", "协会", "联合会", "工会", "学会", "大学", "学校",
    "中学", "小学", "军", "军区", "司令部", "总部", "指挥部", "兵团", "师", "团", "营", "连",
    "小组", "组", "队", "公司", "厂", "矿", "公社", "大队", "生产队", "办公室", "办事处",
    "代表团", "使馆", "大使馆", "领事馆", "同盟", "联盟", "阵线", "战线", "总工会", "革委会",
    "革命委员会", "造反团", "战斗队", "司令部", "兵团", "联络站", "联委会", "筹委会",
)
_ORG_MARKERS = ("中央", "委员会", "人民共和国", "共产党", "政府", "红卫兵", "造反", "革命委员会")
_CJK_PERSON = re.compile(r"^[\u4e00-\u9fff·•]{2,4}$")


# Endings that make even a two-character name a body or a group (市委, 分局, 师生, 将士).
_STRONG_ORG_ENDINGS = (
    "党委", "市委", "省委", "县委", "地委", "区委", "军委", "团委", "常委", "特委", "中央", "分局", "总局", "政府", "支部",
    "军区", "公社", "将士", "师生", "同学", "战士", "指战员", "军民", "职工", "社员", "群众", "人民", "代表", "同胞",
    "全体", "各部门", "各级", "国务院", "政务院", "法院", "检察院", "科学院", "学院", "医院", "研究院", "新华社",
    "报社", "杂志社", "出版社", "通讯社", "编辑部", "委员会", "革委会", "工会",
)


def is_organisation(name: str) -> bool:
    """True when `name` reads as a body (party, committee, newspaper, unit) rather than a person."""
    name = name.strip()
    if any(marker in name for marker in _ORG_MARKERS):
        return True
    if name.endswith(_STRONG_ORG_ENDINGS) or name.startswith(("各", "全体")):
        return True
    if _CJK_PERSON.match(name) and len(name) <= 3:
        return False
    return name.endswith(_ORG_ENDINGS) and len(name) >= 3


def correspondent(name: str) -> Correspondent:
    """A Correspondent for `name`, classified as person or organisation."""
    return Correspondent(name=name.strip(), is_org=is_organisation(name))

"""A demo company to try the app on (`main.py --demo DIR`, or 演示数据 at first setup).

The accounts are listed here (not in builder.py) so the login dialog can show them
without importing the builder and every domain it drives."""

from app.models import Role

COMPANY = "宁夏红枸杞贸易有限公司（演示）"
PASSWORD = "Demo2026"
# (username, name, role, team index or None)
PEOPLE = [
    ("admin", "赵管理", Role.ADMIN, None),
    ("dongshizhang", "王董事长", Role.CHAIRMAN, None),
    ("neiqin", "李内勤", Role.SALES_ADMIN, None),
    ("zhuguan1", "张主管", Role.MANAGER, 0),
    ("xiaoshou1", "刘销售", Role.SALES_REP, 0),
    ("xiaoshou2", "陈销售", Role.SALES_REP, 0),
    ("xiaoshou3", "杨销售", Role.SALES_REP, 0),
    ("zhuguan2", "黄主管", Role.MANAGER, 1),
    ("xiaoshou4", "周销售", Role.SALES_REP, 1),
    ("xiaoshou5", "吴销售", Role.SALES_REP, 1),
    ("xiaoshou6", "徐销售", Role.SALES_REP, 1),
]


def accounts_hint() -> str:
    """What the login dialog of a demo database says about its accounts."""
    roles = {}
    for username, _name, role, _team in PEOPLE:
        roles.setdefault(role.label, []).append(username)
    listed = "；".join(f"{label} {'、'.join(names)}" for label, names in roles.items())
    return f"演示数据库，密码均为 {PASSWORD}。账户：{listed}"

"""Every role set behind a permission decision, named by what it allows (SPEC 4.2).

Services check `actor.role in CAN_…`; the UI shows or hides a control with the same set,
so a button is never offered to a role the service refuses. Single-role tests
(`actor.role == Role.CLERK`) stay where they are. Two sets with the same members are
still two capabilities: change one without the other when the rules diverge.
"""

from __future__ import annotations

from app.models import Role

# --- customers (visibility, register, delete) ---------------------------------------
SEES_ALL_CUSTOMERS = (Role.SALES_ADMIN, Role.CHAIRMAN, Role.ADMIN, Role.CLERK)
EDITS_ALL_CUSTOMERS = (Role.SALES_ADMIN, Role.ADMIN)
# Owners of customers: reps and managers. They see and edit their own (a manager the
# team's too), and are the only valid owner, transfer or reassignment target.
CAN_OWN_CUSTOMERS = (Role.SALES_REP, Role.MANAGER)
CAN_REGISTER_CUSTOMERS = (Role.SALES_REP, Role.MANAGER, Role.SALES_ADMIN, Role.ADMIN)
REGISTERS_FOR_ANY_OWNER = (Role.SALES_ADMIN, Role.ADMIN)  # a rep for self, a manager the team
CAN_OVERRIDE_DUPLICATES = (Role.MANAGER, Role.ADMIN)  # 公司特别指派 of a duplicate
CAN_IMPORT_CUSTOMERS = CAN_REGISTER_CUSTOMERS  # not 董事长 or 文员
CAN_IMPORT_OWNER_COLUMN = (Role.SALES_ADMIN, Role.ADMIN, Role.MANAGER)
CAN_DELETE_CUSTOMERS = (Role.SALES_ADMIN, Role.ADMIN, Role.MANAGER)  # and restore: recycle bin
CAN_TRANSFER_CUSTOMERS = (Role.MANAGER, Role.ADMIN, Role.SALES_ADMIN)  # 转移 and 分配
# 转让申请 (二.2): the giving party asks for their own customers; the 市场总监 (a manager
# named in settings, access.director) carries it out; these roles also see every request.
CAN_REQUEST_TRANSFERS = (Role.SALES_REP, Role.MANAGER)
SEES_ALL_TRANSFER_REQUESTS = (Role.SALES_ADMIN, Role.CHAIRMAN, Role.ADMIN)
# 业绩归属: a 转移 between reps by these counts as approved (a manager, the 市场总监 among
# them, or the admin); by anyone else (the sales admin) it is a swap: 业绩归部门 (二.2).
MOVES_WITH_DIRECTORS_APPROVAL = (Role.MANAGER, Role.ADMIN)
CAN_APPROVE_CHANGE_REQUESTS = (Role.SALES_ADMIN, Role.ADMIN)  # 规则 9
CAN_VERIFY_REGISTRATIONS = (Role.SALES_ADMIN, Role.ADMIN)  # 核对 new registrations (4.3.2)
# 合并客户 (issue 20): find likely duplicates and merge (a manager within the team); two
# customers of different reps need a manager's (or the admin's) decision on the owner.
CAN_MERGE_CUSTOMERS = (Role.SALES_ADMIN, Role.MANAGER, Role.ADMIN)
DECIDES_MERGED_OWNER = (Role.MANAGER, Role.ADMIN)
CAN_PROPOSE_MERGES = (Role.SALES_REP,)  # to the sales admin's queue (合并申请)
CAN_UNDO_MERGES = (Role.ADMIN,)  # within 30 days, while neither record changed

# --- 查阅授权 -------------------------------------------------------------------------
CAN_REQUEST_GRANTS = (Role.SALES_REP, Role.MANAGER)  # the others see by role, not by grant
CAN_DECIDE_GRANTS = (Role.CHAIRMAN, Role.ADMIN)  # and see every grant and its views

# --- rules (董事长负责本制度的批准) ---------------------------------------------------------
APPROVES_RULE_CHANGES = (Role.CHAIRMAN,)  # the admin's change of a rule number
SEES_RULE_CHANGES = (Role.CHAIRMAN, Role.ADMIN)

# --- pool (公海) ---------------------------------------------------------------------
SEES_POOL = tuple(r for r in Role if r != Role.CLERK)
CAN_PREVIEW_POOL_RETURNS = SEES_POOL  # 回收预演, limited to the customers each may see
CAN_CLAIM_FROM_POOL = (Role.SALES_REP, Role.MANAGER)  # 领取
CAN_RETURN_TO_POOL = (Role.MANAGER, Role.ADMIN, Role.SALES_ADMIN)  # 回收 by hand
# With auto-return off: told of the overdue customers to reclaim (a manager: the team's)
REMINDED_TO_RECLAIM = (Role.MANAGER, Role.ADMIN)
CAN_SWEEP_POOL = (Role.MANAGER, Role.SALES_ADMIN, Role.ADMIN)  # 立即回收超期客户
CAN_PROTECT_CUSTOMERS = (Role.MANAGER, Role.ADMIN, Role.SALES_ADMIN)  # 保护

# --- policy: classification and reviews ----------------------------------------------
CAN_CONFIRM_CLASSIFICATION = (Role.MANAGER, Role.ADMIN, Role.SALES_ADMIN)
SEES_ALL_REVIEWS = (Role.CHAIRMAN, Role.ADMIN, Role.SALES_ADMIN)
CAN_DECIDE_REVIEWS = (Role.MANAGER, Role.ADMIN)
# 《客户等级分类表》 (暂行办法 一.3): the 市场部经理 审核s it. The filler and the 结算经理 are
# users named in 系统设置 who must also see every customer (the sheet lists them all).
CAN_REVIEW_CLASS_SHEETS = (Role.MANAGER,)
CAN_FILL_CLASS_SHEETS = SEES_ALL_CUSTOMERS
CAN_CHECK_CLASS_SHEETS = SEES_ALL_CUSTOMERS

# --- policy: maintenance (二.3) ---------------------------------------------------------
# Whose visits count toward a class's monthly minimum: A by a company leader (董事长, or a
# user named in maint.leaders), B by the 市场部经理 (销售主管), C by a 市场部专员 (销售人员).
VISITS_A_CUSTOMERS = (Role.CHAIRMAN,)
VISITS_B_CUSTOMERS = (Role.MANAGER,)
VISITS_C_CUSTOMERS = (Role.SALES_REP,)
CAN_SPOT_CHECK_MAINTENANCE = (Role.MANAGER,)  # 市场部经理不定期抽查《客户维护表》

# --- service desk ---------------------------------------------------------------------
CAN_FILE_SAMPLES = (Role.SALES_REP, Role.MANAGER, Role.SALES_ADMIN)
CAN_ASSIGN_COMPLAINTS = (Role.MANAGER, Role.SALES_ADMIN, Role.ADMIN)
CAN_REOPEN_COMPLAINTS = (Role.MANAGER, Role.SALES_ADMIN)
CAN_HANDLE_COMPLAINTS = (Role.SALES_REP, Role.MANAGER, Role.SALES_ADMIN, Role.CLERK)

# --- visits (回访) ---------------------------------------------------------------------
CAN_PLAN_VISITS = (Role.SALES_REP, Role.MANAGER, Role.SALES_ADMIN, Role.ADMIN)
MANAGES_ALL_VISIT_PLANS = (Role.SALES_ADMIN, Role.ADMIN)  # may change anyone's plan
CAN_ARCHIVE_VISITS = (Role.CLERK, Role.SALES_ADMIN)

# --- work plans -----------------------------------------------------------------------
SEES_ALL_WORK_PLANS = (Role.ADMIN, Role.CHAIRMAN)  # and assigns to anyone
CAN_URGE_WORK_PLANS = (Role.MANAGER, Role.ADMIN, Role.CHAIRMAN)

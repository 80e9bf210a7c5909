"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from app.models.audit import AuditLog
from app.models.base import Base
from app.models.list_pref import ListPreference
from app.models.setting import Setting
from app.models.user import ROLE_LABELS, Role, Team, User

__all__ = ["AuditLog", "Base", "ListPreference", "ROLE_LABELS", "Role", "Setting", "Team", "User"]

# Customer archive (issue 3).
from app.models.code_table import CodeItem, CodeTable, ExtraFieldDef  # noqa: E402
from app.models.customer import (  # noqa: E402
    AccessGrant,
    ChangeRequest,
    Contact,
    Customer,
    CustomerKey,
    GrantView,
    NumberCounter,
    OwnershipChange,
    ProspectStep,
)

__all__ += [
    "AccessGrant",
    "ChangeRequest",
    "CodeItem",
    "CodeTable",
    "Contact",
    "Customer",
    "CustomerKey",
    "ExtraFieldDef",
    "GrantView",
    "NumberCounter",
    "OwnershipChange",
    "ProspectStep",
]

# Customer policy engine (issue 5).
from app.models.followup import Deal, FollowUp  # noqa: E402

__all__ += ["Deal", "FollowUp"]
from app.models.review import CustomerReview  # noqa: E402

__all__ += ["CustomerReview"]

# Visits, complaints, samples, work plans, notes (issue 6).
from app.models.service_desk import Complaint, SampleRequest  # noqa: E402
from app.models.visit import VisitPlan, VisitPlanVisitor, VisitRecord, VisitReport  # noqa: E402
from app.models.work import DailyNote, WorkPlan  # noqa: E402

__all__ += [
    "Complaint",
    "DailyNote",
    "SampleRequest",
    "VisitPlan",
    "VisitPlanVisitor",
    "VisitRecord",
    "VisitReport",
    "WorkPlan",
]

# Customer attachments (附件, issue 3).
from app.models.attachment import CustomerAttachment  # noqa: E402

__all__ += ["CustomerAttachment"]

# 合并客户 (issue 20).
from app.models.merge import (  # noqa: E402
    CustomerMerge,
    DuplicateDismissal,
    DuplicatePair,
    MergeProposal,
)

__all__ += ["CustomerMerge", "DuplicateDismissal", "DuplicatePair", "MergeProposal"]

# 转让申请 (issue 14, 二.2).
from app.models.transfer import TransferRequest, TransferRequestCustomer  # noqa: E402

__all__ += ["TransferRequest", "TransferRequestCustomer"]

# Rule changes approved by the chairman (issue 14).
from app.models.setting import RuleChange, RuleValue  # noqa: E402

__all__ += ["RuleChange", "RuleValue"]
# 《客户维护表》 (issue 14 item 3).
from app.models.maintenance import AfterSalesContact, MaintenanceCheck  # noqa: E402

__all__ += ["AfterSalesContact", "MaintenanceCheck"]
# 《客户等级分类表》 cycle (issue 14).
from app.models.class_sheet import ClassSheet, ClassSheetRow  # noqa: E402

__all__ += ["ClassSheet", "ClassSheetRow"]

# Indexes behind the lists' default sort orders (migration 0021).
from app.models import list_indexes  # noqa: E402, F401

"""SQLAlchemy models. Importing this package registers every table on Base.metadata."""

from app.models.audit import AuditLog
from app.models.base import Base
from app.models.list_pref import ListPreference
from app.models.setting import Setting
from app.models.user import ROLE_LABELS, Role, Team, User

__all__ = ["AuditLog", "Base", "ListPreference", "ROLE_LABELS", "Role", "Setting", "Team", "User"]

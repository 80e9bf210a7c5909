"""客户资源管理系统 — desktop CRM."""

APP_NAME = "客户资源管理系统"
APP_ID = "crm-desktop"
__version__ = "0.1.0"

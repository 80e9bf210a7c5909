"""系统设置 tabs built for the administrator: code tables, extra fields, audit log."""

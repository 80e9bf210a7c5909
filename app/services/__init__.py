"""The service layer: every rule, permission and query; never imports Qt.

Packages by domain, dependencies one way (tests/services/test_layering.py checks them):

  core                      database, migrations, unit of work, hooks, errors, clock, settings
  search, access, lists     pinyin and names; roles and visibility; the shared list machinery
  reminders                 the engine; its registry is the only importer of providers
  admin                     users, login, code tables, custom fields (foundation only)
  customers                 the archive (uses admin's code tables and custom fields)
  pool, policy, visits, service_desk, work   (each may use customers)
"""

# Users' pinyin keys follow full_name through an attribute event, whatever path sets the
# name (setup, the admin's dialog, a migration's backfill): registered with the package.
# Customers' stored pool due date follows every change it rests on through a session
# hook (after each flush), whatever service made the change: registered with the package.
from app.services.customers import idle_clock  # noqa: E402, F401
from app.services.search import user_names  # noqa: F401

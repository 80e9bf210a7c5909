"""通讯录: every contact the user may see, on the shared list component; a double-click
opens the contact's customer."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.customers.contact_lists import contacts_source, customer_of_contact
from app.ui.context import AppContext
from app.ui.customers.records_page import CustomerRecordsPage


class AddressBookPage(CustomerRecordsPage):
    def __init__(self, ctx: AppContext, company: str = "", parent: QWidget | None = None):
        super().__init__(ctx, contacts_source(), customer_of_contact, company, parent)

"""客户档案 screens beyond the customer list: the address book and the approvals page."""

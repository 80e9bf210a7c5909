"""客户档案 screens: list page, registration dialog, customer card."""

"""客户回访 screens: plans, records, reports, their dialogs and printed forms."""

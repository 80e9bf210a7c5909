"""Indexes behind the lists' default sort orders (migration 0021): the first window of
跟进记录, 成交记录, 通讯录, 回访, 客户服务 and 工作计划 is read along an index, newest
first, instead of sorting every row of a table of millions. Declared in one place, on
the tables the other model modules define."""

from sqlalchemy import Index

from app.models.customer import Contact
from app.models.followup import Deal, FollowUp
from app.models.service_desk import Complaint, SampleRequest
from app.models.visit import VisitPlan, VisitRecord, VisitReport
from app.models.work import WorkPlan

# (index name, sort column) — with id, the lists' tie-break, as the second key.
SORT_INDEXES = [
    ("ix_follow_ups_at", FollowUp.at),
    ("ix_deals_deal_date", Deal.deal_date),
    ("ix_contacts_name_pinyin_id", Contact.name_pinyin),
    ("ix_visit_plans_planned_from", VisitPlan.planned_from),
    ("ix_visit_records_visited_at", VisitRecord.visited_at),
    ("ix_visit_reports_submitted_at", VisitReport.submitted_at),
    ("ix_complaints_received_at", Complaint.received_at),
    ("ix_sample_requests_requested_at", SampleRequest.requested_at),
    ("ix_work_plans_due_date", WorkPlan.due_date),
]
for _name, _column in SORT_INDEXES:
    Index(_name, _column, _column.class_.id)

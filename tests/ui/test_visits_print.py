"""The visit workflow's paper forms, printed to PDF: 《客户回访计划》 (one and a table),
《客户回访记录表》, 《客户回访报告》 and 回访准备资料."""

from __future__ import annotations

from app.services.core.uow import UnitOfWork
from app.services.visits import workflow as visits
from app.ui.forms.paper_form import save_pdf
from app.ui.visits import print_forms as forms
from tests.services.customer_fixtures import NXH
from tests.ui import test_visits_world
from tests.ui.conftest import COMPANY
from tests.ui.test_visits_world import YC, assert_pdf_has, assert_renders, full_chain, make_plan

vw = test_visits_world.vw  # the fixture


def read(w, actor):
    return UnitOfWork(w.db, actor, write=False)


def test_plan_form(vw, tmp_path):
    chain = full_chain(vw)
    plan = visits.plan_detail(read(vw, vw.rep1), chain["plan"])
    assert plan.number == "HFJH202600001"  # the customer number's style (numbers.visit_plan)
    target = tmp_path / "plan.pdf"
    assert save_pdf(str(target), forms.plan_form(plan, COMPANY)) == 1
    assert_pdf_has(
        target, "《客户回访计划》", COMPANY, NXH, plan.customer_number, "了解枸杞原浆灌装线使用情况",
        "检查设备运行，收集售后意见", "走访", "张三", "客户会议室", "刘经理接待", "已完成",
        f"计划编号：{plan.number}", "制订人：张三",
    )  # fmt: skip
    assert_renders(target, tmp_path)


def test_plan_list_form_is_a_landscape_table(vw, tmp_path):
    ids = [make_plan(vw, vw.rep1, vw.c1), make_plan(vw, vw.rep1, vw.c2, purpose="催收货款")]
    plans = [visits.plan_detail(read(vw, vw.rep1), i) for i in ids]
    form = forms.plans_form(plans, COMPANY, "本月计划")
    assert form.landscape
    target = tmp_path / "plans.pdf"
    assert save_pdf(str(target), form) == 1
    text = assert_pdf_has(
        target, "《客户回访计划》", COMPANY, "范围：本月计划", "共2项计划", NXH, YC, "催收货款",
        "回访目的", "计划", "张三",
    )  # fmt: skip
    assert text.index(NXH) < text.index(YC)  # in the list's order
    assert_renders(target, tmp_path, landscape=True)


def test_record_form(vw, tmp_path):
    chain = full_chain(vw)
    record = visits.record_detail(read(vw, vw.rep1), chain["record"])
    plan = visits.plan_detail(read(vw, vw.rep1), record.plan_id)
    target = tmp_path / "record.pdf"
    save_pdf(str(target), forms.record_form(record, COMPANY, plan))
    assert_pdf_has(
        target, "《客户回访记录表》", COMPANY, NXH, "明年增加原浆采购", "维修响应及时",
        "配件到货慢", "两周内补发配件", "■满意", "□非常满意", "回访人员签字：张三",
        f"记录编号：{record.number}", plan.number,
    )  # fmt: skip
    assert_renders(target, tmp_path)


def test_report_form_with_records_review_and_archive(vw, tmp_path):
    chain = full_chain(vw)
    report = visits.report_detail(read(vw, vw.clerk), chain["report"])
    target = tmp_path / "report.pdf"
    assert len(report.records) == 1
    assert save_pdf(str(target), forms.report_form(report, COMPANY)) == 1  # one record, one page
    assert_pdf_has(
        target, "《客户回访报告》", COMPANY, "三月客户回访报告", "客户总体满意，需加快配件供应。",
        "建立配件库存", NXH, "明年增加原浆采购", "配件到货慢", "处理意见", "同意，请售后部跟进配件。",
        "赵主管", "售后服务", "三月回访", "陈文员", "已归档", "主管审阅", "已完成",
        f"报告编号：{report.number}",
    )  # fmt: skip
    assert_renders(target, tmp_path)


def test_preparation_checklist(vw, tmp_path):
    plan_id = make_plan(vw, vw.rep1, vw.c1)
    prep = visits.preparation(read(vw, vw.rep1), plan_id)
    assert prep.checklist, "the service lists what to prepare"
    target = tmp_path / "prep.pdf"
    save_pdf(str(target), forms.preparation_form(prep, COMPANY))
    assert_pdf_has(
        target, "《客户回访准备资料》", COMPANY, NXH, "0951-5012345", "客户基本情况",
        "客户服务记录", "客户特点", "准备事项", prep.checklist[0], "了解枸杞原浆灌装线使用情况",
    )  # fmt: skip
    assert_renders(target, tmp_path)


def test_satisfaction_texts():
    assert forms.satisfaction_text(5) == "5 分（非常满意）"
    assert forms.satisfaction_text(None) == "未评"
    assert forms.satisfaction_boxes(3).startswith("□非常满意  □满意  ■一般")

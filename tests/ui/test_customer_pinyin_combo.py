"""PinyinCombo: type-ahead by Chinese text, full pinyin and initials; selection by id."""

from PySide6.QtCore import Qt

from app.services.admin import code_table_editing, code_tables
from app.services.admin.code_tables import CodeItemRow
from app.services.search.pinyin import name_keys
from app.ui.common.pinyin_combo import PinyinCombo


def row(item_id, name, active=True, code=None):
    keys = name_keys(name)
    return CodeItemRow(
        item_id, "region", code or f"{item_id:02d}", name, item_id, active, False,
        keys.full, keys.initials, 1,
    )  # fmt: skip


def combo(qtbot, rows, **kw):
    c = PinyinCombo(**kw)
    qtbot.addWidget(c)
    c.set_items([(r.id, r.label, r) for r in rows])
    return c


ROWS = [row(11, "北京市"), row(15, "内蒙古自治区"), row(64, "宁夏回族自治区")]


def test_matches_initials_full_pinyin_and_text(qtbot):
    c = combo(qtbot, ROWS)
    assert c.matching_ids("nx") == [64]
    assert c.matching_ids("ningxia") == [64]
    assert c.matching_ids("宁夏") == [64]
    assert c.matching_ids("NX") == [64]
    assert c.matching_ids("bjs") == [11]
    assert c.matching_ids("qwe") == []
    assert c.matching_ids("") == [None, 11, 15, 64]  # the empty "no choice" entry first


def test_typed_text_commits_the_single_match_by_id(qtbot):
    c = combo(qtbot, ROWS)
    c.setEditText("ningxia")
    c._commit_text()
    assert c.current_id() == 64 and c.currentText() == "宁夏回族自治区"
    c.setEditText("zi")  # two matches: keep the current choice, never free text
    c._commit_text()
    assert c.current_id() == 64
    c.setEditText("")
    c._commit_text()
    assert c.current_id() is None


def test_select_by_id_and_required_choice(qtbot):
    c = combo(qtbot, ROWS, allow_none=False)
    assert c.current_id() == 11  # a required choice starts on the first entry
    assert c.set_current_id(15) and c.currentText() == "内蒙古自治区"
    assert not c.set_current_id(999)
    seen = []
    c.current_id_changed.connect(seen.append)
    c.set_current_id(64)
    assert seen == [64]


def test_inactive_entry_only_when_current(qtbot, admin_ctx):
    uow = admin_ctx.write_uow
    grades = code_tables.options(uow(), "grade")
    d = grades[-1]
    code_table_editing.set_item_active(uow(), d.id, d.version, False)
    offered = code_tables.options(uow(), "grade")
    assert d.id not in [r.id for r in offered]
    kept = code_tables.options(uow(), "grade", current_id=d.id)
    c = combo(qtbot, kept)
    c.set_current_id(d.id)
    assert c.currentText() == "D（已停用）"


def test_popup_completer_filters_by_pinyin(qtbot):
    c = combo(qtbot, ROWS)
    c.show()
    c.completer_.setCompletionPrefix("nmg")
    proxy = c.completer_.proxy
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["内蒙古自治区"]


def test_free_text_keeps_a_name_that_is_not_listed(qtbot):
    c = PinyinCombo(free_text=True)
    qtbot.addWidget(c)
    c.set_items([(n, n) for n in ("顺丰速运", "中通快递")])
    assert c.text_value() == ""  # nothing chosen, nothing typed
    c.setEditText("sf")
    c._commit_text()
    assert (c.current_id(), c.text_value()) == ("顺丰速运", "顺丰速运")
    c.setEditText("德邦物流")
    c._commit_text()
    assert (c.current_id(), c.text_value()) == (None, "德邦物流")
    strict = combo(qtbot, ROWS)
    strict.setEditText("德邦物流")
    strict._commit_text()
    assert (strict.current_id(), strict.currentText()) == (None, "")  # never free text


def test_the_best_match_is_offered_first(qtbot):
    """ "nx" is 宁夏's initials but only a run inside shaN-Xi / shaaN-Xi: 宁夏 first,
    whatever the code table's order; typing nothing keeps that order."""
    rows = [
        row(14, "山西省"),
        row(61, "陕西省"),
        row(64, "宁夏回族自治区"),
        row(15, "内蒙古自治区"),
    ]
    c = combo(qtbot, rows)
    c.show()
    proxy = c.completer_.proxy
    c.completer_.setCompletionPrefix("nx")
    shown = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert shown[0] == "宁夏回族自治区" and set(shown) == {"宁夏回族自治区", "山西省", "陕西省"}
    c.completer_.setCompletionPrefix("n")  # starts: 宁夏 and 内蒙古, in the table's order
    shown = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert shown[:2] == ["宁夏回族自治区", "内蒙古自治区"]
    c.completer_.setCompletionPrefix("")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())][1:] == [
        "山西省", "陕西省", "宁夏回族自治区", "内蒙古自治区"
    ]  # fmt: skip


def test_a_list_filter_finds_values_by_pinyin_and_keeps_ticked_ones_in_view(qtbot):
    from app.services.lists.spec import Column
    from app.ui.listview.dialogs import ValueFilterDialog

    values = [(14, "山西省"), (61, "陕西省"), (64, "宁夏回族自治区"), (11, "北京市")]
    dialog = ValueFilterDialog(Column("region", "地区", None), values, [11])
    qtbot.addWidget(dialog)

    def shown():
        items = [dialog.list.item(i) for i in range(dialog.list.count())]
        return [it.text() for it in items if not it.isHidden()]

    dialog.find.setText("nx")
    assert shown() == ["北京市", "宁夏回族自治区", "山西省", "陕西省"]  # ticked, best, others
    dialog.find.setText("ningxia")
    assert shown() == ["北京市", "宁夏回族自治区"]
    dialog.list.item(1).setCheckState(Qt.CheckState.Checked)
    dialog.find.setText("")
    assert set(dialog.chosen()) == {11, 64}
    assert shown()[:2] == ["宁夏回族自治区", "北京市"] or shown()[:2] == [
        "北京市",
        "宁夏回族自治区",
    ]

"""Excel import of customers (客户导入): a dry-run preview, and an import that writes
every row or none. The template to fill in is import_template.template; reading the
file's rows is import_rows.

  preview(uow, path, progress=None) -> ImportPreview      validate every row, write nothing
  run(uow, path, progress=None, cancelled=None) -> ImportResult   all rows in ONE transaction

Every row goes through the same code as the registration dialog
(registration.prepare_registration / insert_registration): the same validation, the same
规则 1 duplicate check and wording (a rep never learns details of a customer he may not
see), customer numbers from the configured pattern, pinyin, duplicate keys, the 归属变更
“登记” line and the audit trail. Code-table cells accept an entry's name or its code.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from app.services.admin import code_tables
from app.services.core.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from app.services.core.uow import UnitOfWork
from app.services.customers._internal import PreparedRegistration, insert_registration
from app.services.customers.duplicates import find_duplicates
from app.services.customers.forms import KIND_LABELS, CustomerForm
from app.services.customers.import_rows import ImportSheet, RowError, SheetRow, read_sheet
from app.services.customers.import_template import require_importer
from app.services.customers.registration import prepare_registration

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportPreview:
    rows: int  # data rows in the file (blank rows skipped)
    errors: list[RowError]
    ignored_columns: list[str] = field(default_factory=list)  # headers not recognised

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def message(self) -> str:
        if self.ok:
            text = f"共 {self.rows} 行，可以导入。"
        else:
            bad = len({e.row for e in self.errors})
            text = (
                f"共 {self.rows} 行，其中 {bad} 行有错误（{len(self.errors)} 处），"
                "请修改后重新预检。"
            )
        if self.ignored_columns:
            text += f"以下列不认识，将被忽略：{'、'.join(self.ignored_columns)}。"
        return text


@dataclass(frozen=True)
class ImportResult:
    count: int
    customer_ids: list[int]
    numbers: list[str]
    late: int  # rows flagged 逾期登记

    @property
    def message(self) -> str:
        text = f"已导入 {self.count} 个客户。"
        if self.numbers:
            text += f"客户编号 {self.numbers[0]} 至 {self.numbers[-1]}。"
        if self.late:
            text += f"其中 {self.late} 个距首次接触已超过规定时限，已标记为逾期登记。"
        return text


class ImportRejected(ValidationError):
    """run() found errors: nothing was written. `preview` lists them by row."""

    def __init__(self, preview: ImportPreview):
        super().__init__(f"{preview.message}未导入任何客户。")
        self.preview = preview


class ImportCancelled(ServiceError):
    def __init__(self):
        super().__init__("导入已取消，未导入任何客户。")


_REQUIRED_FIELDS = {"name", "source_id", "owner_id"}


def _prepare(
    uow: UnitOfWork, imp: ImportSheet, number: int, form: CustomerForm, reported: set[str]
) -> tuple[PreparedRegistration | None, list[RowError]]:
    """prepare_registration, reporting every bad cell of the row, not only the first:
    after an error its cell is cleared and the row checked again. `reported`: columns
    whose cells already failed to convert (left blank in the form)."""
    errors: list[RowError] = []
    for _ in range(12):
        try:
            p = prepare_registration(uow, form, first_contact_required=False)
        except PermissionDenied as exc:  # only the owner check refuses
            errors.append(RowError(number, "归属销售", str(exc)))
            break
        except ValidationError as exc:
            column = imp.label_of(exc.field)
            if column in reported and _stand_in(uow, form, exc.field):
                continue  # the cell's error is already listed: check the rest of the row
            errors.append(RowError(number, column, str(exc)))
            if not _clear(imp, form, exc.field):
                break
        else:
            return (None if errors else p), errors
    return None, errors


def _stand_in(uow: UnitOfWork, form: CustomerForm, name: str | None) -> bool:
    """Put a valid stand-in into a required cell whose error is already listed, so the
    rest of the row is still checked (the row is rejected anyway)."""
    if name == "name" and form.name != "待定客户名称":
        form.name = "待定客户名称"
        return True
    if name == "source_id" and form.source_id is None:
        items = code_tables.items_in(uow, "source", include_inactive=False)
        if items:
            form.source_id = items[0].id
            return True
    return False


def _clear(imp: ImportSheet, form: CustomerForm, name: str | None) -> bool:
    """Blank the cell an error was about, unless blanking it would only say “请填写…”."""
    if not name or name in _REQUIRED_FIELDS:
        return False
    if name.startswith("extra."):
        key = name[len("extra.") :]
        col = next((c for c in imp.columns_all if c.key == name), None)
        if col is None or col.required or key not in form.extra:
            return False
        del form.extra[key]
        return True
    if name.startswith("contacts["):
        attr = name.split(".", 1)[1]
        if attr == "name" or not form.contacts:
            return False
        setattr(form.contacts[0], attr, None if attr in ("position_id", "birthday") else "")
        return True
    if not hasattr(form, name):
        return False
    blank = "" if isinstance(getattr(form, name), str) else None
    if getattr(form, name) == blank:
        return False
    setattr(form, name, blank)
    return True


_KIND_COLUMN = {"name": "客户名称", "phone": "电话", "email": "邮箱", "domain": "网站"}


def _validate_all(
    uow: UnitOfWork, path, progress: Progress | None, cancelled=None
) -> tuple[ImportPreview, list[PreparedRegistration]]:
    """Inside an open unit of work: every row converted, validated and checked for
    duplicates (within the file and against every existing customer)."""
    headers, rows = read_sheet(path)
    imp = ImportSheet(uow, headers)
    errors: list[RowError] = []
    prepared: list[PreparedRegistration] = []
    first_row_of: dict[tuple[str, str], int] = {}
    labels = {c.key: c.label for c in imp.columns}
    position = {labels[k]: i for k, i in imp.index.items()}
    total = len(rows)
    for done, (number, values) in enumerate(rows, start=1):
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        cells = {key: (values[i] if i < len(values) else None) for key, i in imp.index.items()}
        row = SheetRow(uow, imp, number, cells)
        form = row.form()
        seen = {e.column for e in row.errors}  # a blanked bad cell: not “请填写” again
        p, bad = _prepare(uow, imp, number, form, seen)
        row_errors = row.errors + [e for e in bad if e.column not in seen]
        row_errors.sort(key=lambda e: position.get(e.column, len(position)))  # as in the sheet
        if not row_errors and p is not None:
            for kind, value in p.keys:
                other = first_row_of.get((kind, value))
                if other is not None:
                    row_errors.append(
                        RowError(
                            number, _KIND_COLUMN[kind],
                            f"与第 {other} 行重复（{KIND_LABELS[kind]}相同），"
                            "同一客户只能登记一次。",
                        )
                    )  # fmt: skip
                    break
            if not row_errors:
                hits = find_duplicates(uow, p.keys)
                if hits:
                    row_errors.append(RowError(number, _KIND_COLUMN[hits[0].kind], hits[0].message))
            for k in p.keys:
                first_row_of.setdefault(k, number)
            if not row_errors:
                prepared.append(p)
        errors.extend(row_errors)
        if progress is not None and (done % 50 == 0 or done == total):
            progress(done, total)
    return ImportPreview(total, errors, imp.ignored), prepared


def preview(
    uow: UnitOfWork, path: str | os.PathLike, progress: Progress | None = None
) -> ImportPreview:
    """预检: read and validate every row; nothing is written. File-level problems (not an
    .xlsx, damaged, too many rows, missing columns) raise ValidationError."""
    require_importer(uow)
    with uow:
        result, _prepared = _validate_all(uow, path, progress)
        return result


def run(
    uow: UnitOfWork,
    path: str | os.PathLike,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """导入: every row in one transaction, or none.

    The file is read and every row validated first in a read-only unit of work, so the
    write lock is held only while the rows are inserted (other desks' saves and logins
    wait for that part alone, not for the whole import). A customer another desk
    registered in between is refused by the unique duplicate-check keys: the import then
    writes nothing and says so. Any row error raises ImportRejected (with the rows)."""
    require_importer(uow)
    half = progress and (lambda done, total: progress(done, total * 2))
    with uow.separate(write=False) as reader:
        checked, prepared = _validate_all(reader, path, half, cancelled)
    if not checked.ok:
        raise ImportRejected(checked)
    total = len(prepared)
    try:
        with uow:
            results = []
            for i, p in enumerate(prepared, start=1):
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                results.append(insert_registration(uow, p))
                # Flushed: let the session forget the rows, or every later flush would
                # scan all of them (5,000 customers, their keys, contacts and history).
                uow.session.expunge_all()
                if progress is not None and (i % 50 == 0 or i == total):
                    progress(total + i, total * 2)
            uow.commit()
    except IntegrityError:
        raise ConflictError(
            "导入失败：导入期间其他用户登记了相同的客户，未导入任何客户。请重新预检后再导入。"
        ) from None
    return ImportResult(
        len(results),
        [r.customer_id for r in results],
        [r.number for r in results],
        sum(1 for r in results if r.late_registration),
    )

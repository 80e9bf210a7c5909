"""The one list component every screen is built from (see DESIGN.md)."""

from app.ui.listview.list_view import ListView

__all__ = ["ListView"]

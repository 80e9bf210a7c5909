"""The 待办提醒 window and its table model."""

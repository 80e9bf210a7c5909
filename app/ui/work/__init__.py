"""工作计划, 日程 and 日常记事 screens."""

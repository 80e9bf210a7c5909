"""Start 客户资源管理系统: `python main.py [--database-url URL]`."""

from app.main_entry import main

if __name__ == "__main__":
    raise SystemExit(main())

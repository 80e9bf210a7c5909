"""Painted A4 paper forms (《客户档案》, 《客户回访计划》, …): one layout engine for all."""

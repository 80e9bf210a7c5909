"""公海客户 module: the pool list, claim and assign, the sweep and its preview."""

"""客户服务: complaints/feedback and sample requests."""

"""Password hashing (Argon2id via argon2-cffi) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.services.core.errors import ValidationError

_hasher = PasswordHasher()  # argon2-cffi's default type is Argon2id


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_new_password(password: str, confirm: str, min_length: int, field: str = "password"):
    if not password:
        raise ValidationError("请输入新密码。", field=field)
    if password != confirm:
        raise ValidationError("两次输入的密码不一致。", field=field + "_confirm")
    if len(password) < min_length:
        raise ValidationError(f"密码至少需要 {min_length} 个字符。", field=field)
    if password.strip() != password:
        raise ValidationError("密码首尾不能是空格。", field=field)
    kinds = sum(
        [
            any(c.isdigit() for c in password),
            any(c.isalpha() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if kinds < 2:
        raise ValidationError("密码需要包含字母、数字、符号中的至少两类。", field=field)

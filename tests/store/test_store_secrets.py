from raredx.store import hash_password, hash_secret, new_secret, verify_password


def test_passwords_are_salted_scrypt_and_verify() -> None:
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$") and "correct" not in a
    assert verify_password("correct horse", a)
    assert not verify_password("correct hors", a)
    assert not verify_password("x", None) and not verify_password("x", "garbage")


def test_tokens_are_random_and_stored_as_sha256() -> None:
    t1, t2 = new_secret(), new_secret()
    assert t1 != t2 and len(t1) >= 43
    assert len(hash_secret(t1)) == 64 and hash_secret(t1) == hash_secret(t1) != hash_secret(t2)

#!/usr/bin/env python3
"""Independent reference implementation of storage/FORMAT.md, written from the
document alone with Python's `cryptography` package (Debian: python3-cryptography).

It prints the known-answer vectors that tests/storage/format_kat_test.cpp pins,
so the two implementations keep each other honest. Usage: format_reference.py
"""
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

OBJECT_MAGIC = b"LVLTOBJ"
UPLOAD_MAGIC = b"LVLTUPL"


def hkdf(ikm, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def object_bytes(data_key, salt, prefix, object_id, segment_size, plaintext):
    body = OBJECT_MAGIC + b"\x01" + struct.pack(">I", segment_size) + salt + prefix + object_id
    aead = AESGCM(hkdf(data_key, salt, b"lessonvault object v1" + object_id))
    out = body + aead.encrypt(prefix + b"\x00\x00\x00\x00\x02", b"", body)
    chunks = [plaintext[i:i + segment_size] for i in range(0, len(plaintext), segment_size)] or [b""]
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        nonce = prefix + struct.pack(">I", i) + (b"\x01" if last else b"\x00")
        out += aead.encrypt(nonce, chunk, None)
    return out


def upload_bytes(data_key, salt, upload_id, records):
    """records: list of (nonce, plaintext)."""
    out = UPLOAD_MAGIC + b"\x01" + salt + upload_id
    aead = AESGCM(hkdf(data_key, salt, b"lessonvault upload v1" + upload_id))
    offset = 0
    for index, (nonce, chunk) in enumerate(records):
        ad = upload_id + struct.pack(">QQ", index, offset)
        out += struct.pack(">I", len(chunk)) + nonce + aead.encrypt(nonce, chunk, ad)
        offset += len(chunk)
    return out


def vectors():
    data_key = bytes(range(32))
    salt = bytes(range(0x40, 0x60))
    prefix = bytes.fromhex("a0a1a2a3a4a5a6")
    object_id = bytes.fromhex("0f0e0d0c0b0a09080706050403020100")
    plaintext = b"LessonVault known-answer vector: three segments of 32 bytes, last short."
    obj = object_bytes(data_key, salt, prefix, object_id, 32, plaintext)
    upload_id = bytes.fromhex("00112233445566778899aabbccddeeff")
    records = [(bytes(range(0x70, 0x7c)), b"first record"), (bytes(range(0x80, 0x8c)), b"second")]
    upl = upload_bytes(data_key, salt, upload_id, records)
    print("object.plaintext =", plaintext.decode())
    print("object.bytes     =", obj.hex())
    print("upload.bytes     =", upl.hex())


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    vectors()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

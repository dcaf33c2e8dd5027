"""Cost of sealing and opening one field value (AES-256-GCM, AAD-bound), per field kind.

Pure crypto plus encoding, no database (a data key lookup is one indexed query, then cached):
    .venv/bin/python bench/field_crypto_bench.py [--n 20000]
"""

from __future__ import annotations

import argparse
import time

from bvct.core import crypto

SAMPLES = {
    "relative CCCD (12 chars)": "001095012345",
    "issue summary (200 chars)": "Ông nội tham gia chính quyền cũ trước năm 1975. " * 4,
    "verification reply (2 KB)": "Đã xác minh tại địa phương, nội dung khai đúng. " * 40,
}
ROW = {"from_month": "2013-09", "activity": "Sinh viên", "place": "Hà Nội"}
LYLICH = {"personal": {"full_name": "Nguyễn Văn An", "occupation": "Kỹ sư"}, "timeline": [ROW] * 30}


def _time(n: int, fn: object) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    n = parser.parse_args().n
    key = crypto.new_key()
    aad = crypto.field_aad("people_recordedissue", "summary", 123456, "0" * 32)
    rows = [(name, value.encode()) for name, value in SAMPLES.items()]
    rows.append(
        ("lý lịch JSON (%d B)" % len(crypto.encode_json(LYLICH)), crypto.encode_json(LYLICH))
    )
    print(f"{'field':34} {'seal µs':>8} {'open µs':>8}")
    for name, raw in rows:
        sealed = crypto.seal_bytes(key, raw, aad=aad, uid="0" * 32)
        seal = _time(n, lambda raw=raw: crypto.seal_bytes(key, raw, aad=aad, uid="0" * 32))
        opened = _time(n, lambda sealed=sealed: crypto.open_bytes(key, sealed, aad=aad))
        print(f"{name:34} {seal:8.1f} {opened:8.1f}")
    ring = crypto.Keyring(keks={"k1": crypto.new_key()}, active="k1", blind_key=key, source="bench")
    _, wrapped = ring.wrap(key, uid="u")
    unwrap = _time(n, lambda: ring.unwrap(wrapped, uid="u", kek_id="k1"))
    blind = _time(n, lambda: ring.blind_index("p", "001095012345"))
    print(f"{'unwrap a data key (KEK)':34} {'':8} {unwrap:8.1f}")
    print(f"{'blind index (HMAC-SHA256)':34} {blind:8.1f}")


if __name__ == "__main__":
    main()

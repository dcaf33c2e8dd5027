from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bvct.people.names import clean_name, split_name


def test_split_full_vietnamese_name() -> None:
    parts = split_name("Nguyễn Thị Hồng Nhung")
    assert (parts.surname, parts.middle_name, parts.given_name) == ("Nguyễn", "Thị Hồng", "Nhung")
    assert parts.name_key == "nguyen thi hong nhung"


def test_split_two_word_and_one_word_names() -> None:
    assert split_name("Lê Lợi").middle_name == ""
    assert split_name("Lê Lợi").given_name == "Lợi"
    assert split_name("Thúy").surname == ""
    assert split_name("Thúy").given_name == "Thúy"


def test_clean_removes_zero_width_and_stray_spaces_and_fixes_case() -> None:
    assert clean_name("  nguyễn\u200b   văn   AN ") == "Nguyễn Văn An"
    assert clean_name("H'Hen Niê") == "H'Hen Niê"


def test_nfd_input_is_stored_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Trần Thị Bình")
    assert split_name(decomposed).full_name == "Trần Thị Bình"
    assert unicodedata.is_normalized("NFC", split_name(decomposed).full_name)


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãầấậẩẫằắặẳẵ ", max_size=40))
def test_nfc_nfd_and_zero_width_variants_give_the_same_key(name: str) -> None:
    nfd = unicodedata.normalize("NFD", name)
    with_zw = "\u200b".join(name)
    assert split_name(nfd).name_key == split_name(name).name_key
    assert split_name(with_zw).name_key == split_name(name).name_key

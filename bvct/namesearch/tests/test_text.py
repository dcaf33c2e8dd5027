import pytest

from bvct.namesearch.text import (
    card_key,
    deletion_keys,
    given_and_surname,
    name_keys,
    name_tokens,
    query_words,
    within_one_edit,
)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("hung", "hung", True),
        ("hung", "hun", True),  # deletion
        ("hung", "huong", True),  # insertion
        ("hung", "dung", True),  # substitution
        ("hung", "hnug", True),  # adjacent swap
        ("hung", "ugnh", False),
        ("hung", "huyen", False),
        ("thi", "tih", True),
        ("nguyen", "ngyuen", True),
        ("nguyen", "nguyne", True),
        ("an", "na", True),
        ("abc", "bca", False),
        ("a", "", True),
        ("ab", "", False),
    ],
)
def test_within_one_edit(a, b, expected):
    # when / then
    assert within_one_edit(a, b) is expected
    assert within_one_edit(b, a) is expected


def test_deletion_keys_are_the_word_and_each_one_letter_deletion():
    assert deletion_keys("hung") == {"hung", "ung", "hng", "hug", "hun"}
    assert deletion_keys("a") == {"a"}


def test_name_keys_clean_and_fold_word_for_word():
    # given: NFD input, a zero-width space, upper case and doubled spaces
    raw = "NGUYE\u0302\u0303N  Va\u0306n\u200b  hùng"

    # when
    written, folded = name_keys(raw)

    # then
    assert written == "nguyễn văn hùng"
    assert folded == "nguyen van hung"


def test_name_keys_fold_d_with_stroke_and_drop_punctuation():
    assert name_keys("Đặng-Thị  H'Hen") == ("đặng thị h hen", "dang thi h hen")


def test_name_tokens_are_syllables_and_sorted_pairs():
    assert name_tokens("nguyen van hung") == {
        "nguyen",
        "van",
        "hung",
        "nguyen van",
        "hung nguyen",
        "hung van",
    }


def test_name_tokens_keep_a_repeated_syllable_pair():
    assert name_tokens("ly ly") == {"ly", "ly ly"}


@pytest.mark.parametrize(
    ("folded", "expected"),
    [("nguyen van hung", ("hung", "nguyen")), ("hung", ("hung", "")), ("", ("", ""))],
)
def test_given_and_surname(folded, expected):
    assert given_and_surname(folded) == expected


def test_query_words_pair_written_and_folded_forms():
    assert query_words("  Hùng   NGUYEN ") == [("hùng", "hung"), ("nguyen", "nguyen")]
    assert query_words("…") == []


def test_card_key_drops_separators():
    assert card_key("05.012 345") == "05012345"
    assert card_key("") is None
    assert card_key(None) is None
    assert card_key("--") is None

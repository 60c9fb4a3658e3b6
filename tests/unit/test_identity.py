"""Pseudonyms: what is allowed, and a message that says so for everything else."""

import pytest

from coproduction_kit.core.identity import (
    PARTICIPANT_COOKIE, PseudonymError, pseudonym_key, suggest_pseudonym, token_from_cookie_header,
    validate_pseudonym,
)


@pytest.mark.parametrize("good", ["sam", "River_12", "a", "x" * 40, "Zoë", "Амира", "小林", "नमस्ते", "-a-", "r2d2"])
def test_allowed_pseudonyms(good):
    assert validate_pseudonym(good) == good


@pytest.mark.parametrize(
    "bad", ["../x", "a+b", "", "   ", "x" * 200, "a b", "a*b", "a/b", "<script>", "a\x00b", "né\te", "\u0301a", "-", "_-_", "1234", "／x", "ａ／ｂ"],
)
def test_refused_pseudonyms_say_what_is_allowed(bad):
    with pytest.raises(PseudonymError) as err:
        validate_pseudonym(bad)
    assert "letters" in str(err.value) and "1 to 40" in str(err.value)


def test_surrounding_spaces_are_trimmed_and_text_normalised():
    decomposed = "Zoe\u0308"  # e + combining diaeresis
    assert validate_pseudonym(f"  {decomposed} ") == "Zoë"


def test_case_does_not_make_a_new_person():
    assert pseudonym_key("Sam") == pseudonym_key("sam") == pseudonym_key("SAM")


def test_compatibility_forms_are_stored_as_the_letters_they_stand_for():
    assert validate_pseudonym("ｓａｍ") == "sam"  # full-width
    assert validate_pseudonym("ﬁona") == "fiona"  # a ligature


@pytest.mark.parametrize("first, second", [
    ("sam", "\u0455am"),       # Cyrillic dze
    ("sam", "ｓａｍ"),           # full-width
    ("will", "WiII"),           # capital I for small l
    ("anna", "\u0430nna"),     # Cyrillic a
    ("paul", "pau1"),           # digit one
    ("Oscar", "0scar"),         # digit zero
])
def test_names_a_reader_cannot_tell_apart_are_one_name(first, second):
    assert pseudonym_key(validate_pseudonym(first)) == pseudonym_key(validate_pseudonym(second))


@pytest.mark.parametrize("first, second", [("ana", "anna"), ("sam", "sum"), ("Zoë", "Zoe"), ("lee", "leo")])
def test_names_that_differ_stay_two_names(first, second):
    assert pseudonym_key(first) != pseudonym_key(second)


def test_a_look_alike_of_a_pseudonym_in_use_is_refused_by_the_store(store):
    from coproduction_kit.store import PseudonymTaken

    store.add_participant("w", "sam")
    for look_alike in ("\u0455am", "ｓａｍ", "SAM"):
        with pytest.raises(PseudonymTaken):
            store.add_participant("w", look_alike)
    assert store.participant_by_pseudonym("w", "\u0455am").pseudonym == "sam"


def test_suggested_pseudonyms_are_valid_and_varied():
    names = {suggest_pseudonym() for _ in range(50)}
    assert all(validate_pseudonym(n) == n for n in names)
    assert len(names) > 10


def test_cookie_header_parsing():
    header = f"_xsrf=abc; {PARTICIPANT_COOKIE}=s3cret-Token_x; other=1"
    assert token_from_cookie_header(header) == "s3cret-Token_x"
    assert token_from_cookie_header("other=1") is None
    assert token_from_cookie_header(None) is None


@pytest.mark.parametrize("username, shown", [
    ("sam", "sam"),                            # a username the rule allows is kept as it is
    ("jo.doe@uni.example", "jo-doe"),          # an e-mail address keeps its local part
    ("ana maría", "ana-maría"),
    ("a+b..c", "a-b-c"),
    ("x" * 60, "x" * 40),
    ("!!!", "participant"),                    # nothing usable: a plain word
    ("@uni.example", "participant"),
])
def test_hub_usernames_become_pseudonyms_the_rule_allows(username, shown):
    from coproduction_kit.core.identity import hub_pseudonym

    assert hub_pseudonym(username) == shown
    assert validate_pseudonym(shown) == shown


def test_keys_made_by_an_earlier_rule_are_brought_up_to_date(store):
    import sqlalchemy as sa

    from coproduction_kit.store import PseudonymTaken, participants

    will, _ = store.add_participant("w", "will")
    with store.engine.begin() as conn:  # as the rule before look-alikes made them
        conn.execute(participants.update().where(participants.c.id == will.id).values(pseudonym_key="will"))
        conn.execute(participants.insert().values(
            workshop_id="w", pseudonym="WiII", pseudonym_key="wiii", token_hash="x" * 64, review_id="rtwin",
            created_at=will_created(store, will.id)))
    assert store.refresh_pseudonym_keys() == 1  # will's key; the look-alike let in earlier keeps its own
    with pytest.raises(PseudonymTaken):
        store.add_participant("w", "wiIl")
    with store.engine.connect() as conn:
        keys = dict(conn.execute(sa.select(participants.c.pseudonym, participants.c.pseudonym_key)).all())
    assert keys == {"will": "wi11", "WiII": "wiii"}
    assert store.refresh_pseudonym_keys() == 0


def will_created(store, participant_id):
    import sqlalchemy as sa

    from coproduction_kit.store import participants

    with store.engine.connect() as conn:
        return conn.execute(sa.select(participants.c.created_at).where(participants.c.id == participant_id)).scalar()

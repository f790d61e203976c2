"""The conduct classifier's chat model: its features, its pure-Python arithmetic against
scikit-learn's, the shipped weights against what the training script fits, and its place after
the rules in `assess`."""

from __future__ import annotations

import json
import math

import pytest

from bench import conduct_train
from bot.domain.conduct import Category, assess, classifier, learned


def test_features_are_words_pairs_and_pieces_of_words_normalised():
    found = learned.features("you idiot")
    assert {"w:you", "w:idiot", "b:^ you", "b:you idiot", "c: yo", "c:you ", "c: idio", "c:iot "} <= set(
        found
    )
    assert not any(f.startswith("c:") and len(f) > 7 for f in found)  # pieces of 3 to 5 characters
    assert math.isclose(sum(v * v for v in found.values()), 1.0)
    assert learned.features("") == {}


def test_a_negated_word_is_its_own_feature():
    found = learned.features("you're not useless at all")
    assert {"n:useless", "n:at", "n:all", "w:not", "b:not useless"} <= set(found)
    assert "w:useless" not in found and not any(f.startswith("c:") and "usel" in f for f in found)
    assert "w:nul" in learned.features("t'es qu'un nul")  # "ne … que" restricts, it does not negate
    assert "n:nul" in learned.features("t'es pas nul")


def test_shapes_stand_for_contact_details_and_mentions():
    words = learned.tokens(
        "call @u04abc on 0612345678 or mail jo.doe@mail.example, see https://x.io/a | 12 rue"
    )
    assert words == [
        "call", "<mention>", "on", "<longnum>", "or", "mail", "<email>", "see", "<url>", "|", "<num>", "rue",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def training():
    return conduct_train.training_rows()


def test_the_training_data_is_labelled_and_kept_apart_from_the_blind_set(training):
    blind = {json.loads(line)["text"] for line in conduct_train.BLIND.read_text("utf-8").splitlines() if line}
    assert len(training) >= 1500
    assert not blind & {r["text"] for r in training}
    assert len({r["text"] for r in training}) == len(training)
    for r in training:
        assert r["lang"] in {"en", "fr"} and (r["category"] is not None) == r["flagged"]
        if r["flagged"]:
            Category(r["category"])
    benign = sum(1 for r in training if not r["flagged"])
    assert 0.4 <= benign / len(training) <= 0.75  # most of a real channel is benign


def test_the_pure_python_model_equals_scikit_learns(training):
    sample = training[::3]
    vectorizer, estimator = conduct_train.fit_estimator(sample)
    model = learned.from_document(conduct_train.document(vectorizer, estimator, digits=None))
    texts = [classifier.read(r["text"]).cleaned for r in training[1::7]] + ["", "|", "you you you"]
    expected = estimator.predict_proba(vectorizer.transform([learned.features(t) for t in texts]))
    for text, row in zip(texts, expected, strict=True):
        assert model.probabilities(text) == pytest.approx([float(p) for p in row], abs=1e-9), text


def test_the_shipped_model_is_what_training_writes(training):
    shipped = json.loads(learned.MODEL_FILE.read_text("utf-8"))
    fitted = conduct_train.fit(training)
    assert shipped["classes"] == fitted["classes"] == ["doxxing", "harassment", "insult", "none", "profanity",
                                                       "sexual", "threat"]  # fmt: skip
    assert shipped["weights"].keys() == fitted["weights"].keys()
    worst = max(
        abs(a - b)
        for f, ws in fitted["weights"].items()
        for a, b in zip(ws, shipped["weights"][f], strict=True)
    )
    assert worst <= 1e-3, "chat_model.json is stale: run `python -m bench.conduct_train --write`"


def test_the_model_reads_abuse_the_rules_do_not_know():
    chat = learned.load()
    assert chat is not None
    for text, category in (
        ("Cute that you think this counts as a finished edit. Did your little brother do it?",
         Category.INSULT),
        ("Tu devrais porter des tenues plus moulantes pour les shootings, et passer me voir après.",
         Category.SEXUAL),
        ("Bravo pour le montage, on voit que t'as mis au moins cinq minutes dessus. Quel talent.",
         Category.INSULT),
    ):  # fmt: skip
        rules_only = classifier.assess_with(text, None)
        verdict = assess(text)
        assert not rules_only.flagged, rules_only.reason
        assert verdict.flagged and verdict.category is category, verdict.reason
        assert verdict.reason.startswith(f"{category.value}: reads like the abusive messages")
        assert verdict.score >= classifier.CHAT_THRESHOLD


def test_the_model_sees_what_the_rules_see_not_quoted_words_or_product_names():
    for text in (
        'a commenter wrote "you have the professionalism of a wet sock" under the reel, should I reply?',
        "Loving the Savage Wet Sock palette, the swatches are gorgeous",
    ):
        verdict = assess(text)
        assert not verdict.flagged, verdict.reason


def test_without_the_model_file_the_rules_work_alone(monkeypatch, tmp_path):
    learned.load.cache_clear()
    monkeypatch.setattr(learned, "MODEL_FILE", tmp_path / "missing.json")
    try:
        assert learned.load() is None
    finally:
        learned.load.cache_clear()
    monkeypatch.setattr(classifier, "load_chat_model", lambda: None)
    assert assess("Fuck you and your revisions.").category is Category.PROFANITY

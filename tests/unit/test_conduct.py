"""The conduct classifier: each category and each must-not-flag class, per language; the labelled
set; the rules files; and the port of alt-profanity-check's model.

Quality figures (precision, recall, time) are measured by bench/conduct.py, not asserted here:
the held-out set is there to be measured, not to be passed.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bot.domain.conduct import Category, ConductVerdict, assess, languages
from bot.domain.conduct import classifier as classifier_module
from bot.domain.conduct.model import load
from bot.domain.conduct.rules import RulesError, parse

DATA = Path(__file__).resolve().parent.parent / "data"
LABELLED = [json.loads(line) for line in (DATA / "conduct_labelled.jsonl").read_text("utf-8").splitlines()]
HELD_OUT = [json.loads(line) for line in (DATA / "conduct_heldout.jsonl").read_text("utf-8").splitlines()]

INS, P, T, H, S, D = (
    Category.INSULT,
    Category.PROFANITY,
    Category.THREAT,
    Category.HARASSMENT,
    Category.SEXUAL,
    Category.DOXXING,
)

FLAGGED: list[tuple[str, str, Category]] = [
    # ---- English
    ("en", "You're honestly the most incompetent account manager I've ever worked with.", INS),
    ("en", "Your legal guy is braindead.", INS),
    ("en", "@maya you absolute moron, that's the wrong product in the shot", INS),
    ("en", "<@U0123> you're useless", INS),
    ("en", "Fuck you and your revisions.", P),
    ("en", "Mo you're a complete asshole.", P),
    ("en", "Pay the invoice by Friday or I post every screenshot of this chat.", T),
    ("en", "Keep ignoring me and I'll leak the launch date to every fan account.", T),
    (
        "en",
        "If the fee isn't in my account tomorrow, I'm telling my followers exactly how you treat creators.",
        T,
    ),
    ("en", "Go kill yourself.", H),
    ("en", "Girls like you should stick to selfies and leave business to adults.", H),
    ("en", "I'll keep messaging you every hour until you reply.", H),
    ("en", "Sleep with me and the contract is yours.", S),
    ("en", "Send nudes lol", S),
    ("en", "Here's Mo's personal number: +44 7700 900123. Call him yourself.", D),
    ("en", "For everyone asking, Ivy lives at 22 Rue des Lilas, flat 4.", D),
    # ---- French
    ("fr", "T'es vraiment le chef de projet le plus incompétent que j'ai connu.", INS),
    ("fr", "Bande d'incapables, vous avez encore perdu les échantillons.", INS),
    ("fr", "Va te faire foutre avec tes retouches.", P),
    ("fr", "Connard, rends-moi mes photos.", P),
    (
        "fr",
        "Payez la facture avant vendredi ou je publie toutes les captures d'écran de cette conversation.",
        T,
    ),
    ("fr", "Vous allez le regretter d'avoir baissé mon tarif, croyez-moi.", T),
    ("fr", "Va te pendre.", H),
    ("fr", "Je vais t'écrire toutes les heures jusqu'à ce que tu répondes.", H),
    ("fr", "Couche avec moi et le contrat est à toi.", S),
    ("fr", "Joli cul dans le dernier reel.", S),
    ("fr", "Voici le numéro perso de Mo : 06 12 34 56 78. Appelez-le vous-mêmes.", D),
    ("fr", "Pour ceux qui demandent, Inès habite au 22 avenue Jean Jaurès, appartement 4.", D),
]

#: (lang, kind, text): the kinds of message the monitor must never flag (docs/conduct.md)
NOT_FLAGGED: list[tuple[str, str, str]] = [
    ("en", "criticism", "I'm frustrated, the brief changed three times this week."),
    ("en", "criticism", "The caption tool is so dumb, it keeps eating my hashtags."),
    ("en", "dispute", "I dispute this strike: the post went up at 9:58, before the deadline."),
    ("en", "dispute", "I'll post the screenshots of the approval thread in the dispute so legal can see it."),
    ("en", "slang", "You're going to kill it at the launch tomorrow!"),
    ("en", "slang", "That transition is sick 🔥"),
    ("en", "slang", "Insane numbers on the story, congrats team!"),
    ("en", "slang", "Holy shit the CTR on that post 🤯"),
    ("en", "product", "Can you mention the Killer Queen palette in the first 3 seconds?"),
    ("en", "product", "Our new scent is called Poison Girl, the box should be visible."),
    ("en", "quote", "A commenter wrote 'this brand is trash', should I delete it or reply?"),
    ("en", "quote", "FYI a troll commented 'kill yourself' under the post, I've blocked them."),
    ("en", "apology", "Sorry I called you useless yesterday, that was out of line."),
    ("en", "chat", "I'll tell my followers about the launch on Monday morning."),
    ("en", "chat", "Here's my number for the shoot day: 07700 900456"),
    ("en", "chat", "If the invoice isn't paid by Friday, I'll have to escalate to my agent."),
    ("fr", "criticism", "Je suis frustrée, le brief a changé trois fois cette semaine."),
    ("fr", "criticism", "Ce shooting était une catastrophe, la lumière était nulle."),
    ("fr", "dispute", "Je conteste ce strike : le post est sorti à 9h58, avant la deadline."),
    ("fr", "slang", "Cette transition est de la folie 🔥"),
    ("fr", "slang", "Ce montage est mortel, comment t'as fait ?"),
    ("fr", "slang", "Tu vas tout déchirer au lancement demain !"),
    ("fr", "product", "Tu peux mentionner la palette Killer Queen dans les 3 premières secondes ?"),
    ("fr", "quote", "Un commentaire dit 'cette marque c'est de la merde', je supprime ou je réponds ?"),
    ("fr", "apology", "Désolée de t'avoir traité d'incapable hier, c'était déplacé."),
    ("fr", "chat", "Voici mon numéro pour le jour du shooting : 06 98 76 54 32"),
    ("fr", "chat", "Putain enfin, les échantillons sont arrivés !"),
]


#: (lang, category, text): classes of abuse in wordings the tuning set does not hold, and benign messages
#: that look like them (tests/data/conduct_classes.jsonl). Written alongside the rules (each round
#: measured before the rules saw it, see docs/conduct.md), and trained on by the chat model, so they
#: prove the classifier, not its reach: bench/conduct.py and bench/conduct_train.py measure that.
CLASSES: list[tuple[str, Category | None, str]] = [
    (r["lang"], Category(r["category"]) if r["category"] else None, r["text"])
    for r in map(json.loads, (DATA / "conduct_classes.jsonl").read_text("utf-8").splitlines())
]


@pytest.mark.parametrize(
    ("lang", "text", "category"), FLAGGED, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(FLAGGED)]
)
def test_each_category_is_flagged_per_language(lang, text, category):
    verdict = assess(text)
    assert (verdict.flagged, verdict.category, verdict.lang) == (True, category, lang), verdict.reason
    assert verdict.score >= classifier_module.THRESHOLD
    assert verdict.reason.startswith(f"{category.value}: ")


@pytest.mark.parametrize(
    ("lang", "kind", "text"), NOT_FLAGGED, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(NOT_FLAGGED)]
)
def test_must_not_flag_classes_per_language(lang, kind, text):
    verdict = assess(text)
    assert (verdict.flagged, verdict.category, verdict.lang) == (False, None, lang), verdict.reason
    assert verdict.score < classifier_module.THRESHOLD


@pytest.mark.parametrize(
    ("lang", "category", "text"),
    CLASSES,
    ids=[f"{c[0]}-{c[1] or 'benign'}-{i}" for i, c in enumerate(CLASSES)],
)
def test_classes_in_new_wordings(lang, category, text):
    verdict = assess(text)
    assert (verdict.flagged, verdict.category) == (category is not None, category), verdict.reason


def test_every_category_and_class_is_covered_in_both_languages():
    for lang in ("en", "fr"):
        assert {c for lg, _t, c in FLAGGED if lg == lang} == set(Category)
        assert {k for lg, k, _t in NOT_FLAGGED if lg == lang} >= {
            "criticism",
            "dispute",
            "slang",
            "product",
            "quote",
            "apology",
        }


def test_the_reason_says_why_and_what_was_read_otherwise():
    flagged = assess("Pay the invoice by Friday or I post every screenshot of this chat.")
    assert flagged.reason == (
        "threat: blackmail: something the author could publish, tied to a condition or to money "
        "(“post every screenshot”)"
    )
    assert "quoted words" in assess("A commenter wrote 'this brand is trash', reply?").reason
    assert "slang praise" in assess("Killing it as always @ivy").reason
    assert "product names" in assess("Demo the Hard Candy lip gloss in natural light please.").reason
    assert "apology" in assess("Sorry I called you useless yesterday.").reason


def test_a_negation_or_the_author_themselves_is_not_an_insult():
    assert not assess("You're not useless at all, you just need a better brief.").flagged
    assert not assess("I'm such an idiot, I forgot to attach the file.").flagged
    assert not assess("T'es pas nul, le brief était flou.").flagged


def test_quotes_are_only_someone_elses_words_when_the_message_reports_them():
    assert not assess("Someone DM'd me 'you're a sellout whore', I've reported them.").flagged
    assert assess("'you're a useless clown' is what I think of you").flagged


def test_slack_markup_is_read_as_text():
    assert assess("<@U0123ABC|mo> you absolute moron").category is Category.INSULT
    assert not assess("Draft is here: <https://drive.example/kill-it|kill it draft>").flagged


def test_code_switching_runs_both_languages():
    verdict = assess("honestly t'es nul, completely useless")
    assert verdict.flagged and verdict.category is Category.INSULT


def test_verdict_is_frozen_and_pure():
    verdict = assess("Fuck you and your revisions.")
    assert isinstance(verdict, ConductVerdict)
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.flagged = False  # type: ignore[misc]
    assert assess("Fuck you and your revisions.") == verdict
    assert assess("") == ConductVerdict(False, None, 0.0, "en", "no abuse found")


def test_the_model_flags_aimed_abuse_the_rules_do_not_know():
    # "jerk" alone after "you" is no rule's (it is also a verb: "you jerk me around"); alt-profanity-check
    # knows it, and here it stands next to "you"
    verdict = assess("fix it, you jerk")
    assert (verdict.flagged, verdict.category) == (True, Category.INSULT), verdict.reason
    assert "alt-profanity-check" in verdict.reason and "“jerk”" in verdict.reason
    assert assess("stop it jerk, you know the rules").reason.endswith(
        "(alt-profanity-check p=0.99, “jerk” next to the person addressed)"
    )
    # aimed at no one in the conversation: not flagged, and the reason says so
    unaimed = assess("jerk courier lost two boxes")
    assert not unaimed.flagged and "aimed at no one" in unaimed.reason
    # swear words make it profanity
    assert assess("you posted crap again").category is Category.PROFANITY


def test_rules_alone_when_the_model_is_missing(monkeypatch):
    monkeypatch.setattr(classifier_module, "load_model", lambda: None)
    assert assess("Fuck you and your revisions.").category is Category.PROFANITY
    assert not assess("fix it, you jerk").flagged


# ---- the labelled set -----------------------------------------------------------------------


def test_the_labelled_sets_are_what_the_benchmark_needs():
    for rows, minimum in ((LABELLED, 200), (HELD_OUT, 60)):
        assert len(rows) >= minimum
        assert {r["lang"] for r in rows} == {"en", "fr"}
        benign = [r for r in rows if not r["flagged"]]
        assert len(benign) >= 0.4 * len(rows)
        assert {r["kind"] for r in benign} >= {"criticism", "slang", "quote", "product", "apology", "dispute"}
        for r in rows:
            assert set(r) == {"text", "lang", "flagged", "category", "kind", "split"}
            assert (r["category"] is not None) == r["flagged"]
            if r["flagged"]:
                Category(r["category"])
    assert {r["split"] for r in LABELLED} == {"tune-1", "tune-2", "tune-3"}
    assert {r["split"] for r in HELD_OUT} == {"heldout"}
    assert not {r["text"] for r in LABELLED} & {r["text"] for r in HELD_OUT}


@pytest.mark.parametrize("row", LABELLED, ids=[f"{r['split']}-{i}" for i, r in enumerate(LABELLED)])
def test_the_tuning_set_is_classified_as_labelled(row):
    verdict = assess(row["text"])
    expected = Category(row["category"]) if row["category"] else None
    assert (verdict.flagged, verdict.category, verdict.lang) == (row["flagged"], expected, row["lang"]), (
        verdict.reason
    )


# ---- the rules files ------------------------------------------------------------------------


def test_every_language_file_loads():
    assert [lang.lang for lang in languages()] == ["en", "fr"]
    for lang in languages():
        assert {rule.category for rule in lang.rules} == set(Category), lang.lang


def _cleaned_texts() -> list[str]:
    texts = (
        [r["text"] for r in LABELLED + HELD_OUT]
        + [t for _l, t, _c in FLAGGED]
        + [t for _l, _k, t in NOT_FLAGGED]
    )
    texts += [t for _l, _c, t in CLASSES] + [
        "",
        "f*ck u",
        "a$$hole",
        "@u0123 t'es nul",
        "...!!!",
        "you're 100% right",
    ]
    return [classifier_module._fold(t) for t in texts]


def test_the_pre_check_never_changes_a_match():
    """Each pattern is only searched in messages with one of the texts (or word starts) it needs:
    that must never hide a match the regular expression alone would find."""
    texts = _cleaned_texts()
    for lang in languages():
        patterns = [p for rule in lang.rules for p in rule.any + rule.all] + [n.pattern for n in lang.neutral]
        for pattern in patterns:
            for text in texts:
                assert bool(pattern.search(text)) == bool(pattern.regex.search(text)), pattern.regex.pattern


def test_the_rule_index_finds_what_asking_each_rule_finds():
    ranked = classifier_module._ranked(languages())
    for text in _cleaned_texts():
        naive = next(((r, m) for r in ranked.rules if (m := r.search(text)) is not None), None)
        indexed = ranked.first_match(text)
        assert (naive is None) == (indexed is None), text
        if naive is not None:
            assert (naive[0], naive[1].span()) == (indexed[0], indexed[1].span()), text


def test_broken_rules_are_refused():
    base = {"lang": "xx", "markers": ["x"]}
    with pytest.raises(RulesError, match="unknown word class"):
        parse({**base, "rules": [{"category": "insult", "score": 0.9, "why": "x", "any": ["{nope}"]}]})
    with pytest.raises(RulesError):
        parse({**base, "rules": [{"category": "rudeness", "score": 0.9, "why": "x", "any": ["a"]}]})
    with pytest.raises(RulesError, match="needs patterns"):
        parse({**base, "rules": [{"category": "insult", "score": 0.9, "why": "x"}]})
    with pytest.raises(RulesError):
        parse({**base, "rules": [{"category": "insult", "score": 0.9, "why": "x", "any": ["("]}]})


def test_a_language_is_a_file(tmp_path: Path):
    rules = parse(
        {
            "lang": "de",
            "markers": ["du", "bist"],
            "words": {"insult": ["idiot", "trottel"]},
            "rules": [
                {"category": "insult", "score": 0.9, "why": "Beleidigung", "any": ["\\bdu\\s+{insult}\\b"]}
            ],
        }
    )
    assert rules.rules[0].search("du trottel") is not None
    # the pre-check keeps the most telling part: the insult's word starts, not "du"
    assert rules.rules[0].any[0].words == frozenset({"idiot", "trottel"})


# ---- the model port -------------------------------------------------------------------------


def test_the_model_port_equals_alt_profanity_check():
    from profanity_check import predict_prob

    model = load()
    assert model is not None
    texts = [r["text"] for r in LABELLED + HELD_OUT] + ["", "you are a fucking idiot", "!!!"]
    expected = predict_prob(texts)
    for text, p in zip(texts, expected, strict=True):
        assert model.score(text).probability == pytest.approx(float(p), abs=1e-9), text
    contributions = model.score("you are a fucking idiot").contributions
    assert [w for w, _ in contributions] == ["fucking", "idiot"]

"""The disclosure lint, table-driven from the regulators' own guidance.

Case ids name the source:
  FTC101  FTC, "Disclosures 101 for Social Media Influencers" (2019, updated 2023)
  FTCQA   FTC, "FTC's Endorsement Guides: What People Are Asking" (2017, updated 2023)
  CFR255  FTC Endorsement Guides, 16 CFR Part 255 (2023), §255.5 "clear and conspicuous"
  ASA     ASA/CAP, "Influencers' guide to making clear that ads are ads" (2020, updated 2023)
  CMA     CMA, "Social media endorsements: guide for influencers" (2022)
  ASAI    ASAI, guidance note on recognisability of influencer marketing communications (2021/2023)
  L2023   Loi n° 2023-451 du 9 juin 2023, art. 5 (mentions "Publicité" / "Collaboration commerciale",
          "Images retouchées" / "Images virtuelles")
  ORD24   Ordonnance n° 2024-978 du 6 novembre 2024 (equivalent wording admitted)
  CG      Campaign Guard's own decisions (documented in bot/domain/disclosure/lint.py)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.disclosure import Finding, lint, markets, rules_for
from bot.domain.disclosure.rules import RULES_DIR, RulesError, parse

PASS, WEAK, MISSING, BURIED = Finding.PASS, Finding.WEAK, Finding.MISSING, Finding.BURIED

LONG = (
    "Day one of my trail season and honestly these shoes changed everything: lighter, softer, "
    "and they still grip on wet rock. Full review soon! "
)  # > 125 characters on one line
assert len(LONG) > 125

TWENTY_TAGS = (
    "#running #trail #fitness #run #motivation #shoes #outdoors #mountains #nature #health "
    "#workout #sport #ad #trailrunning #marathon #training #runner #fit #active #weekend"
)
assert TWENTY_TAGS.count("#") == 20


CASES: list[tuple[str, str, str, Finding, str | None]] = [
    # ---- United States --------------------------------------------------------------------
    ("US-FTC101-hashtag-ad-first", "US", "#ad Loving my new running shoes from @stride!", PASS, "#ad"),
    ("US-FTC101-Ad-colon", "US", "Ad: my morning routine with @brewco ☕", PASS, "Ad"),
    ("US-FTC101-advertisement", "US", "Advertisement — trying the new @glowlab serum", PASS, "Advertisement"),
    ("US-FTC101-sponsored", "US", "Sponsored by @glowlab: three ways I use the serum", PASS, "Sponsored"),
    ("US-FTCQA-hashtag-sponsored", "US", "#sponsored my 5am routine", PASS, "#sponsored"),
    (
        "US-FTCQA-paid-partnership",
        "US",
        "Paid partnership with @stride. New season, new miles.",
        PASS,
        "Paid partnership",
    ),
    (
        "US-FTC101-thanks-for-free-product",
        "US",
        "Thanks to @glowlab for the free product! My honest take:",
        PASS,
        "free product",
    ),
    (
        "US-FTCQA-youtube-paid-promotion",
        "US",
        "Includes paid promotion. Today: 3 recipes with @brewco",
        PASS,
        "paid promotion",
    ),
    ("US-FTC101-sp", "US", "Loving this serum #sp", WEAK, "#sp"),
    ("US-FTC101-spon", "US", "Obsessed with my new headphones #spon", WEAK, "#spon"),
    ("US-FTC101-collab", "US", "Big news!! #collab with @stride", WEAK, "#collab"),
    ("US-FTC101-thanks-alone", "US", "Thanks to @glowlab! Best serum ever.", WEAK, "Thanks to"),
    ("US-FTC101-ambassador-alone", "US", "Proud to be a @stride ambassador 🏃", WEAK, "ambassador"),
    ("US-FTCQA-partner", "US", "My new favourite bag #partner", WEAK, "#partner"),
    ("US-FTCQA-affiliate-alone", "US", "Shop my fave serum, link below #affiliate", WEAK, "#affiliate"),
    ("US-CG-gifted-is-weak", "US", "#gifted by @glowlab, first impressions", WEAK, "#gifted"),
    ("US-FTC101-bio-only", "US", "Summer glow ☀️ details in my bio", MISSING, None),
    ("US-FTCQA-nothing", "US", "New shoes, who dis?", MISSING, None),
    ("US-FTCQA-after-more-long-line", "US", LONG + "#ad", BURIED, "#ad"),
    (
        "US-FTCQA-after-more-fourth-line",
        "US",
        "Morning run!\nFeeling great\nNew shoes\nSo comfy\n#ad",
        BURIED,
        "#ad",
    ),
    (
        "US-FTCQA-among-20-trailing-tags",
        "US",
        "Loved this trail run with my new shoes!\n" + TWENTY_TAGS,
        BURIED,
        "#ad",
    ),
    ("US-FTCQA-ad-last-of-three-tags", "US", "Trail day! #running #trail #ad", BURIED, "#ad"),
    ("US-CG-two-trailing-tags-ok", "US", "New shoes, who dis? #ad #running", PASS, "#ad"),
    ("US-CG-tags-only-caption-led-by-ad", "US", "#ad #skincare #glow #serum", PASS, "#ad"),
    ("US-CFR255-first-beats-trailing", "US", "#ad Trail day!\n#run #trail #shoes #ad", PASS, "#ad"),
    ("US-CG-weak-visible-clear-buried", "US", "#sp loving this\n\n\n\n#ad", BURIED, "#ad"),
    ("US-CG-adventure-is-not-ad", "US", "Weekend #adventure in the mountains", MISSING, None),
    ("US-CG-admin-is-not-ad", "US", "#admin life, answering emails all day", MISSING, None),
    ("US-CG-ads4life-is-not-ad", "US", "#ads4life", MISSING, None),
    ("US-CG-ads-is-not-ad", "US", "Running #ads everywhere", MISSING, None),
    ("US-CG-ad-underscore-is-another-tag", "US", "#ad_campaign launch", MISSING, None),
    ("US-CG-glued-after-word", "US", "Best serum ever#ad", PASS, "#ad"),
    ("US-CG-glued-to-next-tag", "US", "#ad#skincare my routine", PASS, "#ad"),
    ("US-CG-upper-case-tag", "US", "#AD new drop from @stride", PASS, "#AD"),
    ("US-CG-title-case-tag", "US", "#Ad new drop from @stride", PASS, "#Ad"),
    ("US-CG-emoji-around-word", "US", "🚨AD🚨 New drop from @stride", PASS, "AD"),
    ("US-CG-emoji-after-tag", "US", "#ad✨ new glow", PASS, "#ad"),
    ("US-CG-brackets", "US", "New serum [ad] from @glowlab", PASS, "ad"),
    ("US-CG-pipe", "US", "AD | New season shoes", PASS, "AD"),
    ("US-CG-plain-word-in-sentence", "US", "I saw an ad for this serum and had to try it", MISSING, None),
    ("US-CG-ad-free-is-not-ad", "US", "Ad-free listening all month long", MISSING, None),
    ("US-CG-fullwidth-hash", "US", "＃ad new serum", PASS, "＃ad"),
    ("US-CG-bold-unicode", "US", "𝐀𝐃 new serum from @glowlab", PASS, "𝐀𝐃"),
    ("US-CG-zero-width-inside", "US", "#a\u200bd new serum", PASS, "#a\u200bd"),
    ("US-CG-cut-by-more", "US", "x" * 122 + " #ad", BURIED, "#ad"),
    ("US-CG-ends-at-125", "US", "x" * 121 + " #ad", PASS, "#ad"),
    ("US-CG-crlf-lines", "US", "Morning!\r\n#ad new shoes", PASS, "#ad"),
    ("US-CG-other-market-falls-back", "other", "#ad new", PASS, "#ad"),
    ("US-CG-other-market-weak", "other", "#spon new", WEAK, "#spon"),
    # ---- United Kingdom -------------------------------------------------------------------
    ("UK-ASA-hashtag-ad-first", "UK", "#ad Loving the new @glowlab range", PASS, "#ad"),
    ("UK-ASA-Ad-pipe", "UK", "Ad | My autumn wardrobe with @threadco", PASS, "Ad"),
    ("UK-ASA-advert", "UK", "Advert: my skincare routine", PASS, "Advert"),
    ("UK-ASA-advertisement-feature", "UK", "Advertisement feature — @glowlab", PASS, "Advertisement feature"),
    ("UK-ASA-hashtag-advertising", "UK", "#advertising new range from @glowlab", PASS, "#advertising"),
    ("UK-ASA-sponsored-insufficient", "UK", "Sponsored by @glowlab", WEAK, "Sponsored by"),
    ("UK-ASA-hashtag-sponsored", "UK", "#sponsored new serum", WEAK, "#sponsored"),
    (
        "UK-ASA-in-association-with",
        "UK",
        "In association with @glowlab, my new routine",
        WEAK,
        "In association with",
    ),
    ("UK-ASA-thanks-to", "UK", "Thanks to @glowlab for this lovely serum", WEAK, "Thanks to"),
    ("UK-CMA-paid-partnership-tag-alone", "UK", "Paid partnership with @glowlab", WEAK, "Paid partnership"),
    ("UK-ASA-sp", "UK", "#sp new serum", WEAK, "#sp"),
    ("UK-CMA-gifted-not-an-ad-label", "UK", "#gifted new serum", WEAK, "#gifted"),
    (
        "UK-ASA-among-trailing-tags",
        "UK",
        "So in love with this serum 😍\n#skincare #glow #ad #beauty #selfcare",
        BURIED,
        "#ad",
    ),
    ("UK-ASA-after-more", "UK", "My autumn wardrobe\nPart one\nKnits\nCoats\nAd", BURIED, "Ad"),
    ("UK-ASA-nothing", "UK", "My autumn wardrobe 🍂", MISSING, None),
    ("UK-CG-adventure", "UK", "#adventure time with @threadco", MISSING, None),
    ("UK-CMA-ad-plus-platform-tag", "UK", "Ad · Paid partnership with @glowlab", PASS, "Ad"),
    ("UK-CG-advertising-in-a-sentence", "UK", "I work in advertising and love this coat", MISSING, None),
    # ---- Ireland --------------------------------------------------------------------------
    ("IE-ASAI-hashtag-ad", "IE", "#ad my new favourite serum", PASS, "#ad"),
    ("IE-ASAI-fogra", "IE", "#Fógra new range from @glowlab", PASS, "#Fógra"),
    ("IE-ASAI-fogra-without-fada", "IE", "#Fogra new range", PASS, "#Fogra"),
    ("IE-ASAI-fogra-capitals", "IE", "#FÓGRA 🍀 new range", PASS, "#FÓGRA"),
    ("IE-ASAI-gifted-primary", "IE", "#gifted new serum from @glowlab", PASS, "#gifted"),
    ("IE-ASAI-platform-label", "IE", "Paid partnership with @glowlab", PASS, "Paid partnership"),
    ("IE-ASAI-sponsored-only-secondary", "IE", "#sponsored new serum", WEAK, "#sponsored"),
    ("IE-ASAI-collaboration-only-secondary", "IE", "#collaboration with @glowlab", WEAK, "#collaboration"),
    ("IE-ASAI-primary-then-secondary", "IE", "#ad #sponsored new serum", PASS, "#ad"),
    ("IE-ASAI-sp", "IE", "#sp new serum", WEAK, "#sp"),
    ("IE-ASAI-after-more", "IE", LONG + "#Fógra", BURIED, "#Fógra"),
    ("IE-ASAI-nothing", "IE", "New serum 💧", MISSING, None),
    # ---- France ---------------------------------------------------------------------------
    ("FR-L2023-publicite", "FR", "Publicité — ma routine du matin avec @glowlab", PASS, "Publicité"),
    ("FR-L2023-hashtag-publicite", "FR", "#publicité ma routine", PASS, "#publicité"),
    ("FR-CG-publicite-without-accent", "FR", "#publicite ma routine", PASS, "#publicite"),
    ("FR-L2023-capitals", "FR", "PUBLICITÉ ✨ ma routine", PASS, "PUBLICITÉ"),
    (
        "FR-L2023-collaboration-commerciale",
        "FR",
        "Collaboration commerciale avec @glowlab ✨",
        PASS,
        "Collaboration commerciale",
    ),
    (
        "FR-L2023-hashtag-collaboration-commerciale",
        "FR",
        "#CollaborationCommerciale nouvelle routine",
        PASS,
        "#CollaborationCommerciale",
    ),
    (
        "FR-ORD24-partenariat-remunere",
        "FR",
        "Partenariat rémunéré avec @glowlab",
        PASS,
        "Partenariat rémunéré",
    ),
    ("FR-L2023-english-ad-alone", "FR", "#ad ma routine du matin", WEAK, "#ad"),
    ("FR-L2023-english-sponsored", "FR", "Sponsored by @glowlab", WEAK, "Sponsored"),
    ("FR-L2023-pub-abbreviation", "FR", "#pub nouvelle routine", WEAK, "#pub"),
    ("FR-L2023-sponso", "FR", "#sponso ma routine", WEAK, "#sponso"),
    ("FR-L2023-en-partenariat", "FR", "En partenariat avec @glowlab", WEAK, "En partenariat avec"),
    ("FR-L2023-nothing", "FR", "Ma routine du matin ☀️", MISSING, None),
    ("FR-L2023-after-more", "FR", "Ma routine\nÉtape 1\nÉtape 2\nÉtape 3\nPublicité", BURIED, "Publicité"),
    ("FR-L2023-ad-then-french", "FR", "#ad #publicité ma routine", PASS, "#publicité"),
    (
        "FR-L2023-among-trailing-tags",
        "FR",
        "Ma routine du matin\n#skincare #beauté #publicité #glow",
        BURIED,
        "#publicité",
    ),
    ("FR-CG-publicity-in-other-word", "FR", "#publicitaire du jour", MISSING, None),
]


@pytest.mark.parametrize(
    ("market", "caption", "finding", "label"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_lint_table(market, caption, finding, label):
    verdict = lint(caption, market)
    assert (verdict.finding, verdict.label) == (finding, label), verdict.reason
    assert verdict.reason
    if label is not None:
        text = caption.replace("\r\n", "\n").strip()
        assert text[verdict.offset : verdict.offset + len(label)] == label


def test_the_table_is_thorough():
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)
    for market in ("US", "UK", "IE", "FR"):
        findings = {c[3] for c in CASES if c[1] == market}
        assert findings == {PASS, WEAK, MISSING, BURIED}, market


def test_position_and_reason_of_a_label_after_the_cut():
    verdict = lint("Morning run!\nFeeling great\nNew shoes\nSo comfy\n#ad", "US")
    assert (verdict.offset, verdict.line) == (46, 5)
    assert verdict.where == "line 5, character 47"
    assert "line 5" in verdict.reason and "more" in verdict.reason


def test_trailing_hashtags_reason_and_weak_label_shown():
    verdict = lint("Loved this trail run!\n" + TWENTY_TAGS, "US")
    assert verdict.finding is BURIED and "hashtags at the end" in verdict.reason
    both = lint("#sp loving this\n\n\n\n#ad", "US")
    assert "“#sp”" in both.reason


def test_weak_reason_says_what_to_use():
    verdict = lint("#ad ma routine", "FR")
    assert "Publicité" in verdict.reason and "Loi 2023-451" in verdict.reason
    assert "Collaboration commerciale" in lint("rien", "FR").reason


def test_fr_images_notes():
    hinted = lint("Publicité — nouveau look #facetune", "FR")
    assert hinted.passed and hinted.images_label_missing
    assert any("Images retouchées" in n and "#facetune" in n for n in hinted.notes)
    declared = lint("Publicité — mon avatar", "FR", images={"virtual"})
    assert declared.images_label_missing and any("Images virtuelles" in n for n in declared.notes)
    labelled = lint("Publicité · Images retouchées", "FR", images={"retouched"})
    assert not labelled.images_label_missing and labelled.notes == ("Carries “Images retouchées”.",)
    plain = lint("Publicité — ma routine", "FR")
    assert not plain.images_label_missing and "If the images are retouched" in plain.notes[0]
    assert lint("#ad #facetune", "US").notes == ()


def test_every_rules_file_loads_and_other_falls_back():
    assert markets() == ("FR", "IE", "UK", "US")
    for market in markets():
        assert rules_for(market).market == market
    assert rules_for("other").market == "US"
    assert rules_for("../etc/passwd").market == "US"
    assert rules_for(None).market == "US"


def test_a_new_market_is_a_new_file(tmp_path: Path):
    (tmp_path / "us.toml").write_bytes((RULES_DIR / "us.toml").read_bytes())
    (tmp_path / "de.toml").write_text(
        'market = "DE"\nname = "German rules"\nexpects = "“Werbung” or “Anzeige”"\n'
        '[[labels]]\nstrength = "clear"\nterms = ["#werbung", "werbung", "anzeige"]\n'
        '[[labels]]\nstrength = "weak"\nwhy = "not a German label"\nterms = ["#ad"]\n',
        encoding="utf-8",
    )
    rules = rules_for("DE", tmp_path)
    assert rules.market == "DE" and rules.visible_chars == 125
    assert markets(tmp_path) == ("DE", "US")
    assert lint("Werbung: mein Morgen", "DE", rules=rules).finding is PASS
    assert lint("#ad mein Morgen", "DE", rules=rules).finding is WEAK
    assert rules_for("FR", tmp_path).market == "US"  # no fr.toml there: the fallback


def test_broken_rules_are_refused():
    with pytest.raises(RulesError):
        parse(
            {"market": "XX", "name": "x", "expects": "x", "labels": [{"strength": "weak", "terms": ["#a"]}]}
        )
    with pytest.raises(RulesError):
        parse(
            {"market": "XX", "name": "x", "expects": "x", "labels": [{"strength": "loud", "terms": ["#a"]}]}
        )
    with pytest.raises(RulesError):
        parse({"market": "XX", "name": "x", "expects": "x", "labels": []})

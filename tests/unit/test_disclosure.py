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
  CAP     CAP Code rule 2.1 (an ad must be obviously identifiable as such)

How a rule is applied to text (what counts as a label, what is an address, what negates) is
documented in bot/domain/disclosure/lint.py; each case still cites the rule its verdict applies.
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
    ("US-CFR255-gifted-is-weak", "US", "#gifted by @glowlab, first impressions", WEAK, "#gifted"),
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
    ("US-CFR255-two-trailing-tags-ok", "US", "New shoes, who dis? #ad #running", PASS, "#ad"),
    ("US-CFR255-tags-only-caption-led-by-ad", "US", "#ad #skincare #glow #serum", PASS, "#ad"),
    ("US-CFR255-first-beats-trailing", "US", "#ad Trail day!\n#run #trail #shoes #ad", PASS, "#ad"),
    ("US-CFR255-weak-visible-clear-buried", "US", "#sp loving this\n\n\n\n#ad", BURIED, "#ad"),
    ("US-CFR255-adventure-is-not-ad", "US", "Weekend #adventure in the mountains", MISSING, None),
    ("US-CFR255-admin-is-not-ad", "US", "#admin life, answering emails all day", MISSING, None),
    ("US-CFR255-ads4life-is-not-ad", "US", "#ads4life", MISSING, None),
    ("US-CFR255-ads-is-not-ad", "US", "Running #ads everywhere", MISSING, None),
    ("US-CFR255-ad-underscore-is-another-tag", "US", "#ad_campaign launch", MISSING, None),
    ("US-CFR255-glued-after-word", "US", "Best serum ever#ad", PASS, "#ad"),
    ("US-CFR255-glued-to-next-tag", "US", "#ad#skincare my routine", PASS, "#ad"),
    ("US-CFR255-upper-case-tag", "US", "#AD new drop from @stride", PASS, "#AD"),
    ("US-CFR255-title-case-tag", "US", "#Ad new drop from @stride", PASS, "#Ad"),
    ("US-CFR255-emoji-around-word", "US", "🚨AD🚨 New drop from @stride", PASS, "AD"),
    ("US-CFR255-emoji-after-tag", "US", "#ad✨ new glow", PASS, "#ad"),
    ("US-CFR255-brackets", "US", "New serum [ad] from @glowlab", PASS, "ad"),
    ("US-CFR255-pipe", "US", "AD | New season shoes", PASS, "AD"),
    ("US-CFR255-plain-word-in-sentence", "US", "I saw an ad for this serum and had to try it", MISSING, None),
    ("US-CFR255-ad-free-is-not-ad", "US", "Ad-free listening all month long", MISSING, None),
    ("US-CFR255-fullwidth-hash", "US", "＃ad new serum", PASS, "＃ad"),
    ("US-CFR255-bold-unicode", "US", "𝐀𝐃 new serum from @glowlab", PASS, "𝐀𝐃"),
    ("US-CFR255-zero-width-inside", "US", "#a\u200bd new serum", PASS, "#a\u200bd"),
    ("US-CFR255-cut-by-more", "US", "x" * 122 + " #ad", BURIED, "#ad"),
    ("US-CFR255-ends-at-125", "US", "x" * 121 + " #ad", PASS, "#ad"),
    ("US-CFR255-crlf-lines", "US", "Morning!\r\n#ad new shoes", PASS, "#ad"),
    ("US-CFR255-other-market-falls-back", "other", "#ad new", PASS, "#ad"),
    ("US-CFR255-other-market-weak", "other", "#spon new", WEAK, "#spon"),
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
    ("UK-CAP-adventure", "UK", "#adventure time with @threadco", MISSING, None),
    ("UK-CMA-ad-plus-platform-tag", "UK", "Ad · Paid partnership with @glowlab", PASS, "Ad"),
    ("UK-CAP-advertising-in-a-sentence", "UK", "I work in advertising and love this coat", MISSING, None),
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
    ("FR-L2023-publicite-without-accent", "FR", "#publicite ma routine", PASS, "#publicite"),
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
    ("FR-L2023-publicity-in-other-word", "FR", "#publicitaire du jour", MISSING, None),
    # ---- v2: negated labels are denials, not disclosures ---------------------------------
    ("US-FTC101-not-sponsored-caps", "US", "This is NOT sponsored, I just love these shoes", MISSING, None),
    ("US-FTC101-not-an-ad", "US", "Not an ad! Just obsessed with @glowlab", MISSING, None),
    ("US-FTC101-not-a-hashtag-ad", "US", "not an #ad, just a fan of @stride", MISSING, None),
    ("US-FTC101-isnt-sponsored", "US", "This post isn't sponsored 💛 @glowlab", MISSING, None),
    ("US-FTC101-curly-isnt", "US", "This isn’t sponsored, promise", MISSING, None),
    ("US-FTC101-never-sponsored", "US", "Never sponsored, always honest reviews", MISSING, None),
    ("US-FTC101-notsponsored-tag", "US", "Honest review #notsponsored", MISSING, None),
    ("US-FTC101-no-ad-here", "US", "No ad here, I paid for it myself", MISSING, None),
    ("US-FTC101-not-paid-partnership", "US", "Not a paid partnership, just love @brewco", MISSING, None),
    ("US-FTC101-in-no-way-sponsored", "US", "In no way sponsored by @glowlab", MISSING, None),
    ("US-FTC101-not-emphasised", "US", "NOT *sponsored* — bought it myself", MISSING, None),
    ("US-FTC101-not-quoted", "US", "not “sponsored”, I swear", MISSING, None),
    ("US-FTC101-negated-weak-label", "US", "Not a #collab, I bought it", MISSING, None),
    (
        "US-FTC101-negated-thanks-is-not-negation",
        "US",
        "No thanks to the rain, #ad with @stride",
        PASS,
        "#ad",
    ),
    ("US-CFR255-denial-of-another-brand", "US", "#ad Not sponsored by my old brand any more", PASS, "#ad"),
    ("US-FTCQA-denial-and-weak-label", "US", "Not sponsored! #sp", WEAK, "#sp"),
    ("US-CFR255-no-filter-is-not-a-denial", "US", "No filter, #ad", PASS, "#ad"),
    ("US-CFR255-sentence-ends-before-label", "US", "Not bad at all. Ad: @stride", PASS, "Ad"),
    ("US-CFR255-knot-is-not-not", "US", "Tied the knot #ad with @bridalco", PASS, "#ad"),
    ("UK-ASA-not-an-ad", "UK", "Not an ad, I just rate this coat", MISSING, None),
    ("UK-ASA-not-sponsored", "UK", "NOT sponsored – bought with my own money", MISSING, None),
    ("UK-CMA-not-hashtag-ad", "UK", "This is not #ad, it's love", MISSING, None),
    ("UK-ASA-no-advert", "UK", "No advert here, promise", MISSING, None),
    ("UK-CAP-notanad-tag", "UK", "#NotAnAd just my fave coat", MISSING, None),
    ("UK-CMA-label-then-denial", "UK", "Ad | not sponsored by anyone else", PASS, "Ad"),
    ("IE-ASAI-not-an-ad", "IE", "Not an ad, just a good serum", MISSING, None),
    ("IE-ASAI-not-sponsored", "IE", "this is NOT sponsored!!", MISSING, None),
    ("IE-ASAI-not-gifted", "IE", "Not gifted, bought it myself", MISSING, None),
    ("IE-ASAI-ni-fogra", "IE", "Ní fógra é seo, just love it", MISSING, None),
    ("IE-ASAI-notsponsored-tag", "IE", "#notsponsored love this", MISSING, None),
    (
        "FR-L2023-cest-pas-une-publicite",
        "FR",
        "Ce n'est pas une publicité, juste un coup de cœur",
        MISSING,
        None,
    ),
    ("FR-L2023-pas-sponsorise", "FR", "Pas sponsorisé, je l'ai acheté moi-même", MISSING, None),
    ("FR-L2023-non-sponsorise", "FR", "Non sponsorisé 💛", MISSING, None),
    ("FR-L2023-nest-pas-sponsorise", "FR", "Ce post n’est pas sponsorisé", MISSING, None),
    ("FR-L2023-pas-de-publicite", "FR", "Pas de publicité ici", MISSING, None),
    ("FR-L2023-jamais-de-sponso", "FR", "Jamais de #sponso sur mon compte", MISSING, None),
    ("FR-L2023-paspub-tag", "FR", "#paspub juste mon avis", MISSING, None),
    ("FR-L2023-not-an-ad-in-english", "FR", "Not an ad, juste un avis", MISSING, None),
    ("FR-L2023-sans-publicite", "FR", "Vidéo sans publicité 🙌", MISSING, None),
    (
        "FR-L2023-label-then-denial",
        "FR",
        "Publicité — pas sponsorisé par une autre marque",
        PASS,
        "Publicité",
    ),
    (
        "FR-L2023-negation-in-another-sentence",
        "FR",
        "Je ne sais pas. Publicité : @glowlab",
        PASS,
        "Publicité",
    ),
    # ---- v2: "ad" in a link, path, parameter, handle, e-mail or file name is not a label --
    ("US-CFR255-ad-in-url-path", "US", "New drop: https://stride.com/ad/spring", MISSING, None),
    ("US-CFR255-ad-in-bare-url-path", "US", "Shop it: stride.com/ad", MISSING, None),
    ("US-CFR255-ad-in-query", "US", "Link: https://stride.com/p?utm_source=ad", MISSING, None),
    ("US-CFR255-ad-in-fragment", "US", "https://stride.com/shoes#ad", MISSING, None),
    ("US-CFR255-ad-in-short-link", "US", "bit.ly/ad new shoes", MISSING, None),
    ("US-CFR255-ad-in-www-link", "US", "www.stride.com/ad", MISSING, None),
    ("US-CFR255-ad-in-dotted-handle", "US", "Shot by @the.ad.studio", MISSING, None),
    ("US-CFR255-ad-in-handle", "US", "Styled by @ad_studio", MISSING, None),
    ("US-CFR255-ad-as-handle", "US", "Hi @ad what do you think?", MISSING, None),
    ("US-CFR255-ad-in-email", "US", "Questions? ad@stride.com", MISSING, None),
    ("US-CFR255-ad-in-email-domain", "US", "Write to hello@ad.agency", MISSING, None),
    ("US-CFR255-ad-file-name", "US", "Uploaded ad.mp4 to the drive", MISSING, None),
    ("US-CFR255-ad-file-name-caps", "US", "AD.png", MISSING, None),
    ("US-CFR255-ad-in-hyphenated-file", "US", "final-ad-v2.mov is up", MISSING, None),
    ("US-CFR255-sponsored-in-url", "US", "stride.com/sponsored/shoes", MISSING, None),
    ("US-CFR255-label-next-to-link", "US", "#ad https://stride.com/ad", PASS, "#ad"),
    ("US-CFR255-label-after-link", "US", "Shop: https://stride.com/x\n#ad", PASS, "#ad"),
    ("UK-CAP-ad-in-link", "UK", "Coat here: threadco.co.uk/ad", MISSING, None),
    ("UK-CAP-ad-in-parameter", "UK", "https://threadco.co.uk/?ref=ad&c=1", MISSING, None),
    ("UK-CAP-advert-in-path", "UK", "https://threadco.co.uk/advert", MISSING, None),
    ("UK-CAP-ad-in-handle", "UK", "Photos @ad.london", MISSING, None),
    ("UK-CAP-ad-in-email", "UK", "Enquiries: ad@threadco.co.uk", MISSING, None),
    ("UK-CAP-ad-file-name", "UK", "ad.jpg", MISSING, None),
    ("UK-CAP-label-beside-link", "UK", "Ad | threadco.co.uk/ad", PASS, "Ad"),
    ("IE-ASAI-ad-in-link", "IE", "glowlab.ie/ad for 10% off", MISSING, None),
    ("IE-ASAI-fogra-in-fragment", "IE", "https://glowlab.ie/#fogra", MISSING, None),
    ("IE-ASAI-ad-in-handle", "IE", "Make-up by @ad.dublin", MISSING, None),
    ("IE-ASAI-gifted-file-name", "IE", "gifted.png uploaded", MISSING, None),
    ("IE-ASAI-ad-in-email", "IE", "ad@glowlab.ie", MISSING, None),
    ("FR-L2023-publicite-in-link", "FR", "glowlab.fr/publicite", MISSING, None),
    ("FR-L2023-publicite-in-fragment", "FR", "https://glowlab.fr/#publicite", MISSING, None),
    ("FR-L2023-publicite-in-handle", "FR", "@publicite.paris", MISSING, None),
    ("FR-L2023-publicite-in-email", "FR", "publicite@glowlab.fr", MISSING, None),
    ("FR-L2023-publicite-file-name", "FR", "publicite.pdf envoyé", MISSING, None),
    ("FR-L2023-label-beside-link", "FR", "Publicité glowlab.fr/publicite", PASS, "Publicité"),
    # ---- v2: weak wordings are weak ------------------------------------------------------
    ("US-FTC101-thanks-mention", "US", "Thanks @glowlab! Loving the serum", WEAK, "Thanks @glowlab"),
    ("US-FTC101-thank-you-mention", "US", "Thank you @stride for these 🔥", WEAK, "Thank you @stride"),
    ("US-FTC101-thx-mention", "US", "thx @brewco ☕", WEAK, "thx @brewco"),
    (
        "US-FTC101-in-collaboration-with",
        "US",
        "In collaboration with @glowlab ✨ my routine",
        WEAK,
        "In collaboration with",
    ),
    (
        "US-FTC101-in-partnership-with",
        "US",
        "In partnership with @stride, 10 miles today",
        WEAK,
        "In partnership with",
    ),
    ("US-FTC101-ad-and-partnership", "US", "#ad in partnership with @stride", PASS, "#ad"),
    ("US-FTC101-adpartner", "US", "New season! #adpartner @stride", WEAK, "#adpartner"),
    ("US-FTC101-adcollab", "US", "#adcollab with @glowlab", WEAK, "#adcollab"),
    ("US-FTC101-partnerad", "US", "New drop #partnerad", WEAK, "#partnerad"),
    ("US-FTC101-adpartnership-camel-case", "US", "#AdPartnership @stride", WEAK, "#AdPartnership"),
    ("US-FTC101-sponsor-tag", "US", "Morning run #sponsor", WEAK, "#sponsor"),
    ("US-FTC101-spon-caps", "US", "#SPON new serum", WEAK, "#SPON"),
    ("US-FTC101-label-then-thanks", "US", "Ad: thanks @glowlab!", PASS, "Ad"),
    ("US-FTCQA-thanks-then-label-cut", "US", "Thanks @stride!\nRun\nMiles\nMore\n#ad", BURIED, "#ad"),
    ("UK-ASA-thanks-mention", "UK", "Thanks @threadco for the coat!", WEAK, "Thanks @threadco"),
    ("UK-ASA-thank-you-mention", "UK", "Thank you @glowlab 💕", WEAK, "Thank you @glowlab"),
    ("UK-ASA-in-collaboration-with", "UK", "In collaboration with @threadco", WEAK, "In collaboration with"),
    (
        "UK-ASA-in-partnership-with",
        "UK",
        "In partnership with @glowlab, my routine",
        WEAK,
        "In partnership with",
    ),
    ("UK-ASA-adpartner", "UK", "#adpartner @threadco", WEAK, "#adpartner"),
    ("UK-ASA-collabad", "UK", "#collabad with @threadco", WEAK, "#collabad"),
    ("UK-ASA-spon", "UK", "#spon autumn coat", WEAK, "#spon"),
    ("UK-CMA-ad-with-partnership", "UK", "#ad in partnership with @threadco", PASS, "#ad"),
    ("UK-CMA-advertising-with-thanks", "UK", "Advertising | thanks @threadco", PASS, "Advertising"),
    ("IE-ASAI-thanks-mention", "IE", "Thanks @glowlab for the goodies", WEAK, "Thanks @glowlab"),
    ("IE-ASAI-in-partnership-with", "IE", "In partnership with @glowlab", WEAK, "In partnership with"),
    ("IE-ASAI-in-collaboration-with", "IE", "In collaboration with @glowlab", WEAK, "In collaboration with"),
    ("IE-ASAI-adpartner", "IE", "#adpartner new serum", WEAK, "#adpartner"),
    ("IE-ASAI-spon", "IE", "#spon new serum", WEAK, "#spon"),
    ("IE-ASAI-fogra-and-collaboration", "IE", "#Fógra in collaboration with @glowlab", PASS, "#Fógra"),
    ("FR-L2023-merci-mention", "FR", "Merci @glowlab pour ce coffret 💕", WEAK, "Merci @glowlab"),
    ("FR-L2023-merci-aux", "FR", "Merci aux équipes de @ad.paris", WEAK, "Merci aux"),
    ("FR-L2023-thanks-mention", "FR", "Thanks @glowlab ✨", WEAK, "Thanks @glowlab"),
    ("FR-L2023-en-collaboration-avec", "FR", "En collaboration avec @glowlab", WEAK, "En collaboration avec"),
    ("FR-L2023-in-partnership-in-english", "FR", "In partnership with @glowlab", WEAK, "In partnership with"),
    ("FR-L2023-sp", "FR", "Nouvelle routine #sp", WEAK, "#sp"),
    ("FR-L2023-spon", "FR", "#spon ma routine", WEAK, "#spon"),
    ("FR-L2023-adpartner", "FR", "#adpartner ma routine", WEAK, "#adpartner"),
    ("FR-L2023-pubpartenaire", "FR", "#pubpartenaire nouvelle routine", WEAK, "#pubpartenaire"),
    (
        "FR-L2023-publicite-and-partenariat",
        "FR",
        "Publicité · en partenariat avec @glowlab",
        PASS,
        "Publicité",
    ),
    (
        "FR-L2023-collaboration-commerciale-and-merci",
        "FR",
        "Collaboration commerciale — merci @glowlab",
        PASS,
        "Collaboration commerciale",
    ),
    # ---- v2: captions that carry no label and must not be read as one --------------------
    ("US-CFR255-adorable", "US", "This puppy is adorable", MISSING, None),
    ("US-CFR255-adidas", "US", "Wearing my adidas today", MISSING, None),
    ("US-CFR255-ad-hoc", "US", "Ad hoc shoot in the park today", MISSING, None),
    ("US-CFR255-ad-nauseam", "US", "Ad nauseam: drink water", MISSING, None),
    ("US-CFR255-ad-free-week", "US", "Ad-free week on my podcast!", MISSING, None),
    ("US-CFR255-adventure-capitalised", "US", "#Adventure awaits", MISSING, None),
    ("US-CFR255-advice", "US", "Best advice I ever got: sleep", MISSING, None),
    ("US-CFR255-ads-word", "US", "I never click ads", MISSING, None),
    ("US-CFR255-add-to-cart", "US", "Add to cart, trust me", MISSING, None),
    ("US-CFR255-ad-hoc-hyphenated", "US", "My ad-hoc routine", MISSING, None),
    ("US-CFR255-adulting", "US", "#adulting is hard", MISSING, None),
    ("US-CFR255-sponsorship-word", "US", "Looking for sponsorship opportunities", MISSING, None),
    ("UK-CAP-adorable", "UK", "Adorable little coat", MISSING, None),
    ("UK-CAP-ad-free-week", "UK", "Ad-free week on the channel", MISSING, None),
    ("UK-CAP-adventures", "UK", "#adventures in Devon", MISSING, None),
    ("UK-CAP-advertisers-word", "UK", "Advertisers love this trend", MISSING, None),
    ("UK-CAP-ad-hoc", "UK", "Ad hoc vlog from the train", MISSING, None),
    ("UK-CAP-adele", "UK", "Adele on repeat", MISSING, None),
    ("IE-ASAI-adventure", "IE", "#adventure on the Wild Atlantic Way", MISSING, None),
    ("IE-ASAI-adorable", "IE", "Adorable wee cottage", MISSING, None),
    ("IE-ASAI-ad-free-week", "IE", "Ad-free week on the podcast", MISSING, None),
    ("FR-L2023-publicitaire-word", "FR", "Mon métier de publicitaire", MISSING, None),
    ("FR-L2023-adorable", "FR", "Adorable ce petit chat", MISSING, None),
    ("FR-L2023-adventure", "FR", "#adventure en Bretagne", MISSING, None),
    ("FR-L2023-pubs-word", "FR", "Je zappe les pubs à la télé", MISSING, None),
    ("FR-L2023-ad-free-week", "FR", "Ad-free week sur la chaîne", MISSING, None),
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


#: The sources a case of each market may cite, and the regulator every reason of that market names.
SOURCES = {
    "US": ({"FTC101", "FTCQA", "CFR255"}, ("FTC",)),
    "UK": ({"ASA", "CAP", "CMA"}, ("ASA", "CAP", "CMA")),
    "IE": ({"ASAI"}, ("ASAI",)),
    "FR": ({"L2023", "ORD24"}, ("Loi 2023-451",)),
}


def test_the_table_is_thorough():
    assert len(CASES) >= 200
    assert len({c[0] for c in CASES}) == len(CASES)
    for market in ("US", "UK", "IE", "FR"):
        findings = {c[3] for c in CASES if c[1] == market}
        assert findings == {PASS, WEAK, MISSING, BURIED}, market


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_every_case_cites_its_rule_and_the_reason_names_it(case):
    case_id, market, caption, _finding, _label = case
    home, source = case_id.split("-")[:2]
    sources, regulators = SOURCES["US" if market == "other" else market]
    assert home == ("US" if market == "other" else market)
    assert source in sources, f"{case_id} cites {source}, not one of {sorted(sources)}"
    reason = lint(caption, market).reason
    assert any(r in reason for r in regulators), reason


def test_a_denial_is_named_in_the_reason():
    verdict = lint("This is NOT sponsored, I just love it", "US")
    assert verdict.finding is MISSING and verdict.label is None
    assert verdict.reason.startswith(
        "“NOT sponsored” denies being an ad: a negated label is not a disclosure."
    )
    fr = lint("Ce n'est pas une publicité", "FR")
    assert fr.reason.startswith("“pas une publicité” denies being an ad") and "Loi 2023-451" in fr.reason
    assert lint("#notsponsored", "UK").reason.startswith("“#notsponsored” denies")
    # a denial of a weak label alongside a real one changes nothing
    assert lint("Ad: not a #collab, a real ad", "UK").finding is PASS


def test_addresses_are_not_labels_but_keep_the_words_around_them():
    for caption in ("https://stride.com/ad", "stride.com/?c=ad", "ad@stride.com", "@the.ad.studio", "ad.png"):
        assert lint(caption, "US").matches == (), caption
    verdict = lint("Thanks @glowlab.co for this", "US")
    assert (verdict.finding, verdict.label) == (WEAK, "Thanks @glowlab.co")


def test_weak_reasons_name_their_rule():
    cases = {
        "US": ("thanks @x", "FTC"),
        "UK": ("#adpartner", "ASA"),
        "IE": ("in partnership with @x", "ASAI"),
        "FR": ("merci @x", "Loi 2023-451"),
    }
    for market, (caption, rule) in cases.items():
        verdict = lint(caption, market)
        assert verdict.finding is WEAK and rule in verdict.reason, (market, verdict.reason)


def test_a_weak_reason_without_its_rule_is_refused():
    with pytest.raises(RulesError, match="must name the rule"):
        parse(
            {
                "market": "XX",
                "name": "x",
                "expects": "x",
                "cites": ["FTC"],
                "labels": [
                    {"strength": "clear", "terms": ["#ad"]},
                    {"strength": "weak", "why": "vague", "terms": ["#sp"]},
                ],
            }
        )


def test_fused_tags_are_generated_both_ways():
    rules = parse(
        {
            "market": "XX",
            "name": "x",
            "expects": "x",
            "labels": [
                {"strength": "clear", "terms": ["#ad"]},
                {"strength": "weak", "why": "fused", "fuse": ["ad"], "terms": ["partner"]},
            ],
        }
    )
    assert [label.term for label in rules.labels] == ["#ad", "#adpartner", "#partnerad"]


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
    both = lint("Publicité · Images retouchées", "FR", images={"retouched", "virtual"})
    lacks = "The images are declared virtual but the caption lacks “Images virtuelles”."
    assert both.image_problems == (lacks,)
    assert both.notes == ("Carries “Images retouchées”.", *both.image_problems)
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

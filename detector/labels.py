"""The label vocabulary in one place: what a page and a block can be called, in training and in output.

A new block label is added here first; the modules that read, train, score, explain and report take their
lists from this one.
"""

from __future__ import annotations

__all__ = ["PAGE_LABELS", "OUTPUT_LABELS", "NOTICE_LABELS", "SPAN_LABELS", "NON_EDITORIAL", "CLASSES",
           "OUTPUT_LABEL", "COLOURS"]

PAGE_LABELS = ("sponsored", "editorial")  # a page's label in records: is its main content paid for?

# A block's label in records, in the order of the model's output columns.
OUTPUT_LABELS = ("editorial", "sponsored", "affiliate", "disclaimer", "boilerplate")
# Disclosures: the labels of the notices that labelled corpora mark as spans (see docs/output.md).
NOTICE_LABELS = SPAN_LABELS = ("sponsored", "affiliate", "disclaimer")
# Every label but editorial: what `detector clean` cuts out of a text by default.
NON_EDITORIAL = ("sponsored", "affiliate", "disclaimer", "boilerplate")

# The block classifier's classes. "sponsored" = a notice about the page's own main content;
# "sponsored_other" = a sponsored notice about something else (deal box, teaser, site-wide credit).
CLASSES = ("editorial", "sponsored", "sponsored_other", "affiliate", "disclaimer", "boilerplate")
OUTPUT_LABEL = {  # class -> output label
    "editorial": "editorial",
    "sponsored": "sponsored",
    "sponsored_other": "sponsored",
    "affiliate": "affiliate",
    "disclaimer": "disclaimer",
    "boilerplate": "boilerplate",
}

COLOURS = {  # each output label's background in the HTML views (explain, report)
    "sponsored": "#f4a3a3",
    "affiliate": "#f7c978",
    "disclaimer": "#a9cdf2",
    "boilerplate": "#d9d9d9",
    "editorial": "#ffffff",
}

assert set(OUTPUT_LABEL.values()) == set(OUTPUT_LABELS) == set(COLOURS) == {*NON_EDITORIAL, "editorial"}

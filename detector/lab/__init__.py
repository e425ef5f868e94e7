"""The lab: what makes and measures a model, never needed to score a page.

- ``corpus``: labelled corpora (``../shared/LABELS.md``) and the alignment of their notices to blocks;
- ``train``: the training set of a corpus and the fitted model;
- ``evaluate``: a model's page and notice metrics on labelled pages, overall and by group;
- ``crossval``: cross-validation grouped by site, beside the keyword list;
- ``baselines``: the keyword list and trafilatura's main text, the yardsticks;
- ``report``: the HTML evaluation report and its plots;
- ``card``: the model card written beside a trained model.
"""

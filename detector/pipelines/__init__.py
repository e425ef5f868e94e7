"""detector where corpora are cleaned: thin adapters over :func:`detector.clean.clean_document`.

- :mod:`detector.pipelines.tables`: ``detector clean``, JSONL / Parquet / WET in, the same rows out with
  the text cleaned and the page's score, label and spans added;
- :mod:`detector.pipelines.datatrove`: a datatrove filter and formatter (``pip install 'detector[datatrove]'``);
- :mod:`detector.pipelines.hf`: a function for Hugging Face ``datasets``' ``Dataset.map``
  (``pip install 'detector[hf]'``);
- :mod:`detector.pipelines.scrapy`: an item pipeline for a Scrapy crawl (``pip install 'detector[scrapy]'``);
- :mod:`detector.pipelines.dolma`: a Dolma tagger, spans per label for the mixer (dolma in its own
  environment: it pins numpy<2; see the module).

Every adapter scores a document exactly as ``detector score`` does and names its columns alike:
``detector_score``, ``detector_label``, ``detector_spans`` (``start``, ``end``, ``label``, ``score``) and
``detector_error`` (a one-line reason; the row is kept).
"""

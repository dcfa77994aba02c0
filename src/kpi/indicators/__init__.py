"""Indicators: the catalogue, one measure per indicator, the indicator table and its judgements (RAG,
change, intervals), the disclosure policy, and data quality counted over the indicators' cohorts.
Uses data, time and the configuration."""

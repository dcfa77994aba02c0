"""Comparisons with published figures: rank, quartile band and the nation (ranking), the indicator
table with its comparisons, and the benchmarking notebook's data. Uses indicators, data and words."""

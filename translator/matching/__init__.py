"""Matching two graphs: lexical, structural and text evidence, consistency repair, one-to-one
extraction, and the matcher entry point (`translator.matching.matcher.match`)."""

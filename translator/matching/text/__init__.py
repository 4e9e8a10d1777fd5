"""Text evidence: tokens, synonyms, WordNet."""

"""Alignments: the model, SSSOM and Alignment API RDF/XML files behind one registry, CURIEs,
evaluation metrics and the labelled-pair protocol (pairs, out-of-fold choice, opaque ids)."""

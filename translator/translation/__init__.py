"""Translation: the translator file and its reader, the compiler from an alignment, the compiled
translator, units, values, value maps, sample messages and the message `codecs`."""

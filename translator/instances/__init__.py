"""Instance-based evidence: what two streams of messages say about which fields correspond.

Read each stream into per-field time series (:mod:`.series`), put them on one time grid and find
the constant lag between the clocks (:mod:`.align`), fit the value transform of a pair — a unit
conversion, a copy, a value map, a flag — (:mod:`.fit`) and score every candidate pair
(:mod:`.evidence`). :mod:`.candidates` gathers that evidence and the schema matcher's for every
candidate pair, :mod:`.fusion` weighs them and :mod:`.learning` turns the result into an alignment
and a translator (``tolka learn``).
"""

from translator.instances.align import common_grid, discrete, estimate_lag, resample, shifted
from translator.instances.evidence import (
    Evidence,
    Fit,
    PairEvidence,
    mutual_best,
    normalised_mutual_information,
    score_pairs,
)
from translator.instances.fit import (
    COMMON_UNITS,
    AffineFit,
    BooleanFit,
    ValueMapFit,
    fit_affine,
    fit_boolean,
    fit_value_map,
    unit_candidates,
)
from translator.instances.series import (
    Kind,
    Series,
    Stream,
    flatten,
    message_format,
    parse_time,
    read_messages,
    read_series,
    read_stream,
    series_from_messages,
    stream_from_messages,
)

__all__ = [
    "COMMON_UNITS",
    "AffineFit",
    "BooleanFit",
    "Evidence",
    "Fit",
    "Kind",
    "PairEvidence",
    "Series",
    "Stream",
    "ValueMapFit",
    "common_grid",
    "discrete",
    "estimate_lag",
    "fit_affine",
    "fit_boolean",
    "fit_value_map",
    "flatten",
    "message_format",
    "mutual_best",
    "normalised_mutual_information",
    "parse_time",
    "read_messages",
    "read_series",
    "read_stream",
    "resample",
    "score_pairs",
    "series_from_messages",
    "shifted",
    "stream_from_messages",
    "unit_candidates",
]

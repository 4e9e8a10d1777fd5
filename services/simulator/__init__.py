"""A plant simulator: pump skids observed by two vendors' systems, with the true mapping between them.

A seeded discrete-time process (:mod:`~services.simulator.process`) is sampled by vendor A (OPC UA
PubSub JSON, SI units) and vendor B (a legacy PLC's JSON: US units, other state codes, another rate,
jitter, a clock offset) (:mod:`~services.simulator.vendors`); the recording holds both streams, both
JSON Schemas (:mod:`~services.simulator.schemas`) and the truth — an SSSOM alignment and a translator
file (:mod:`~services.simulator.truth`). Tests, benchmarks and the demo use it; ``tolka simulate``
writes it to a folder.

Example:
    >>> from services.simulator import SimulationConfig, simulate
    >>> recording = simulate(SimulationConfig(seed=7, duration=20.0))
    >>> recording.b_messages[0]["ts"]
    '2025-01-01T00:00:02.000Z'
"""

from services.simulator.fields import QUANTITIES, Encoding, Quantity
from services.simulator.process import ProcessParams, Trace, simulate_process
from services.simulator.recording import FILES, Recording, SimulationConfig, simulate, write_recording

__all__ = [
    "FILES",
    "QUANTITIES",
    "Encoding",
    "ProcessParams",
    "Quantity",
    "Recording",
    "SimulationConfig",
    "Trace",
    "simulate",
    "simulate_process",
    "write_recording",
]

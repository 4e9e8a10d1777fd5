"""The one exception tree of Tolka.

Every error Tolka raises on purpose derives from :class:`TolkaError`; the CLI prints such an error
as one line and exits with status 2, the gateway maps it to a problem+json response. Exceptions
carry what was wrong and where as attributes (``source``, ``line``, ``pointer``) so callers never
parse messages.

::

    TolkaError
    ├── InputError                 bad input: a file, a message, a request body
    │   ├── ParseError             malformed XML / Turtle / JSON (source, line)
    │   ├── UnsafeInputError       XML external entities, DTD entity expansion
    │   ├── InputTooLargeError     larger than the configured limit
    │   ├── ModelContentError      well-formed but wrong (a bad NodeId, an unknown alias, a broken $ref)
    │   │   └── EmptyModelError    a model to match has no entities of its own (names the side)
    │   ├── GraphFileError         not a Tolka graph file, or a corrupt one
    │   ├── TranslatorFileError    a translator file that breaks its format (pointer into the file)
    │   ├── UnitTableError         the UNECE table TOLKA_UNECE_TABLE names is missing or malformed
    │   └── MessageError           a message that cannot be translated (field, line)
    ├── IncompatibleFieldsError    an alignment pairs two fields no transform can join (names both)
    ├── UnknownFormatError         no adapter for this name / file (lists the known ones)
    ├── MissingModelError          a required OPC UA model (or import) was not found (names the URI)
    └── UnitError                  a unit Tolka does not know, or two units of different quantities
"""

from __future__ import annotations

__all__ = [
    "EmptyModelError",
    "GraphFileError",
    "IncompatibleFieldsError",
    "InputError",
    "InputTooLargeError",
    "MessageError",
    "MissingModelError",
    "ModelContentError",
    "ParseError",
    "TolkaError",
    "TranslatorFileError",
    "UnitError",
    "UnitTableError",
    "UnknownFormatError",
    "UnsafeInputError",
]


class TolkaError(Exception):
    """Root of every error Tolka raises on purpose."""


class InputError(TolkaError):
    """Bad input; ``source`` names the file (or stream) and ``line`` the line when known."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.reason = message
        where = ""
        if source is not None:
            where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class ParseError(InputError):
    """The input is not well-formed in its format (XML, Turtle, JSON, ...)."""


class UnsafeInputError(InputError):
    """The input uses a construct Tolka refuses: external entities, entity declarations (entity bombs)."""


class InputTooLargeError(InputError):
    """The input is larger than the configured limit."""

    def __init__(self, *, source: str, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(
            f"file is {size:,} bytes, over the limit of {limit:,} bytes (raise it with --max-size)",
            source=source,
        )


class ModelContentError(InputError):
    """The input is well-formed but its content is wrong (bad NodeId, unknown alias, broken $ref)."""


class EmptyModelError(ModelContentError):
    """A model to match has no entities of its own (all its nodes are context, or it has none);
    ``side`` is ``source`` or ``target``."""

    def __init__(self, message: str, *, side: str) -> None:
        self.side = side
        super().__init__(message)


class GraphFileError(InputError):
    """A file that should hold a saved SchemaGraph does not, or holds a corrupt one."""


class TranslatorFileError(InputError):
    """A translator file that breaks its format; ``pointer`` is the JSON Pointer of the bad part."""

    def __init__(self, message: str, *, source: str | None = None, pointer: str = "") -> None:
        self.pointer = pointer
        super().__init__(f"{pointer or '/'}: {message}", source=source)


class UnitTableError(InputError):
    """The table of UNECE common codes Tolka was told to read (``TOLKA_UNECE_TABLE``) is missing,
    unreadable or malformed; ``source`` is its path, ``line`` the bad row's line when there is one.
    Tolka's setting, not a request's input: never replaced by the built-in table."""


class MessageError(InputError):
    """A message that cannot be translated: ``field`` names the source or target field at fault,
    ``line`` the message's line in a JSON Lines stream when known."""

    def __init__(
        self, message: str, *, field: str | None = None, source: str | None = None, line: int | None = None
    ) -> None:
        self.field = field
        super().__init__(f"field {field}: {message}" if field else message, source=source, line=line)


class IncompatibleFieldsError(TolkaError):
    """Two fields an alignment pairs cannot be joined by any transform (a temperature to a boolean,
    a pressure to a length); names both."""

    def __init__(self, message: str, *, source_field: str, target_field: str) -> None:
        self.source_field = source_field
        self.target_field = target_field
        super().__init__(f"{source_field} -> {target_field}: {message}")


class UnknownFormatError(TolkaError):
    """No adapter for a format name or a file; the message lists the known formats."""

    def __init__(self, message: str, *, source: str | None = None, known: tuple[str, ...] = ()) -> None:
        self.source = source
        self.known = known
        super().__init__(message)


class MissingModelError(TolkaError):
    """A model another model depends on (an OPC UA RequiredModel) could not be found."""

    def __init__(self, uri: str, *, required_by: str, searched: tuple[str, ...]) -> None:
        self.uri = uri
        self.required_by = required_by
        self.searched = searched
        places = ", ".join(searched) if searched else "nowhere (no folders given)"
        super().__init__(
            f"{required_by}: required model {uri} not found; searched {places}. "
            "Add the folder holding its NodeSet2 file with --models-dir."
        )


class UnitError(TolkaError):
    """A unit code Tolka does not know, or a conversion between units of different quantities; names
    both units."""

    def __init__(self, message: str, *, source_unit: str, target_unit: str) -> None:
        self.source_unit = source_unit
        self.target_unit = target_unit
        super().__init__(message)

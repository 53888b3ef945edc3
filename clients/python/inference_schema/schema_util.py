"""Reads what the decorators declared: the schemas for ``swagger.json`` and a sample request."""

from .schema_decorators import SCHEMA_ATTRIBUTE


def is_schema_decorated(function):
    return bool(getattr(function, SCHEMA_ATTRIBUTE, None))


def get_input_schema(function):
    """The OpenAPI schema of the request body: an object with one property per declared input."""
    declared = getattr(function, SCHEMA_ATTRIBUTE, None)
    if not declared or not declared["inputs"]:
        return {}
    properties = {name: kind.input_to_swagger() for name, kind in declared["inputs"].items()}
    schema = {"type": "object", "properties": properties,
              "example": {name: kind.sample_json() for name, kind in declared["inputs"].items()}}
    required = [name for name in declared["inputs"] if name not in declared["optional"]]
    if required:
        schema["required"] = required
    return schema


def get_output_schema(function):
    declared = getattr(function, SCHEMA_ATTRIBUTE, None)
    if not declared or declared["output"] is None:
        return {}
    return declared["output"].input_to_swagger()


def get_sample_request(function):
    """The request body the declared samples make (``{"data": [[...]]}``), or None without inputs."""
    declared = getattr(function, SCHEMA_ATTRIBUTE, None)
    if not declared or not declared["inputs"]:
        return None
    return {name: kind.sample_json() for name, kind in declared["inputs"].items()}


def describe(function):
    """What Loom's worker reports when it is ready: None for an undecorated function."""
    declared = getattr(function, SCHEMA_ATTRIBUTE, None)
    if not declared:
        return None
    return {
        "inputs": declared["inputs"],
        "schema": {"input": get_input_schema(function) or None, "output": get_output_schema(function) or None},
        "sample": get_sample_request(function),
    }

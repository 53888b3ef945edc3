"""The ``@input_schema`` and ``@output_schema`` decorators."""

import functools
import inspect

from .errors import converted
from .parameter_types.abstract_parameter_type import AbstractParameterType

SCHEMA_ATTRIBUTE = "__inference_schema__"


def _schema_of(function):
    found = getattr(function, SCHEMA_ATTRIBUTE, None)
    return {"inputs": dict(found["inputs"]), "optional": set(found["optional"]), "output": found["output"]} \
        if found else {"inputs": {}, "optional": set(), "output": None}


def _wrap(function, schema, convert):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        args, kwargs = convert(args, kwargs)
        return function(*args, **kwargs)

    # functools.wraps copied the inner decorator's attribute: replace it with this level's own copy.
    setattr(wrapper, SCHEMA_ATTRIBUTE, schema)
    return wrapper


def input_schema(param_name, param_type, convert_to_provided_type=True, optional=False):
    """Declares that ``param_name`` of the decorated function takes ``param_type``'s kind of value.

    With ``convert_to_provided_type`` (default) the JSON value passed for it is converted (a numpy array
    from nested lists, a DataFrame from records) before the function runs; a value that cannot be converted
    raises ``InputConversionError`` naming the parameter.
    """
    if not isinstance(param_type, AbstractParameterType):
        raise TypeError("input_schema's param_type must be a parameter type (NumpyParameterType, "
                        "PandasParameterType, StandardPythonParameterType), not {}".format(type(param_type).__name__))

    def decorator(function):
        names = list(inspect.signature(function).parameters)
        if param_name not in names and not any(
                p.kind == inspect.Parameter.VAR_KEYWORD for p in inspect.signature(function).parameters.values()):
            raise ValueError('Error, provided param name "{}" is not in the decorated function.'.format(param_name))
        schema = _schema_of(function)
        schema["inputs"] = {param_name: param_type, **schema["inputs"]}
        if optional:
            schema["optional"].add(param_name)

        def convert(args, kwargs):
            if not convert_to_provided_type:
                return args, kwargs
            if param_name in kwargs:
                kwargs = dict(kwargs)
                kwargs[param_name] = converted(param_type, kwargs[param_name], param_name)
            elif param_name in names and names.index(param_name) < len(args):
                position = names.index(param_name)
                args = list(args)
                args[position] = converted(param_type, args[position], param_name)
            return args, kwargs

        return _wrap(function, schema, convert)

    return decorator


def output_schema(output_type):
    """Declares the kind of value the decorated function returns (for the swagger document)."""
    if not isinstance(output_type, AbstractParameterType):
        raise TypeError("output_schema's output_type must be a parameter type, not {}".format(type(output_type).__name__))

    def decorator(function):
        schema = _schema_of(function)
        schema["output"] = output_type
        return _wrap(function, schema, lambda args, kwargs: (args, kwargs))

    return decorator

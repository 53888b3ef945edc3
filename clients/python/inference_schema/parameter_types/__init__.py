"""Parameter types: how a declared input is converted and described."""

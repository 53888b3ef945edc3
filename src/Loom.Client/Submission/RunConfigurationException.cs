namespace Loom.Client.Submission;

/// <summary>
/// A run configuration is wrong: its file can't be read or parsed (the message starts with <c>file:line:col</c>
/// when the place is known), or its values don't make a run (no script and no command, a node count below 1...).
/// </summary>
public sealed class RunConfigurationException(string message) : Exception(message);

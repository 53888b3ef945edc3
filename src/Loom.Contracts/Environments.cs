namespace Loom.Contracts;

/// <summary>Options passed to <c>pip install</c> when an agent builds the environment.</summary>
public sealed record PipOptions(
    string? IndexUrl = null,
    IReadOnlyList<string>? ExtraIndexUrls = null,
    IReadOnlyList<string>? FindLinks = null,
    bool NoIndex = false);

/// <summary>
/// The Python part of an environment: the interpreter a venv is made from (<c>agent</c> means the agent's
/// own interpreter as it is) and the pip requirement lines installed into it. With <see cref="SystemSitePackages"/>
/// the venv also sees the interpreter's installed packages (e.g. Debian's <c>python3-sklearn</c>), so requirements
/// they satisfy install without an index.
/// </summary>
public sealed record PythonSpec(
    string? Interpreter = null,
    IReadOnlyList<string>? Requirements = null,
    PipOptions? PipOptions = null,
    bool SystemSitePackages = false);

/// <summary><c>POST /environments</c>: registers a version (or returns the latest one when its spec is the same).</summary>
public sealed record CreateEnvironmentRequest(
    string? Name,
    string? Description = null,
    Dictionary<string, string>? Tags = null,
    PythonSpec? Python = null,
    string? Image = null,
    Dictionary<string, string>? Variables = null);

/// <summary>One version of an environment; <see cref="Hash"/> is the SHA-256 of its canonical spec.</summary>
public sealed record EnvironmentDto(
    string Name,
    int Version,
    string Hash,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    PythonSpec Python,
    string? Image,
    IReadOnlyDictionary<string, string> Variables,
    DateTimeOffset CreatedTime);

/// <summary>An environment name in a listing, with its latest version.</summary>
public sealed record EnvironmentSummaryDto(string Name, int LatestVersion, string Hash, DateTimeOffset CreatedTime);

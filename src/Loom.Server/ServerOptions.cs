namespace Loom.Server;

/// <summary>
/// How a server starts. Sources, strongest first: command-line options, <c>LOOM_*</c> variables,
/// <c>loom.json</c> in the data folder.
/// </summary>
public sealed class ServerOptions
{
    public const string DefaultUrls = "http://127.0.0.1:8765";

    /// <summary>The data folder (<c>--data</c>, <c>LOOM_DATA</c>); default <c>~/.loom</c>.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>Where to listen (<c>--urls</c>, <c>LOOM_URLS</c>); port 0 picks a free port.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>
    /// The metadata database (<c>--database</c>, <c>LOOM_DATABASE</c>): a PostgreSQL connection string
    /// (<c>Host=…</c> or <c>postgres://…</c>) selects PostgreSQL; anything else is a SQLite file path.
    /// Default: <c>loom.db</c> in the data folder.
    /// </summary>
    public string? Database { get; set; }

    /// <summary>
    /// The interpreter agents of local compute targets use as <c>system</c> (<c>--agent-python</c>, <c>LOOM_AGENT_PYTHON</c>);
    /// default <c>python3</c> on PATH.
    /// </summary>
    public string AgentPython { get; set; } = "python3";

    /// <summary>The command that starts <c>loom</c> for local agents; empty means the program the server runs in (tests set it).</summary>
    public IReadOnlyList<string> AgentCommand { get; set; } = [];

    /// <summary>Further configuration keys (e.g. <c>Execution:LeaseSeconds</c>), over every other source; for embedding and tests.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; set; } = new Dictionary<string, string?>();

    /// <summary>
    /// Set up the demo once the server listens (<c>--demo</c>): the iris sample trained on a local compute target, registered and
    /// deployed behind the endpoint <c>iris-demo</c>, then a ready <c>loom endpoint invoke</c> line. What exists is reused.
    /// </summary>
    public bool Demo { get; set; }

    /// <summary>
    /// Where traces and metrics are exported over OTLP (<c>--otlp-endpoint</c>, <c>LOOM_OTLP_ENDPOINT</c>, else the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>); null, the default, exports nothing.
    /// </summary>
    public Loom.Serving.OtlpTarget? Otlp { get; set; }

    /// <summary>Print the start-up banner (URL and admin token location) to standard output.</summary>
    public bool Banner { get; set; } = true;

    public static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".loom");

    public bool IsPostgres => Database is { } db &&
        (db.Contains("Host=", StringComparison.OrdinalIgnoreCase) || db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
         || db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase));
}

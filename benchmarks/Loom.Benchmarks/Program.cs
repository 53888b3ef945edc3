using Loom.Benchmarks;
using Loom.Server;
using Loom.TestKit;

// `--serve ...` hosts a server for the start-up benchmark when no CLI build exists.
if (args.Length > 0 && args[0] == "--serve")
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    return await LoomServer.RunAsync(args[1..], stop.Token);
}

// The in-process servers log warnings only: a line per created run would slow them and bury the table.
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
var settings = BenchSettings.FromArgs(args.Where(a => a is not ("submission" or "serving" or "studio")).ToArray());
var root = RepositoryRoot();
var table = new ResultTable();
if (args.Contains("submission"))
{
    // The run submission benchmark: its own table.
    using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(20));
    await SubmissionBenchmark.RunAsync(settings, table, limit.Token);
    table.Print($"Loom run submission benchmark ({(settings.Quick ? "--quick" : "full")}), {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    return 0;
}
if (args.Contains("studio"))
{
    // The Studio in Chromium over 100,000 runs and a 1,000,000-point metric: its own table.
    var loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";
    using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(20));
    await StudioBenchmark.RunAsync(settings, table, limit.Token);
    table.Print($"Loom Studio benchmark ({(settings.Quick ? "--quick" : "full")}), {Environment.ProcessorCount} cores, load {loadAverage} at start, "
        + $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    Console.WriteLine(StudioBenchmark.Footnote);
    return 0;
}
if (args.Contains("serving"))
{
    // The online scoring benchmark against Flask + gunicorn: its own table.
    var loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";
    using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(20));
    await ServingBenchmark.RunAsync(settings, table, root, limit.Token);
    table.Print($"Loom online scoring benchmark ({(settings.Quick ? "--quick" : "full")}), {Environment.ProcessorCount} cores, "
        + $"{ServingBenchmark.Workers} Python workers per server, load {loadAverage} at start, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    return 0;
}
using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(settings.Quick ? 10 : 30));
var cancellationToken = deadline.Token;
// Other work on the box skews every figure; the load average at the start is printed with the table.
var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";
Progress.Say($"Loom tracking benchmark ({(settings.Quick ? "quick" : "full")}) on {Environment.ProcessorCount} cores, load average {load}");
var benchmarks = new ProviderBenchmarks(settings, table, root);

using (var scratch = new TempDirectory("loom-raw"))
{
    await benchmarks.RunAsync("SQLite", null, isSqlite: true, (plan, runs, _) =>
        Task.FromResult<IReadOnlyList<(string, double)>>([("prepared INSERT per row (SQLite, WAL, synchronous=FULL)",
            RawSqliteInsert.Run(scratch.Combine("raw.db"), plan, runs))]), cancellationToken);
}

try
{
    await using var postgres = await PostgresServer.StartAsync();
    var loomDatabase = await postgres.CreateDatabaseAsync();
    var rawDatabase = await postgres.CreateDatabaseAsync();
    await benchmarks.RunAsync("PostgreSQL", loomDatabase, isSqlite: false, async (plan, runs, ct) =>
        [
            ($"prepared INSERT per row, {RawPostgresInsert.Pipeline:N0} pipelined per round trip", await RawPostgresInsert.PreparedAsync(rawDatabase, plan, runs, ct)),
            ("binary COPY", await RawPostgresInsert.BinaryCopyAsync(rawDatabase, plan, runs, ct)),
        ], cancellationToken);
}
catch (Exception e) { table.Fail("PostgreSQL", "PostgreSQL server", "", null, e); }

try
{
    var startup = await StartupBenchmark.RunAsync(root, settings.StartRepeats, cancellationToken);
    table.Add("server", "Start to healthy (fresh data folder, SQLite)", startup.MedianMs, "ms", Aim.Below(2_000, "ms"),
        $"median of {settings.StartRepeats}; {startup.Host}");
    table.Add("server", "Idle memory (VmRSS, healthy + 2 s idle)", startup.MedianRssMiB, "MiB", null, "median");
}
catch (Exception e) { table.Fail("server", "Start to healthy", "ms", Aim.Below(2_000, "ms"), e); }

table.Print($"Loom tracking benchmark ({(settings.Quick ? "--quick" : "full")}), {Environment.ProcessorCount} cores, load {load} at start, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine("Ratio: 1.00× or more meets the aim (measured ÷ aim for \"≥\", aim ÷ measured for \"<\"). "
    + "PostgreSQL runs with fsync=off (TestKit's throwaway server); SQLite commits with synchronous=FULL.");
return 0;

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Loom.slnx"))) return dir.FullName;
    throw new InvalidOperationException("Run the benchmark from inside the Loom repository (Loom.slnx not found above the binary).");
}

using System.Diagnostics;
using Npgsql;

namespace Loom.TestKit;

/// <summary>
/// A real PostgreSQL server from Debian's packages, initialised in a temp folder and started on a free
/// loopback port (as the postgres user: initdb refuses root). Each test gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private readonly TempDirectory _folder;
    private int _databases;

    private PostgresServer(TempDirectory folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20";

    public static async Task<PostgresServer> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
            throw new InvalidOperationException($"PostgreSQL is not installed ({BinDirectory}/initdb missing); ./test.sh installs it.");
        var folder = new TempDirectory("loom-pg");
        await Run("chown", "postgres:postgres", folder.Path);
        var data = Path.Combine(folder.Path, "data");
        await RunAsPostgres("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        var port = FreePort.Next();
        await RunAsPostgres("pg_ctl", "-D", data, "-l", Path.Combine(folder.Path, "log.txt"), "-w", "-t", "60",
            "-o", $"-p {port} -k {folder.Path} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c full_page_writes=off", "start");
        return new PostgresServer(folder, port);
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"loom_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..24];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await RunAsPostgres("pg_ctl", "-D", Path.Combine(_folder.Path, "data"), "-m", "immediate", "-w", "stop"); }
        finally { _folder.Dispose(); }
    }

    private static Task RunAsPostgres(string tool, params string[] args) =>
        Run("runuser", ["-u", "postgres", "--", Path.Combine(BinDirectory, tool), .. args]);

    private static async Task Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
    }
}

using Loom.Blobs;
using Loom.Contracts;
using Loom.Core.Compute;
using Loom.Core.Environments;
using Loom.Core.Execution;
using Loom.Core.Hosting;
using Loom.Core.Identity;
using Loom.Core.Registry;
using Loom.Core.Serving;
using Loom.Core.Snapshots;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Loom.Serving;
using Loom.Store;
using Loom.Store.Postgres;
using Loom.Store.Sqlite;
using Loom.Studio;
using Loom.Studio.Session;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scalar.AspNetCore;

namespace Loom.Server;

/// <summary>Composes Loom's features into one web application: read this file as the table of contents.</summary>
public static class LoomServer
{
    /// <summary>Runs the server until <paramref name="cancellationToken"/> fires or the process is stopped; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        ServerOptions options;
        try { options = ServerConfiguration.Read(args); }
        catch (ArgumentException e) { await Console.Error.WriteLineAsync($"error: {e.Message}"); return 2; }
        try
        {
            await using var server = await StartAsync(options, cancellationToken);
            var demo = options.Demo ? StartDemo(server, options) : Task.CompletedTask;
            await server.App.WaitForShutdownAsync(cancellationToken);
            await demo;
            return 0;
        }
        catch (DataFolderInUseException e) { await Console.Error.WriteLineAsync($"error: {e.Message}"); return 1; }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return 0; }
    }

    /// <summary>Builds, prepares and starts a server; dispose the result to stop it.</summary>
    public static Task<RunningServer> StartAsync(ServerOptions options, CancellationToken cancellationToken) =>
        StartAsync(options, configureServices: null, cancellationToken);

    /// <summary>
    /// Builds, prepares and starts a server whose services <paramref name="configureServices"/> may add to or replace after Loom's own
    /// (for embedding, and for tests that stand in for a part such as the deployment host); dispose the result to stop it.
    /// </summary>
    public static async Task<RunningServer> StartAsync(ServerOptions options, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var folderLock = DataFolderLock.Acquire(options.DataDirectory);
        try
        {
            var app = Build(options, configureServices);
            var tokenPath = await FirstStart.EnsureAsync(options.DataDirectory,
                app.Services.GetRequiredService<WorkspaceService>(), app.Services.GetRequiredService<TokenService>(), cancellationToken);
            await app.StartAsync(cancellationToken);
            var url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            if (options.Banner)
                Console.WriteLine($"Loom is listening on {url}\nStudio: {url}/ (sign in with a token)\nData folder: {options.DataDirectory}\nAdmin token: {tokenPath}\nAPI reference: {url}/api/reference");
            return new RunningServer(app, new Uri(url), tokenPath, folderLock);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>Sets the demo up in the background through the server's own API; it ends when the server stops and never takes it down.</summary>
    private static Task StartDemo(RunningServer server, ServerOptions options) => Task.Run(async () =>
    {
        var url = DemoSetup.ClientUrl(server.Url);
        try
        {
            using var client = new Loom.Client.LoomClient(url, server.ReadAdminToken());
            await new DemoSetup(client, options, url, Console.Out).RunAsync(server.App.Lifetime.ApplicationStopping);
        }
        catch (Exception e) when (!server.App.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // A demo that broke in an unforeseen way is reported; the server it runs beside goes on.
            await Console.Error.WriteLineAsync($"demo: could not be set up: {e}");
        }
    });

    private static WebApplication Build(ServerOptions options, Action<IServiceCollection>? configureServices)
    {
        // The Studio's static files are listed in the loom executable's manifests (loom.staticwebassets.*.json), whichever process hosts the server.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = options.DataDirectory, ApplicationName = "loom" });
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.UseUrls(options.Urls);
        builder.Configuration.AddInMemoryCollection(options.Settings);
        // Data protection only warns that its keys live in memory; Loom keeps no state in it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error).AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.AddLoomTelemetry("loom-server", options.Otlp);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => LoomJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<LoomExceptionHandler>();
        services.AddProblemDetails();
        services.AddOptions<MaintenanceOptions>().BindConfiguration("Maintenance");
        services.AddHostedService<MaintenanceService>();
        services.AddOpenApi();
        services.AddLoomStore(OpenDatabase(options));
        services.AddSingleton<IBlobStore>(new FolderBlobStore(Path.Combine(options.DataDirectory, "blobs")));
        services.AddIdentity();
        services.AddWorkspaces();
        services.AddTracking();
        services.AddSnapshots();
        services.AddEnvironments();
        services.AddRegistry();
        services.AddComputes();
        services.AddExecution(o =>
        {
            o.AgentDirectory = Path.Combine(options.DataDirectory, "agents");
            o.AgentPython = options.AgentPython;
            if (options.AgentCommand.Count > 0) o.AgentCommand = [.. options.AgentCommand];
        });
        services.AddSingleton(SecretBox.ForDataFolder(options.DataDirectory));
        services.AddServing();
        services.AddDeploymentHost(options.DataDirectory, o => o.Python = options.AgentPython);
        services.AddStudio(options.DataDirectory);
        configureServices?.Invoke(services);

        var app = builder.Build();
        app.Services.GetRequiredService<LoomDatabase>().MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        app.UseApiProblems();
        app.UseDotSegmentGuard();
        app.UseStudioNotFound();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTokenScopes();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/reference", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
        app.MapHealth();
        app.MapIdentity();
        app.MapWorkspaces();
        app.MapTracking();
        app.MapSnapshots();
        app.MapEnvironments();
        app.MapRegistry();
        app.MapComputes();
        app.MapExecution();
        app.MapServing();
        app.MapStudio();
        return app;
    }

    private static LoomDatabase OpenDatabase(ServerOptions options) => options.IsPostgres
        ? new PostgresDatabase(options.Database!)
        : new SqliteDatabase(options.Database ?? Path.Combine(options.DataDirectory, "loom.db"));
}

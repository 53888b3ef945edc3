using Bunit;
using Loom.Core.Identity;
using Loom.Core.Tracking;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Components.Authorization;
using Loom.Studio.Session;
using Loom.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MudBlazor.Services;
using System.Security.Claims;

namespace Loom.Tests.Studio;

/// <summary>
/// bUnit tests of Studio components over a real server's services (a real store behind them): the component renders in
/// bUnit's renderer, signed in as the admin, and reaches RunService and the rest exactly as it does in the server.
/// </summary>
public abstract class StudioComponentTest : IAsyncLifetime
{
    protected LoomTestServer Server { get; private set; } = default!;
    protected BunitContext Context { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Server = await LoomTestServer.StartAsync();
        Context = new BunitContext();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        // bUnit's own container builds the session; the fallback provider below gives components the server's services directly.
        Context.Services.AddScoped(sp => new StudioSession(sp.GetRequiredService<AuthenticationStateProvider>(), Server.Services.GetRequiredService<WorkspaceService>()));
        var authorization = Context.AddAuthorization();
        authorization.SetAuthorized("admin");
        authorization.SetClaims(new Claim(LoomClaims.Admin, "true"), new Claim(LoomClaims.Workspace, "*"),
            new Claim(LoomClaims.Role, "Owner"), new Claim(LoomClaims.Kind, TokenKinds.User));
        Context.Services.AddFallbackServiceProvider(Server.Services);
    }

    /// <summary>
    /// Gives the components a RunService over a <see cref="HookedRunStore"/> (the server's own store behind it); call it
    /// before the first render.
    /// </summary>
    protected HookedRunStore HookRunStore()
    {
        var store = new HookedRunStore(Server.Services.GetRequiredService<IRunStore>());
        Context.Services.AddSingleton(new RunService(store, Server.Services.GetServices<IRunJobs>(), Server.Services.GetRequiredService<TimeProvider>(),
            Server.Services.GetRequiredService<ILogger<RunService>>()));
        return store;
    }

    /// <summary>Gives the components a MetricService over a <see cref="HookedMetricStore"/>; call it before the first render.</summary>
    protected HookedMetricStore HookMetricStore()
    {
        var store = new HookedMetricStore(Server.Services.GetRequiredService<IMetricStore>());
        Context.Services.AddSingleton(new MetricService(store, Server.Services.GetRequiredService<RunService>(), Server.Services.GetRequiredService<TimeProvider>()));
        return store;
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        await Server.DisposeAsync();
    }
}

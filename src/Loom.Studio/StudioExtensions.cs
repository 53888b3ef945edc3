using Loom.Studio.Components;
using Loom.Studio.Session;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Loom.Studio;

/// <summary>Registers and maps the Studio, Loom's web view, served by <c>loom server</c> at <c>/</c>.</summary>
public static class StudioExtensions
{
    /// <summary>
    /// Adds the Studio's components, its cookie session and the keys that protect it; the keys live in
    /// <paramref name="dataDirectory"/> so that sessions survive a restart.
    /// </summary>
    public static IServiceCollection AddStudio(this IServiceCollection services, string dataDirectory)
    {
        var keys = Directory.CreateDirectory(Path.Combine(dataDirectory, "studio-keys"));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(keys.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        services.AddDataProtection().SetApplicationName("Loom").PersistKeysToFileSystem(keys);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, StudioAuthenticationStateProvider>();
        services.AddMudServices();
        services.AddScoped<StudioSession>();
        StudioAuthentication.Add(services);
        return services;
    }

    /// <summary>Maps the Studio's pages, its session calls and its static files.</summary>
    public static WebApplication MapStudio(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapStudioSession();
        app.MapStudioDownloads();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(StudioAuthentication.Policy);
        app.MapGet("/", () => TypedResults.Redirect("/experiments")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}

namespace Loom.Studio.Components.Pages.Endpoints;

/// <summary>The Studio addresses of endpoints.</summary>
public static class EndpointLinks
{
    public static string Endpoint(string name) => $"/endpoints/{Uri.EscapeDataString(name)}";
}

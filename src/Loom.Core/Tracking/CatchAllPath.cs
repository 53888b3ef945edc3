namespace Loom.Core.Tracking;

/// <summary>
/// Catch-all route values arrive with <c>%2F</c> and friends still escaped; decode them before
/// validation so an encoded <c>..%2F</c> is judged as the <c>../</c> it stands for.
/// </summary>
public static class CatchAllPath
{
    public static string Decode(string path) => Uri.UnescapeDataString(path);
}

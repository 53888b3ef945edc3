using System.Text.RegularExpressions;

namespace Loom.Client.Git;

/// <summary>Remote URLs made safe to record (mirrored by <c>_strip_credentials</c> in <c>loom/_git.py</c>).</summary>
public static partial class GitUrl
{
    /// <summary>
    /// Removes credentials from a URL's authority: all user info for http(s), where a token is often the
    /// user name (<c>https://ghp_x@github.com/...</c>); only the password for other schemes, where the user
    /// is an account name (<c>ssh://git@host/...</c>). Scp-like addresses (<c>git@host:org/repo</c>) and
    /// paths are returned as they are.
    /// </summary>
    public static string StripCredentials(string url)
    {
        var match = UserInfo().Match(url);
        if (!match.Success) return url;
        var scheme = match.Groups["scheme"].Value;
        var user = match.Groups["user"].Value;
        var isHttp = scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("https", StringComparison.OrdinalIgnoreCase);
        var kept = isHttp ? "" : user + "@";
        return scheme + "://" + kept + url[match.Length..];
    }

    // Up to the last '@' before the path: a password may hold an unencoded '@' but never a '/'.
    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?<user>[^/?#:@]*)(?::[^/?#]*)?@")]
    private static partial Regex UserInfo();
}

using System.Net.Sockets;
using System.Text;

namespace Loom.TestKit;

/// <summary>Sends a request byte for byte, for paths that HttpClient would normalise before sending.</summary>
public static class RawHttp
{
    public static async Task<string> SendAsync(Uri server, string method, string target, string token, string body)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        await using var stream = client.GetStream();
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"{method} {target} HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {token}\r\n" +
                   $"Content-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
        await stream.WriteAsync(bytes, timeout.Token);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(timeout.Token);
    }
}

using System.Net;
using System.Text.Json;
using Loom.Contracts;
using Xunit;

namespace Loom.TestKit;

public static class HttpAssert
{
    /// <summary>Asserts the status code, showing the response body when it differs.</summary>
    public static async Task<HttpResponseMessage> Status(HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode != expected)
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    /// <summary>Asserts an RFC 7807 problem with the given status and code, and returns it.</summary>
    public static async Task<ProblemDto> Problem(HttpStatusCode status, string code, HttpResponseMessage response)
    {
        await Status(status, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<ProblemDto>(await response.Content.ReadAsStringAsync(), LoomJson.Options)!;
        Assert.Equal(code, problem.Code);
        Assert.Equal((int)status, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
        return problem;
    }

    public static async Task<T> Json<T>(HttpStatusCode expected, HttpResponseMessage response)
    {
        await Status(expected, response);
        return JsonSerializer.Deserialize<T>(await response.Content.ReadAsStringAsync(), LoomJson.Options)!;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Serving;

/// <summary>
/// The data plane, outside <c>/api</c>: <c>POST /endpoints/{ws}/{name}/score</c>, liveness <c>GET /endpoints/{ws}/{name}/</c> and
/// <c>GET /endpoints/{ws}/{name}/swagger.json</c>. They pass the server's token policy (anonymous) and authenticate callers themselves,
/// by endpoint key or Loom token as the endpoint says.
/// </summary>
public static class ScoringEndpoints
{
    public static IEndpointRouteBuilder MapScoring(this IEndpointRouteBuilder app)
    {
        var scoring = app.MapGroup("/endpoints/{ws}/{name}").AllowAnonymous().ExcludeFromDescription();
        scoring.MapPost("/score", Score).WithName("Score");
        scoring.MapGet("/", Liveness).WithName("Liveness");
        scoring.MapGet("/swagger.json", Swagger).WithName("Swagger");
        return app;
    }

    /// <summary>Writes the script's answer as it returned it (body and content type), or a problem.</summary>
    public static Task Score(HttpContext context, string ws, string name, ScoringService scoring) => scoring.ScoreAsync(context, ws, name);

    public static Task Liveness(HttpContext context, string ws, string name, ScoringService scoring) => scoring.LivenessAsync(context, ws, name);

    public static Task Swagger(HttpContext context, string ws, string name, ScoringService scoring) => scoring.SwaggerAsync(context, ws, name);
}

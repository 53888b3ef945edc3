using System.Text;
using Loom.Client;
using Loom.Client.Submission;
using Loom.Contracts;

namespace Loom.Server;

/// <summary>
/// <c>loom server --demo</c>: once the server listens, sets up the tour through the server's own API with the admin token, as a user
/// would with the CLI: a local compute target <c>cpu</c>, the dependency-free iris trainer run in experiment <c>demo</c> on it, its
/// <c>outputs/model.json</c> registered as <c>iris-demo</c>, the endpoint <c>iris-demo</c> (key auth) with the deployment <c>blue</c> of
/// <c>score_plain.py</c>; when a sample request is answered it prints a ready <c>loom endpoint invoke</c> line and the server's URL. What
/// exists is reused, so a second start only waits for the deployment to serve again. Failures are printed; the server keeps running.
/// </summary>
internal sealed class DemoSetup(LoomClient client, ServerOptions options, Uri server, TextWriter output)
{
    public const string Workspace = "default";
    public const string Compute = "cpu";
    public const string Experiment = "demo";
    public const string Model = "iris-demo";
    public const string Endpoint = "iris-demo";
    public const string Deployment = "blue";
    public const string SampleRequest = """{"data": [[5.1, 3.5, 1.4, 0.2]]}""";

    /// <summary>How long training may take, from submission to the end of the run (a fresh local agent starts first).</summary>
    public static readonly TimeSpan TrainingBound = TimeSpan.FromMinutes(10);

    /// <summary>How long the deployment may take to be proven and answer the sample request.</summary>
    public static readonly TimeSpan ServingBound = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>Sets the demo up, printing each step; returns whether it is ready. Stops quietly when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var samples = DemoSamples.Find() ?? throw new DemoException(
                $"the iris sample is neither next to loom.dll ({Path.Combine(AppContext.BaseDirectory, DemoSamples.Folder)}) nor in a repository around it.");
            await EnsureComputeAsync(cancellationToken);
            var model = await EnsureModelAsync(samples, cancellationToken);
            await EnsureEndpointAsync(cancellationToken);
            await EnsureDeploymentAsync(samples, model, cancellationToken);
            var answer = await WaitUntilAnsweredAsync(cancellationToken);
            Say($"ready: endpoint {Endpoint} answered {SampleRequest} with {answer}. Try it:");
            output.WriteLine($"  {DemoSamples.InvokeLine(options, server, Endpoint, SampleRequest)}");
            output.WriteLine($"  Studio: {server.GetLeftPart(UriPartial.Authority)}/experiments/{Experiment} (sign in with the admin token, "
                + $"{Path.Combine(options.DataDirectory, "admin.token")})");
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is DemoException or LoomApiException or HttpRequestException or IOException or UnauthorizedAccessException
                                      or RunConfigurationException or OperationCanceledException)
        {
            Say($"could not be set up: {(e is LoomApiException api ? $"{api.Detail} ({api.Code})" : e.Message)}");
            return false;
        }
    }

    private async Task EnsureComputeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var existing = await client.Computes.GetAsync(Workspace, Compute, cancellationToken);
            Say($"using compute target {Compute} ({existing.Type})");
        }
        catch (LoomNotFoundException)
        {
            await client.Computes.CreateAsync(Workspace, new CreateComputeRequest(Compute, "local", MaxNodes: 1, Description: "Created by loom server --demo"),
                Guid.NewGuid().ToString("N"), cancellationToken);
            Say($"created the local compute target {Compute} (max 1 node)");
        }
    }

    /// <summary>The latest <c>iris-demo</c> version, or a new one trained and registered from its run.</summary>
    private async Task<ModelDto> EnsureModelAsync(string samples, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await client.Models.GetAsync(Workspace, Model, cancellationToken: cancellationToken);
            Say($"using model {Model}:{existing.Version}");
            return existing;
        }
        catch (LoomNotFoundException)
        {
            // Trained below.
        }
        var configuration = new RunConfiguration
        {
            SourceDirectory = samples,
            Script = DemoSamples.Trainer,
            Experiment = Experiment,
            Compute = Compute,
            Environment = "system",
            MaxDurationSeconds = (int)TrainingBound.TotalSeconds,
            Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["demo"] = "true" },
        };
        var submitted = await new RunSubmitter(client).SubmitAsync(Workspace, configuration, cancellationToken: cancellationToken);
        Say($"training {DemoSamples.Trainer} in experiment {Experiment} on {Compute}: run {submitted.Run.Id}");
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TrainingBound);
        RunDto run;
        try
        {
            while (!(run = await client.Runs.GetAsync(Workspace, submitted.Run.Id, bound.Token)).Status.IsTerminal()) await Task.Delay(Poll, bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DemoException($"run {submitted.Run.Id} did not end within {TrainingBound.TotalMinutes:0} minutes; see loom run logs {submitted.Run.Id}.");
        }
        if (run.Status != RunStatus.Completed)
            throw new DemoException($"run {run.Id} ended {run.Status}; see loom run logs {run.Id}.");
        var model = await client.Models.RegisterFromRunAsync(Workspace, run.Id, "outputs/model.json",
            new RegisterModelRequest(Model, "The iris sample's softmax regression, trained by loom server --demo",
                new Dictionary<string, string>(StringComparer.Ordinal) { ["demo"] = "true" }), Guid.NewGuid().ToString("N"), cancellationToken);
        Say($"registered model {Model}:{model.Version} from run {run.Id}");
        return model;
    }

    private async Task EnsureEndpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.Endpoints.GetAsync(Workspace, Endpoint, cancellationToken);
            Say($"using endpoint {Endpoint}");
        }
        catch (LoomNotFoundException)
        {
            await client.Endpoints.CreateAsync(Workspace, new CreateEndpointRequest(Endpoint, EndpointAuthModes.Key, "The iris demo of loom server --demo"),
                Guid.NewGuid().ToString("N"), cancellationToken);
            Say($"created endpoint {Endpoint} (key auth)");
        }
    }

    private async Task EnsureDeploymentAsync(string samples, ModelDto model, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await client.Endpoints.GetDeploymentAsync(Workspace, Endpoint, Deployment, cancellationToken);
            Say($"using deployment {Endpoint}/{Deployment} ({string.Join(", ", existing.Models)}, {existing.State})");
            return;
        }
        catch (LoomNotFoundException)
        {
            // Deployed below.
        }
        var source = await client.Snapshots.CreateFromFolderAsync(Workspace, samples, cancellationToken: cancellationToken);
        await client.Endpoints.CreateDeploymentAsync(Workspace, Endpoint, new CreateDeploymentRequest(Deployment, [$"{model.Name}:{model.Version}"],
            "system", source.Id, DemoSamples.ScoringScript, WorkersPerReplica: 1, SampleRequest: SampleRequest), Guid.NewGuid().ToString("N"), cancellationToken);
        Say($"deploying {model.Name}:{model.Version} with {DemoSamples.ScoringScript} as {Endpoint}/{Deployment}");
    }

    /// <summary>
    /// Waits until the deployment is proven and then until the endpoint answers the sample request (after a restart the deployment is
    /// proven again in the background, and answers only then); returns the answer.
    /// </summary>
    private async Task<string> WaitUntilAnsweredAsync(CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(ServingBound);
        try
        {
            var deployment = await client.Endpoints.WaitForDeploymentAsync(Workspace, Endpoint, Deployment, Poll, cancellationToken: bound.Token);
            if (deployment.State == DeploymentStates.Failed)
                throw new DemoException($"deployment {Endpoint}/{Deployment} failed: {deployment.Error}\n{deployment.InitLog}".TrimEnd());
            while (true)
            {
                try
                {
                    var answer = await client.Endpoints.InvokeAsync(Workspace, Endpoint, Encoding.UTF8.GetBytes(SampleRequest), cancellationToken: bound.Token);
                    return Encoding.UTF8.GetString(answer.Body);
                }
                catch (LoomApiException e) when (e.Code == ErrorCodes.DeploymentNotReady)
                {
                    await Task.Delay(Poll, bound.Token);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DemoException($"deployment {Endpoint}/{Deployment} did not answer within {ServingBound.TotalMinutes:0} minutes; see loom deployment logs "
                + $"{Deployment} --endpoint {Endpoint}.");
        }
    }

    /// <summary>The server's address as a client on this machine reaches it: one that listens on every interface is reached through loopback.</summary>
    public static Uri ClientUrl(Uri listening) => listening.Host is "0.0.0.0" or "[::]" or "::"
        ? new UriBuilder(listening) { Host = "127.0.0.1" }.Uri
        : listening;

    private void Say(string line) => output.WriteLine($"demo: {line}");

    private sealed class DemoException(string message) : Exception(message);
}

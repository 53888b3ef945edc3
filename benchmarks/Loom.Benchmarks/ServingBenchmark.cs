using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loom.Client.Snapshots;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Benchmarks;

/// <summary>
/// Online scoring against the peer stack on the same machine: the same v1 scoring script (samples/iris/score_plain.py and the
/// model.json that train_plain.py writes) served by a Loom deployment and by Flask under gunicorn (the stack under Azure ML's
/// inference server), each with the same number of Python worker processes, driven by the same closed-loop load generator at
/// several concurrency levels; then a no-code ONNX deployment at concurrency 32.
/// </summary>
public static class ServingBenchmark
{
    private const string Workspace = "default";
    private const string Python = "/usr/bin/python3";

    /// <summary>Python worker processes per server: a Loom replica's workersPerReplica, gunicorn's <c>-w</c>.</summary>
    public const int Workers = 2;

    /// <summary>Concurrency of the ONNX row.</summary>
    public const int OnnxConcurrency = 32;

    /// <summary>
    /// The Flask app gunicorn serves: the shape of Azure ML's inference server (init() once per worker when the worker imports
    /// the app, run() per request with the body as text, a returned object answered as JSON).
    /// </summary>
    private const string FlaskApp = """
        import json

        from flask import Flask, Response, request

        import score_plain as score

        score.init()
        app = Flask(__name__)


        @app.route("/score", methods=["POST"])
        def run():
            result = score.run(request.get_data(as_text=True))
            if isinstance(result, (bytes, str)):
                return Response(result)
            return Response(json.dumps(result), mimetype="application/json")
        """;

    public static async Task RunAsync(BenchSettings settings, ResultTable table, string root, CancellationToken cancellationToken)
    {
        int[] levels = settings.Quick ? [1, 8] : [1, 8, 32];
        var duration = TimeSpan.FromSeconds(settings.Quick ? 3 : 10);
        var warmUp = TimeSpan.FromSeconds(settings.Quick ? 1 : 3);
        using var work = new TempDirectory("loom-bench-serving");
        var sample = File.ReadAllBytes(Path.Combine(root, "samples", "iris", "sample-request.json"));

        // The model and the scoring script: train_plain.py once, score_plain.py alone in the source folder both servers load.
        var source = work.Combine("source");
        Directory.CreateDirectory(source);
        File.Copy(Path.Combine(root, "samples", "iris", "score_plain.py"), Path.Combine(source, "score_plain.py"));
        var train = work.Combine("train");
        Directory.CreateDirectory(train);
        File.Copy(Path.Combine(root, "samples", "iris", "train_plain.py"), Path.Combine(train, "train_plain.py"));
        Progress.Say("Training samples/iris/train_plain.py for outputs/model.json");
        await RunPythonAsync(train, ["train_plain.py"], new() { ["PYTHONPATH"] = Path.Combine(root, "clients", "python") }, cancellationToken);
        var modelDir = Path.Combine(train, "outputs");
        File.Copy(Path.Combine(root, "samples", "iris", "sample-request.json"), Path.Combine(work.Path, "sample-request.json"));
        // What the script itself answers for the sample (its __main__ prints run()'s list, which is JSON for a list of ints).
        var expected = Normalize(Encoding.UTF8.GetBytes((await RunPythonAsync(source,
            ["-c", $"import score_plain as s; s.init(); print(__import__('json').dumps(s.run(open({JsonSerializer.Serialize(Path.Combine(work.Path, "sample-request.json"))}).read())))"],
            new() { ["AZUREML_MODEL_DIR"] = modelDir }, cancellationToken)).Trim().Split('\n')[^1]));

        await using var server = await LoomTestServer.StartAsync();
        using var load = new LoadGenerator();
        LoadTarget? loom = null, peer = null;
        Process? gunicorn = null;
        var peerLog = new ConcurrentQueue<string>();
        try
        {
            try
            {
                loom = await DeployScriptAsync(server, source, modelDir, sample, work, cancellationToken);
                await CheckAnswerAsync(load, loom, expected, "Loom", cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                loom = null;
                table.Fail("Loom", "Deploy score_plain.py and check its answer", "requests/s", null, e);
            }
            try
            {
                (gunicorn, peer) = await StartGunicornAsync(work, source, modelDir, sample, load, peerLog, cancellationToken);
                await CheckAnswerAsync(load, peer, expected, "gunicorn", cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                peer = null;
                table.Fail("gunicorn", "Start Flask + gunicorn and check its answer", "requests/s", null,
                    new InvalidOperationException($"{Progress.Short(e)} {string.Join(" | ", peerLog.TakeLast(5))}"));
            }

            // Level by level, Loom then the peer, so drift on the box touches both alike.
            foreach (var concurrency in levels)
            {
                var loomResult = loom is null ? null : await MeasureAsync(table, "Loom", load, loom, concurrency, warmUp, duration, cancellationToken);
                var peerResult = peer is null ? null : await MeasureAsync(table, "gunicorn", load, peer, concurrency, warmUp, duration, cancellationToken);
                if (loomResult is null || peerResult is null) continue;
                var lower = loomResult.P99Ms < peerResult.P99Ms;
                table.Add("Loom ÷ gunicorn", $"Requests/s ratio, concurrency {concurrency}", loomResult.RequestsPerSecond / peerResult.RequestsPerSecond, "×",
                    Aim.AtLeastOf(2, "×"), $"{loomResult.RequestsPerSecond:N0} ÷ {peerResult.RequestsPerSecond:N0} requests/s");
                table.Add("Loom ÷ gunicorn", $"p99 latency, gunicorn ÷ Loom, concurrency {concurrency}", peerResult.P99Ms / loomResult.P99Ms, "×",
                    Aim.AtLeastOf(1, "×"), $"p99 {loomResult.P99Ms:F2} ms (Loom) vs {peerResult.P99Ms:F2} ms (gunicorn): Loom's is {(lower ? "lower" : "NOT lower")}");
            }
        }
        finally
        {
            if (gunicorn is not null)
            {
                try { gunicorn.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await gunicorn.WaitForExitAsync(CancellationToken.None);
                gunicorn.Dispose();
            }
        }

        try { await OnnxAsync(server, table, load, warmUp, duration, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException) { table.Fail("Loom ONNX", $"No-code ONNX, concurrency {OnnxConcurrency}", "requests/s", Aim.AtLeastOf(20_000, "requests/s"), e); }
    }

    /// <summary>Registers the model, uploads the source folder, creates a key endpoint and a deployment of <see cref="Workers"/> workers, and waits for it.</summary>
    private static async Task<LoadTarget> DeployScriptAsync(LoomTestServer server, string source, string modelDir, byte[] sample, TempDirectory work,
        CancellationToken cancellationToken)
    {
        var client = server.Client;
        var options = new SnapshotUploadOptions { CacheFolder = work.Combine("hashcache") };
        var model = await client.Models.RegisterFromPathAsync(Workspace, Path.Combine(modelDir, "model.json"), new RegisterModelRequest("iris-plain"), options,
            cancellationToken);
        var snapshot = await client.Snapshots.CreateFromFolderAsync(Workspace, source, options, cancellationToken);
        var endpoint = await client.Endpoints.CreateAsync(Workspace, new CreateEndpointRequest("iris", EndpointAuthModes.Key), cancellationToken: cancellationToken);
        // One replica (no scaling out), and room to queue every concurrent request as gunicorn's listen backlog does (the default,
        // 4 per worker, answers 503 overloaded beyond it).
        await client.Endpoints.CreateDeploymentAsync(Workspace, "iris", new CreateDeploymentRequest("blue", [$"{model.Name}:{model.Version}"],
            SnapshotId: snapshot.Id, EntryScript: "score_plain.py", MinReplicas: 1, MaxReplicas: 1, WorkersPerReplica: Workers,
            MaxConcurrentRequestsPerReplica: 64, SampleRequest: Encoding.UTF8.GetString(sample)), cancellationToken: cancellationToken);
        var deployment = await WaitAsync(server, "iris", "blue", cancellationToken);
        if (deployment.State != DeploymentStates.Succeeded) throw new InvalidOperationException($"deployment {deployment.State}: {deployment.Error} {deployment.InitLog}");
        var key = (await client.Endpoints.GetKeysAsync(Workspace, "iris", cancellationToken)).PrimaryKey;
        Progress.Say($"Loom deployment blue Succeeded: {deployment.Replicas} replica of {deployment.WorkersPerReplica} workers at {endpoint.ScoringUri}");
        return new LoadTarget(new Uri(endpoint.ScoringUri), sample, key);
    }

    private static async Task<DeploymentDto> WaitAsync(LoomTestServer server, string endpoint, string deployment, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        return await server.Client.Endpoints.WaitForDeploymentAsync(Workspace, endpoint, deployment, TimeSpan.FromMilliseconds(100), cancellationToken: limit.Token);
    }

    /// <summary>Starts <c>python3 -m gunicorn -w W app:app</c> in its own folder and waits until every worker has run init() and it answers.</summary>
    private static async Task<(Process, LoadTarget)> StartGunicornAsync(TempDirectory work, string source, string modelDir, byte[] sample, LoadGenerator load,
        ConcurrentQueue<string> log, CancellationToken cancellationToken)
    {
        var folder = work.Combine("peer");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "app.py"), FlaskApp + "\n");
        var port = FreePort.Next();
        var start = new ProcessStartInfo(Python) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-m", "gunicorn", "-w", Workers.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", $"127.0.0.1:{port}", "app:app" })
            start.ArgumentList.Add(a);
        start.Environment["PYTHONPATH"] = source;
        start.Environment["AZUREML_MODEL_DIR"] = modelDir;
        // As Loom's workers run: prints reach the log at once (here: the init() line each worker prints, awaited below).
        start.Environment["PYTHONUNBUFFERED"] = "1";
        var initialized = 0;
        var process = new Process { StartInfo = start };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null) return;
            log.Enqueue(e.Data);
            while (log.Count > 200 && log.TryDequeue(out string? _)) { }
            if (e.Data.Contains("loaded the softmax regression", StringComparison.Ordinal)) Interlocked.Increment(ref initialized);
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var target = new LoadTarget(new Uri($"http://127.0.0.1:{port}/score"), sample, null);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        try
        {
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"gunicorn exited with {process.ExitCode}");
                if (DateTime.UtcNow > deadline) throw new TimeoutException("gunicorn did not answer within 30 s");
                if (Volatile.Read(ref initialized) >= Workers)
                {
                    try
                    {
                        if ((await load.SendAsync(target, cancellationToken)).Status == 200) break;
                    }
                    catch (HttpRequestException) { }
                }
                await Task.Delay(100, cancellationToken);
            }
        }
        catch
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.Dispose();
            throw;
        }
        Progress.Say($"gunicorn {Workers} sync workers (Flask) at {target.Uri}, pid {process.Id}");
        return (process, target);
    }

    private static async Task CheckAnswerAsync(LoadGenerator load, LoadTarget target, string expected, string name, CancellationToken cancellationToken,
        string expectedFrom = "the script itself")
    {
        var (status, body) = await load.SendAsync(target, cancellationToken);
        if (status != 200) throw new InvalidOperationException($"{name} answered the sample request with {status}: {Encoding.UTF8.GetString(body)}");
        var answer = Normalize(body);
        if (answer != expected) throw new InvalidOperationException($"{name} answered {answer}; {expectedFrom} answers {expected}");
        Progress.Say($"{name} answers the sample request with {answer}, as {expectedFrom} does");
    }

    /// <summary>A warm-up run (not kept), then the measured run; a row with its p50/p99, failed when any answer was not 2xx.</summary>
    private static async Task<LoadResult?> MeasureAsync(ResultTable table, string provider, LoadGenerator load, LoadTarget target, int concurrency,
        TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken, Aim? aim = null, string measure = "Score the iris sample")
    {
        var name = $"{measure}, concurrency {concurrency}";
        try
        {
            await load.RunAsync(target, concurrency, warmUp, cancellationToken);
            var result = await load.RunAsync(target, concurrency, duration, cancellationToken);
            if (result.Errors > 0)
                throw new InvalidOperationException($"{result.Errors:N0} of {result.Requests:N0} requests not 2xx (first: {result.FirstError})");
            table.Add(provider, name, result.RequestsPerSecond, "requests/s", aim,
                $"p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms, max {result.MaxMs:F1} ms; {result.Requests:N0} requests in {result.Seconds:F1} s, 0 errors; "
                + $"GCs {result.CollectionsText}");
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            table.Fail(provider, name, "requests/s", aim, e);
            return null;
        }
    }

    /// <summary>A tiny ONNX model deployed with no entry script (served in-process by ONNX Runtime), at concurrency <see cref="OnnxConcurrency"/>.</summary>
    private static async Task OnnxAsync(LoomTestServer server, ResultTable table, LoadGenerator load, TimeSpan warmUp, TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var client = server.Client;
        var bytes = OnnxModelBuilder.LinearModel();
        var blob = await client.Snapshots.UploadBlobAsync(Workspace, Convert.ToHexStringLower(SHA256.HashData(bytes)), new MemoryStream(bytes), cancellationToken);
        var model = await client.Models.RegisterAsync(Workspace, new RegisterModelRequest("linear", Files: [new SnapshotEntryDto("model.onnx", bytes.Length, 420, blob.Sha256)]),
            cancellationToken: cancellationToken);
        var endpoint = await client.Endpoints.CreateAsync(Workspace, new CreateEndpointRequest("linear", EndpointAuthModes.Key), cancellationToken: cancellationToken);
        await client.Endpoints.CreateDeploymentAsync(Workspace, "linear", new CreateDeploymentRequest("onnx", [$"{model.Name}:{model.Version}"],
            MinReplicas: 1, MaxReplicas: 1, MaxConcurrentRequestsPerReplica: 256), cancellationToken: cancellationToken);
        var deployment = await WaitAsync(server, "linear", "onnx", cancellationToken);
        if (deployment.State != DeploymentStates.Succeeded) throw new InvalidOperationException($"deployment {deployment.State}: {deployment.Error} {deployment.InitLog}");
        var key = (await client.Endpoints.GetKeysAsync(Workspace, "linear", cancellationToken)).PrimaryKey;
        var target = new LoadTarget(new Uri(endpoint.ScoringUri), """{"data": [[1, 2, 3]]}"""u8.ToArray(), key);
        await CheckAnswerAsync(load, target, Normalize("""{"Y":[[4.5,4.5]]}"""u8.ToArray()), "Loom ONNX", cancellationToken, "Y = XW + B by hand");
        var result = await MeasureAsync(table, "Loom ONNX", load, target, OnnxConcurrency, warmUp, duration, cancellationToken,
            Aim.AtLeastOf(20_000, "requests/s"), "No-code ONNX, Y = XW + B, one row");
        if (result is not null)
            table.Add("Loom ONNX", $"No-code ONNX p99 latency, concurrency {OnnxConcurrency}", result.P99Ms, "ms", Aim.Below(5, "ms"), $"p50 {result.P50Ms:F2} ms");
    }

    /// <summary>JSON re-written compactly, so answers that differ only in spacing compare equal.</summary>
    private static string Normalize(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement);
        }
        catch (JsonException) { return Encoding.UTF8.GetString(json); }
    }

    /// <summary>Runs Debian's python3 in <paramref name="folder"/> and returns its standard output; a non-zero exit throws with its error output.</summary>
    private static async Task<string> RunPythonAsync(string folder, string[] arguments, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Python) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"python3 {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        return await output;
    }
}

using System.Collections;
using Loom.Agent.Environments;
using Loom.Core.Serving;
using Loom.Serving.Onnx;
using Loom.Serving.Workers;

namespace Loom.Serving;

public sealed partial class DeploymentHost
{
    public async Task<DeploymentProof> StartAsync(DeploymentPlan plan, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var key = new DeploymentKey(plan.WorkspaceId, plan.Endpoint, plan.Deployment);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
        var ct = linked.Token;
        DeploymentSlot slot;
        while (true)
        {
            slot = slots.GetOrAdd(key, k => new DeploymentSlot(k, options.LogLines));
            await slot.Updates.WaitAsync(ct);
            if (!slot.Removed) break;
            // Stopped (and taken out) while this start waited: the next turn makes a fresh slot.
            slot.Updates.Release();
        }
        try
        {
            slot.Write($"loom: preparing generation {plan.Generation}");
            var folder = GenerationPath(slot, plan.Generation);
            ServingGeneration generation;
            string? swagger = null;
            DeploymentProof proof;
            try
            {
                var prepared = await PrepareAsync(plan, slot, folder, ct);
                if (prepared.Failure is { } failure)
                {
                    RemoveFolder(folder);
                    return Failed(slot, plan, failure);
                }
                generation = prepared.Generation!;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                RemoveFolder(folder);
                return Failed(slot, plan, new DeploymentProof(false, $"The generation could not be prepared: {e.Message}", e.Message, null));
            }
            try
            {
                if (generation is WorkerPool pool)
                {
                    var servingReplicas = slot.Serving is WorkerPool serving ? serving.ReplicaCount : 0;
                    (proof, var schema) = await pool.ProveAsync(servingReplicas, ct);
                    swagger = SwaggerDocument.Build(plan.Endpoint, plan.Deployment, schema);
                }
                else
                {
                    var onnx = (OnnxGeneration)generation;
                    proof = onnx.Prove();
                    swagger = SwaggerDocument.Build(plan.Endpoint, plan.Deployment, onnx.Schema());
                }
            }
            catch
            {
                await generation.DisposeAsync();
                RemoveFolder(folder);
                throw;
            }
            if (proof.Succeeded && Volatile.Read(ref disposed) != 0)
            {
                // The host stopped while this generation proved itself: it must not outlive it.
                await generation.DisposeAsync();
                RemoveFolder(folder);
                throw new OperationCanceledException("The deployment host is stopping.");
            }
            if (!proof.Succeeded)
            {
                await generation.DisposeAsync();
                RemoveFolder(folder);
                return Failed(slot, plan, proof);
            }
            if (slot.Swap(generation, swagger) is { } previous)
            {
                slot.Write($"loom: generation {plan.Generation} serves; generation {previous.Generation} drains");
                _ = RetireAsync(slot, previous);
            }
            else
            {
                slot.Write($"loom: generation {plan.Generation} serves");
            }
            HostLog.Serving(logger, key.ToString(), plan.Generation, plan.MinReplicas, plan.WorkersPerReplica);
            return proof;
        }
        finally
        {
            slot.Updates.Release();
        }
    }

    private DeploymentProof Failed(DeploymentSlot slot, DeploymentPlan plan, DeploymentProof proof)
    {
        slot.Write($"loom: generation {plan.Generation} failed: {proof.Error}");
        HostLog.ProofFailed(logger, slot.Key.ToString(), plan.Generation, proof.Error ?? "");
        return proof;
    }

    /// <summary>
    /// <c>DATA/serving/&lt;workspaceId&gt;/&lt;endpoint&gt;/&lt;deployment&gt;/&lt;generation&gt;/</c>; what an earlier server left
    /// for the deployment is removed first, and a generation number already serving gets a fresh folder beside it.
    /// </summary>
    private string GenerationPath(DeploymentSlot slot, int generation)
    {
        var root = Path.Combine(ServingDirectory, slot.Key.WorkspaceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var deploymentFolder = GenerationFolder.Inside(root, $"{slot.Key.Endpoint}/{slot.Key.Deployment}");
        if (!slot.Cleared)
        {
            RemoveFolder(deploymentFolder);
            slot.Cleared = true;
        }
        var folder = Path.Combine(deploymentFolder, generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return slot.Serving?.Folder == folder || slot.Draining(folder) ? $"{folder}-{Guid.NewGuid():N}" : folder;
    }

    private async Task<(ServingGeneration? Generation, DeploymentProof? Failure)> PrepareAsync(DeploymentPlan plan, DeploymentSlot slot, string folder,
        CancellationToken cancellationToken)
    {
        await GenerationFolder.PrepareAsync(plan, folder, blobs, cancellationToken);
        if (plan.EntryScript is null) return LoadOnnx(plan, folder, options.MaxTensorElements);

        var source = GenerationFolder.Source(folder);
        string entry;
        try
        {
            entry = GenerationFolder.Inside(source, plan.EntryScript);
        }
        catch (InvalidDataException)
        {
            return (null, Refused($"The entry script '{plan.EntryScript}' is not a path inside the source folder."));
        }
        if (!File.Exists(entry)) return (null, Refused($"The entry script '{plan.EntryScript}' is not in the source folder."));
        var bundled = options.ResolvedBundledPython;
        if (!File.Exists(Path.Combine(bundled, "loom", "_serving", "worker.py")))
            return (null, Refused($"The bundled Python worker is missing from {bundled} (loom/_serving/worker.py)."));

        var lines = new LineSink(slot.Write);
        PreparedEnvironment environment;
        try
        {
            environment = await environments.PrepareAsync(plan.Environment, lines.Write, cancellationToken);
        }
        catch (EnvironmentBuildException e)
        {
            lines.Flush();
            return (null, new DeploymentProof(false, $"The environment {plan.Environment.Name}:{plan.Environment.Version} could not be built: {e.Message}",
                e.Message, null));
        }
        lines.Flush();
        var launch = new WorkerLaunch(environment.Python, source, WorkerEnvironment(plan, environment, folder, entry, bundled), options.StopGrace,
            options.MaxResponseBytes);
        slot.Write($"loom: starting {plan.MinReplicas} x {plan.WorkersPerReplica} workers with {environment.Python}");
        return (new WorkerPool(plan, folder, launch, options, time, slot.Write, logger), null);
    }

    /// <summary>A no-code deployment: its one <c>.onnx</c> model file served in-process.</summary>
    private static (ServingGeneration?, DeploymentProof?) LoadOnnx(DeploymentPlan plan, string folder, long maxElements)
    {
        var files = plan.Models.SelectMany(m => m.Files.Where(f => f.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)).Select(f => (Model: m, File: f)))
            .ToList();
        if (files.Count != 1)
        {
            return (null, Refused($"A deployment without an entry script serves one ONNX model file (*.onnx); its models hold {files.Count}. "
                + "Give an entry script (score.py with init() and run(raw_data)) to serve anything else."));
        }
        var (model, file) = files[0];
        var models = GenerationFolder.Models(folder);
        var path = plan.Models.Count == 1
            ? GenerationFolder.Inside(models, file.Path)
            : GenerationFolder.Inside(models, $"{model.Name}/{model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{file.Path}");
        try
        {
            return (OnnxGeneration.Load(plan, folder, path, maxElements), null);
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or DllNotFoundException or TypeInitializationException)
        {
            return (null, Refused($"ONNX Runtime could not load {model.Name}:{model.Version} {file.Path}: {e.Message}"));
        }
    }

    private static DeploymentProof Refused(string error) => new(false, error, error, null);

    /// <summary>
    /// The worker's variables: the server's own minus its secrets (every <c>LOOM_*</c>), the environment's and the
    /// deployment's variables, then the serving ones (model folder, entry script, bundled packages on PYTHONPATH).
    /// </summary>
    private Dictionary<string, string?> WorkerEnvironment(DeploymentPlan plan, PreparedEnvironment environment, string folder, string entry,
        string bundled)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry inherited in Environment.GetEnvironmentVariables())
        {
            if (inherited.Key is string name && name.StartsWith("LOOM_", StringComparison.Ordinal)) variables[name] = null;
        }
        foreach (var (name, value) in plan.Environment.Variables) variables[name] = value;
        foreach (var (name, value) in plan.Variables) variables[name] = value;
        var source = GenerationFolder.Source(folder);
        var models = GenerationFolder.Models(folder);
        var userPath = variables.TryGetValue("PYTHONPATH", out var given) ? given : Environment.GetEnvironmentVariable("PYTHONPATH");
        variables["PYTHONPATH"] = string.Join(':', new[] { bundled, source, userPath }.Where(p => !string.IsNullOrEmpty(p)));
        variables["PYTHONUNBUFFERED"] = "1";
        variables["AZUREML_MODEL_DIR"] = models;
        variables["LOOM_MODEL_DIR"] = models;
        variables["LOOM_ENTRY_SCRIPT"] = entry;
        variables["AZUREML_ENTRY_SCRIPT"] = plan.EntryScript;
        variables["AZUREML_SOURCE_DIRECTORY"] = source;
        variables["LOOM_WORKSPACE"] = plan.Workspace;
        variables["LOOM_ENDPOINT"] = plan.Endpoint;
        variables["LOOM_DEPLOYMENT"] = plan.Deployment;
        variables["LOOM_MAX_RESPONSE_BYTES"] = options.MaxResponseBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (environment.VenvDirectory is { } venv)
        {
            variables["VIRTUAL_ENV"] = venv;
            var path = variables.TryGetValue("PATH", out var userBin) ? userBin : Environment.GetEnvironmentVariable("PATH");
            variables["PATH"] = string.IsNullOrEmpty(path) ? Path.Combine(venv, "bin") : $"{Path.Combine(venv, "bin")}:{path}";
            variables["PYTHONHOME"] = null;
        }
        return variables;
    }
}

using System.Runtime.InteropServices;

namespace Loom.Cli.Commands;

/// <summary>
/// Runs a long-lived command until SIGTERM or Ctrl+C and lets stopping take as long as it needs. System.CommandLine's own handler
/// returns its exit code 2 s after a signal and so ends the process with Main, cutting a graceful stop short; here a foreground
/// thread keeps the process alive until the work has stopped and exits with its code. <c>loom agent</c> and <c>loom serve</c> run this way.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class UntilSignaled
{
    private static readonly TimeSpan SignalWait = TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="work"/> with a token that fires on SIGTERM, SIGINT or <paramref name="cancellationToken"/>.</summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> work, string name, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signaled = new ManualResetEventSlim();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            signaled.Set();
            stop.Cancel();
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        var running = work(stop.Token);
        var keeper = new Thread(() =>
        {
            try
            {
                running.Wait();
            }
            catch (AggregateException)
            {
                // The awaiting caller reports the failure.
            }
            // Handlers of one signal run one after another: ours may come after System.CommandLine's.
            if (signaled.IsSet || (cancellationToken.IsCancellationRequested && signaled.Wait(SignalWait)))
                Environment.Exit(running.IsCompletedSuccessfully ? running.Result : ExitCodes.Failed);
        })
        { IsBackground = false, Name = $"{name}-shutdown" };
        keeper.Start();
        return await running;
    }
}

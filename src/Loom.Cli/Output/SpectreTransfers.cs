using Spectre.Console;

namespace Loom.Cli.Output;

/// <summary>One Spectre progress bar per transfer.</summary>
internal sealed class SpectreTransfers(ProgressContext context) : ITransferReporter
{
    public ITransfer Start(string description, long? totalBytes)
    {
        var task = context.AddTask(Markup.Escape(description), autoStart: true, maxValue: Math.Max(1, totalBytes ?? 1));
        task.IsIndeterminate = totalBytes is null;
        return new Transfer(task);
    }

    private sealed class Transfer(ProgressTask task) : ITransfer
    {
        public void Report(long bytes, long? totalBytes)
        {
            if (totalBytes is { } total && total > 0)
            {
                task.IsIndeterminate = false;
                task.MaxValue = total;
            }
            task.Value = bytes;
        }

        public void Complete()
        {
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }
}

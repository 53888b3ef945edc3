namespace Loom.Cli.Output;

/// <summary>One transfer's progress line; reports may come from any thread.</summary>
public interface ITransfer
{
    void Report(long bytes, long? totalBytes);

    void Complete();
}

using Loom.Studio.Components.Shared;

namespace Loom.Tests.Studio;

/// <summary>The rule every Studio page loads by: the latest load wins, the ones before it are cancelled.</summary>
public sealed class LatestLoadTests
{
    [Fact]
    public void A_new_load_cancels_the_one_before_and_only_the_latest_is_current()
    {
        using var loads = new LatestLoad();
        Assert.Equal(CancellationToken.None, loads.Token);
        var first = loads.Start();
        Assert.True(loads.IsCurrent(first));
        var second = loads.Start();
        Assert.True(first.IsCancellationRequested);
        Assert.False(loads.IsCurrent(first));
        Assert.True(loads.IsCurrent(second));
        Assert.Equal(second, loads.Token);
        Assert.False(loads.IsCurrent(CancellationToken.None));
    }

    [Fact]
    public void Disposing_cancels_the_latest_load_and_any_started_after()
    {
        var loads = new LatestLoad();
        var load = loads.Start();
        loads.Dispose();
        Assert.True(load.IsCancellationRequested);
        Assert.False(loads.IsCurrent(load));
        var late = loads.Start();
        Assert.True(late.IsCancellationRequested);
        Assert.False(loads.IsCurrent(late));
    }
}

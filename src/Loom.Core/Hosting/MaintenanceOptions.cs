namespace Loom.Core.Hosting;

public sealed class MaintenanceOptions
{
    /// <summary>How long a retried request is still recognised by its Idempotency-Key. Default: 24 hours.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often housekeeping runs. Default: every 10 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);
}

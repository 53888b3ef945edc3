namespace Loom.Core.Serving;

/// <summary>
/// An endpoint's requests from <see cref="From"/> to <see cref="To"/> in buckets of <see cref="BucketSize"/>, oldest first, for charts.
/// <see cref="Truncated"/> says the window held more requests than a query reads, so its oldest buckets are incomplete.
/// </summary>
public sealed record EndpointSeries(DateTimeOffset From, DateTimeOffset To, TimeSpan BucketSize, IReadOnlyList<EndpointSeriesBucket> Buckets, bool Truncated);

/// <summary>
/// One bucket of an <see cref="EndpointSeries"/>: its requests, the failed ones (status 400 or more) and the latency percentiles in
/// milliseconds, null when it had no requests.
/// </summary>
public sealed record EndpointSeriesBucket(DateTimeOffset Start, long Requests, long Errors, double? P50, double? P95, double? P99);

namespace Loom.Contracts;

/// <summary>One page of a listing; <see cref="NextPageToken"/> is null on the last page.</summary>
public sealed record ListResult<T>(IReadOnlyList<T> Value, string? NextPageToken = null);

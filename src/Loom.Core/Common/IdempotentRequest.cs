namespace Loom.Core.Common;

/// <summary>An Idempotency-Key with the hash of the request it came with.</summary>
public sealed record IdempotentRequest(string Key, string RequestHash);

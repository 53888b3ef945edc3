namespace Loom.Contracts;

public sealed record HealthDto(string Status);

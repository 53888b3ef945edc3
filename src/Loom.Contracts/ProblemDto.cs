namespace Loom.Contracts;

/// <summary>An RFC 7807 problem as the API returns it.</summary>
public sealed record ProblemDto(string? Type, string? Title, int? Status, string? Detail, string? Code);

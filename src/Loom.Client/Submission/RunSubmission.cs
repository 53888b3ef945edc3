using Loom.Client.Snapshots;
using Loom.Contracts;

namespace Loom.Client.Submission;

/// <summary>A submitted run as the server answered (status Queued) and what snapshotting its source folder did.</summary>
public sealed record RunSubmission(RunDto Run, SnapshotResult Snapshot);

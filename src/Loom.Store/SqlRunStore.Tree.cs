using Loom.Core.Tracking;

namespace Loom.Store;

public sealed partial class SqlRunStore
{
    public async Task<RunTree?> ListTreeAsync(long workspaceId, string runId, int max, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var top = await c.First<TreeLink>(null, "SELECT seq, parent_seq, root_id FROM runs WHERE workspace_id = @workspaceId AND id = @runId",
            new { workspaceId, runId }, cancellationToken);
        if (top is null) return null;
        // Every run of a tree carries its root's id: one indexed read of the tree's links finds the runs below this one at
        // any depth, where asking each run for its children would cost a query per run.
        var links = await c.Query<TreeLink>(null, "SELECT seq, parent_seq, root_id FROM runs WHERE workspace_id = @workspaceId AND root_id = @RootId",
            new { workspaceId, top.RootId }, cancellationToken);
        var children = links.Where(l => l.ParentSeq is not null).OrderBy(l => l.Seq).ToLookup(l => l.ParentSeq!.Value, l => l.Seq);
        var below = new List<long>();
        var next = new Stack<long>(children[top.Seq].Reverse());
        while (next.TryPop(out var seq))
        {
            below.Add(seq);
            foreach (var child in children[seq].Reverse()) next.Push(child);
        }
        var seqs = below.Take(max).ToArray();
        if (seqs.Length == 0) return new RunTree([], below.Count);
        var rows = await c.Query<RunRows.RunRow>(null, $"SELECT {RunRows.Columns} FROM {RunRows.From} WHERE {db.Dialect.AnyOf("r.seq", "@seqs")}",
            new { seqs }, cancellationToken);
        var bySeq = (await RunRows.LoadAsync(db.Dialect, c, null, rows, cancellationToken)).Zip(rows).ToDictionary(p => p.Second.Seq, p => p.First);
        return new RunTree(seqs.Select(s => bySeq[s]).ToList(), below.Count);
    }

    private sealed class TreeLink
    {
        public long Seq { get; set; }
        public long? ParentSeq { get; set; }
        public string RootId { get; set; } = "";
    }
}

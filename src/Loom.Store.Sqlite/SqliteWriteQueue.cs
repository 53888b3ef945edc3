using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Loom.Store.Sqlite;

/// <summary>
/// Group commit for SQLite's single writer: writes that arrive while one commits are run together in
/// the next transaction, each inside its own savepoint, and share its one durable commit. A write that
/// throws rolls back to its savepoint and fails alone; every caller is answered only after the commit.
/// </summary>
internal sealed class SqliteWriteQueue : IAsyncDisposable
{
    private const int MaxGroup = 64;
    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<CancellationToken, Task<SqliteConnection>> _openWriter;
    private readonly Task _loop;

    public SqliteWriteQueue(Func<CancellationToken, Task<SqliteConnection>> openWriter)
    {
        _openWriter = openWriter;
        _loop = Task.Run(RunAsync);
    }

    public Task<T> EnqueueAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var write = new Write<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(SqliteWriteQueue));
        return write.Task;
    }

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        var group = new List<IWrite>(MaxGroup);
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                group.Clear();
                while (group.Count < MaxGroup && _queue.Reader.TryRead(out var next))
                    if (!next.CancelIfRequested()) group.Add(next);
                if (group.Count == 0) continue;
                try
                {
                    connection ??= await _openWriter(CancellationToken.None);
                    await RunGroupAsync(connection, group);
                }
                catch (Exception e)
                {
                    // The transaction itself failed (begin or commit): none of the group was stored.
                    foreach (var write in group) write.Fail(e);
                    if (connection is not null) { await connection.DisposeAsync(); connection = null; }
                }
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    private static async Task RunGroupAsync(SqliteConnection connection, List<IWrite> group)
    {
        var done = new List<IWrite>(group.Count);
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            foreach (var write in group)
            {
                if (group.Count > 1) await transaction.SaveAsync("w");
                try
                {
                    await write.RunAsync(connection, transaction);
                    if (group.Count > 1) await transaction.ReleaseAsync("w");
                    done.Add(write);
                }
                catch (Exception e)
                {
                    if (group.Count > 1) await transaction.RollbackAsync("w");
                    else await transaction.RollbackAsync();
                    write.Fail(e);
                }
            }
            if (done.Count > 0) await transaction.CommitAsync();
        }
        foreach (var write in done) write.Complete();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private interface IWrite
    {
        Task RunAsync(DbConnection connection, DbTransaction transaction);
        bool CancelIfRequested();
        void Complete();
        void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) : IWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public async Task RunAsync(DbConnection connection, DbTransaction transaction) => _result = await work(connection, transaction);

        public bool CancelIfRequested()
        {
            if (!cancellationToken.IsCancellationRequested) return false;
            _completion.TrySetCanceled(cancellationToken);
            return true;
        }

        public void Complete() => _completion.TrySetResult(_result);
        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}

using System.Collections.Concurrent;

namespace DhtRpc.Storage;

/// <summary>
/// Where a storage node's store work runs. Queued, it is one writer thread behind a bounded queue, so
/// a slow disk never holds up the node's receive path (PINGs, routing): a request that finds the queue
/// full is answered BUSY instead of waiting. Inline, the work runs on the caller, as simulations need
/// to stay deterministic on their one loop.
/// </summary>
internal sealed class StoreQueue : IDisposable
{
    private readonly ConcurrentQueue<Action> _work = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly Thread? _writer;
    private readonly int _capacity;
    private int _queued;
    private volatile bool _stopping;

    private StoreQueue(int capacity, bool queued)
    {
        _capacity = capacity;
        if (queued)
        {
            // Below the receive and context threads: on a busy machine, answering PINGs and routing comes
            // before writing (a full queue answers BUSY rather than letting the disk work starve them).
            _writer = new Thread(Drain) { IsBackground = true, Name = "dht store writer", Priority = ThreadPriority.BelowNormal };
            _writer.Start();
        }
    }

    /// <summary>True when work runs on a writer thread of its own.</summary>
    public bool IsQueued => _writer is not null;

    /// <summary>Requests waiting (not counting internal work).</summary>
    public int Waiting => Volatile.Read(ref _queued);

    public static StoreQueue Inline() => new(0, queued: false);

    public static StoreQueue Queued(int capacity) => new(capacity, queued: true);

    /// <summary>Runs or queues a request's work; false when the queue is full (the caller answers BUSY).</summary>
    public bool TryRun(Action work)
    {
        if (_writer is null)
        {
            work();
            return true;
        }

        if (Interlocked.Increment(ref _queued) > _capacity || _stopping)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }

        _work.Enqueue(() =>
        {
            Interlocked.Decrement(ref _queued);
            work();
        });
        _ready.Release();
        return true;
    }

    /// <summary>Runs the node's own work (republishing, expiry) in turn with requests; never refused for a full queue.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        if (_writer is null)
        {
            return Task.FromResult(work());
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_stopping)
        {
            done.SetException(new ObjectDisposedException(nameof(StoreQueue)));
            return done.Task;
        }

        _work.Enqueue(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        _ready.Release();
        return done.Task;
    }

    /// <summary>Runs what is queued, then stops the writer.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        if (_writer is not null)
        {
            _ready.Release();
            _writer.Join();
        }

        _ready.Dispose();
    }

    private void Drain()
    {
        while (true)
        {
            _ready.Wait();
            while (_work.TryDequeue(out var work))
            {
                work(); // each item catches its own failures and answers its request
            }

            if (_stopping && _work.IsEmpty)
            {
                return;
            }
        }
    }
}

using System.Collections.Concurrent;

namespace DhtRpc.Simulation;

/// <summary>
/// A synchronization context that runs nothing by itself: posted callbacks wait in a FIFO queue until
/// <see cref="RunPending"/> runs them on the caller's thread. Every simulated node shares one loop, so all
/// node code and every await continuation runs on the simulation thread, one callback at a time.
/// </summary>
/// <remarks>
/// <see cref="Post"/> is thread-safe so a stray continuation from the thread pool cannot corrupt the queue;
/// everything else belongs to the simulation thread.
/// </remarks>
public sealed class SimulationLoop : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly object _signal = new();
    private int _waiting;
    private int _pumpThread;

    /// <summary>Callbacks waiting to run.</summary>
    public int PendingCount => _queue.Count;

    /// <summary>True when code runs inside this loop on the current thread.</summary>
    public bool IsCurrent => Current == this;

    /// <summary>Queues <paramref name="d"/> to run when the loop is pumped, in posting order.</summary>
    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        _queue.Enqueue((d, state));
        if (Volatile.Read(ref _waiting) != 0)
        {
            lock (_signal)
            {
                Monitor.PulseAll(_signal);
            }
        }
    }

    /// <summary>Runs the callback inline when the loop is current on this thread; otherwise throws.</summary>
    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (!IsCurrent)
        {
            // Blocking another thread on the simulation would deadlock it: nobody pumps the loop meanwhile.
            throw new InvalidOperationException("SimulationLoop.Send is only allowed on the simulation thread; use Post.");
        }

        d(state);
    }

    /// <summary>The loop itself: there is one per simulation.</summary>
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>
    /// Runs queued callbacks, including those posted meanwhile, until the queue is empty, with this loop
    /// as <see cref="SynchronizationContext.Current"/>. Returns how many ran. A callback's exception
    /// propagates to the caller; the callbacks behind it stay queued for the next call.
    /// </summary>
    public int RunPending()
    {
        var me = Environment.CurrentManagedThreadId;
        var owner = Interlocked.CompareExchange(ref _pumpThread, me, 0);
        if (owner != 0 && owner != me)
        {
            throw new InvalidOperationException("The simulation loop is already being run by another thread.");
        }

        var previous = Current;
        SetSynchronizationContext(this);
        var count = 0;
        try
        {
            while (_queue.TryDequeue(out var item))
            {
                count++;
                item.Callback(item.State);
            }

            return count;
        }
        finally
        {
            SetSynchronizationContext(previous);
            if (owner == 0)
            {
                Volatile.Write(ref _pumpThread, 0);
            }
        }
    }

    /// <summary>
    /// Blocks up to <paramref name="timeout"/> of wall-clock time for a callback to be posted from another
    /// thread. Only for telling a real deadlock from a late thread-pool continuation.
    /// </summary>
    public bool WaitForPost(TimeSpan timeout)
    {
        lock (_signal)
        {
            Interlocked.Exchange(ref _waiting, 1);
            try
            {
                return !_queue.IsEmpty || (Monitor.Wait(_signal, timeout) && !_queue.IsEmpty);
            }
            finally
            {
                Interlocked.Exchange(ref _waiting, 0);
            }
        }
    }
}

using System.Collections.Concurrent;

namespace DhtRpc.Threading;

/// <summary>
/// Runs posted work one item at a time, in order, on the thread pool: the node's state is only ever
/// touched from inside this context, so it needs no locks. Awaits inside node code resume here too.
/// </summary>
public sealed class SerialSynchronizationContext : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly Action<Exception>? _onError;
    private int _scheduled;

    public SerialSynchronizationContext(Action<Exception>? onError = null)
    {
        _onError = onError;
    }

    /// <summary>True when the calling code is running inside this context.</summary>
    public bool IsCurrent => Current == this;

    public override void Post(SendOrPostCallback d, object? state)
    {
        _queue.Enqueue((d, state));
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (IsCurrent)
        {
            d(state);
            return;
        }

        using var done = new ManualResetEventSlim();
        Exception? error = null;
        Post(
            _ =>
            {
                try
                {
                    d(state);
                }
                catch (Exception e)
                {
                    error = e;
                }
                finally
                {
                    done.Set();
                }
            },
            null);
        done.Wait();
        if (error is not null)
        {
            throw new AggregateException(error);
        }
    }

    public override SynchronizationContext CreateCopy() => this;

    private void Drain()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            while (true)
            {
                while (_queue.TryDequeue(out var item))
                {
                    try
                    {
                        item.Callback(item.State);
                    }
                    catch (Exception e) when (_onError is not null)
                    {
                        _onError(e);
                    }
                }

                Volatile.Write(ref _scheduled, 0);
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}

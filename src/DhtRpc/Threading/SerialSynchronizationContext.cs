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

    /// <summary>A callback over bytes that are only valid during the call.</summary>
    public delegate void SpanCallback<TState>(TState state, ReadOnlySpan<byte> data);

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

    /// <summary>
    /// Runs <paramref name="callback"/> right here, as this context, if no other thread is running it:
    /// a socket's receive loop answers without a copy or a thread hop. Returns false when busy (then
    /// the caller copies the bytes and posts). Work queued meanwhile runs before returning.
    /// </summary>
    public bool TryRunInline<TState>(SpanCallback<TState> callback, TState state, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
        {
            return false;
        }

        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            callback(state, data);
        }
        catch (Exception e) when (_onError is not null)
        {
            _onError(e);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }

        Drain();
        return true;
    }

    /// <summary>Runs queued work until the queue is empty, then releases the context (the caller holds it).</summary>
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

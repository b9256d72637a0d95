using System.Collections.Concurrent;
using System.Diagnostics;

namespace DhtRpc.Threading;

/// <summary>
/// Runs posted work one item at a time, in order, on the thread pool: the node's state is only ever
/// touched from inside this context, so it needs no locks. Awaits inside node code resume here too.
/// </summary>
public sealed class SerialSynchronizationContext : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _queue = new();
    /// <summary>Longest a receive thread waits for a busy context before it copies and posts instead.</summary>
    /// <summary>Items a pool thread runs between chances to hand the context to a receive thread (see <see cref="Drain"/>).</summary>
    private const int PoolBatch = 64;

    private static readonly long MaxInlineWaitTicks = Stopwatch.Frequency / 20_000; // 50 µs

    private readonly Action<Exception>? _onError;
    private int _scheduled;
    private int _holderIsSlow; // a brief wait already timed out against the current holder
    private int _inlineMissed; // a thread that wanted to run inline found the context busy

    /// <summary>A context whose unhandled errors go to <paramref name="onError"/>; without one they escape to the thread pool.</summary>
    public SerialSynchronizationContext(Action<Exception>? onError = null)
    {
        _onError = onError;
    }

    /// <summary>A callback over bytes that are only valid during the call.</summary>
    internal delegate void SpanCallback<TState>(TState state, ReadOnlySpan<byte> data);

    /// <summary>True when the calling code is running inside this context.</summary>
    public bool IsCurrent => Current == this;

    /// <inheritdoc/>
    public override void Post(SendOrPostCallback d, object? state)
    {
        _queue.Enqueue((d, state));
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(PoolBatch), this, preferLocal: false);
        }
    }

    /// <inheritdoc/>
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

    /// <summary>Returns this instance: the context is one queue.</summary>
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>
    /// Runs <paramref name="callback"/> right here, as this context, if no other thread is running it:
    /// a socket's receive loop answers without a copy or a thread hop. Returns false when busy (then
    /// the caller copies the bytes and posts). Work queued meanwhile runs before returning.
    /// </summary>
    /// <param name="callback">The work; it sees the bytes only during the call.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <param name="data">The bytes <paramref name="callback"/> works on.</param>
    /// <param name="waitBriefly">
    /// When busy, wait up to 50 µs (spinning, then yielding the core) for the holder to finish before
    /// giving up. A receive thread that posts instead hands the holder a stream of copies, so that other
    /// thread stays busy and the receive thread keeps failing; waiting lets the work come back to it.
    /// Once a wait times out, later calls do not wait until the context has been released.
    /// </param>
    internal bool TryRunInline<TState>(SpanCallback<TState> callback, TState state, ReadOnlySpan<byte> data, bool waitBriefly = false)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (!TryAcquire(waitBriefly))
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

        Drain(int.MaxValue);
        return true;
    }

    private bool TryAcquire(bool waitBriefly)
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            return true;
        }

        if (!waitBriefly || Volatile.Read(ref _holderIsSlow) != 0)
        {
            Volatile.Write(ref _inlineMissed, 1);
            return false;
        }

        var spinner = default(SpinWait);
        var deadline = Stopwatch.GetTimestamp() + MaxInlineWaitTicks;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            {
                return true;
            }
        }

        Volatile.Write(ref _holderIsSlow, 1);
        Volatile.Write(ref _inlineMissed, 1);
        return false;
    }

    /// <summary>
    /// Runs queued work until the queue is empty, then releases the context (the caller holds it).
    /// Every <paramref name="limit"/> items, when a thread failed to run inline meanwhile, it releases
    /// the context for a moment and hands it over if that thread takes it: a receive thread that
    /// found the context busy posts its datagrams here, and without the handover the pool would keep
    /// taking them, answering each with a send of its own instead of the receive loop's batched ones
    /// (throughput halved, for as long as the flood lasted).
    /// </summary>
    private void Drain(int limit)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            var done = 0;
            while (true)
            {
                while (done < limit && _queue.TryDequeue(out var item))
                {
                    done++;
                    try
                    {
                        item.Callback(item.State);
                    }
                    catch (Exception e) when (_onError is not null)
                    {
                        _onError(e);
                    }
                }

                Volatile.Write(ref _holderIsSlow, 0);
                Volatile.Write(ref _scheduled, 0);
                if (_queue.IsEmpty)
                {
                    return;
                }

                if (done >= limit && Interlocked.Exchange(ref _inlineMissed, 0) == 1 && HandedOver())
                {
                    return;
                }

                if (Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
                {
                    return;
                }

                done = 0;
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    /// <summary>Waits up to 50 µs, the context released, for another thread to take it; true when one did.</summary>
    private bool HandedOver()
    {
        var spinner = default(SpinWait);
        var deadline = Stopwatch.GetTimestamp() + MaxInlineWaitTicks;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Volatile.Read(ref _scheduled) != 0)
            {
                return true;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return false;
    }
}

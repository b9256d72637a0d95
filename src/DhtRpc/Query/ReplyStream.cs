using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace DhtRpc.Query;

/// <summary>
/// A single-consumer queue of items with an end (or an error). Unlike a Channel's ReadAllAsync, waits
/// resume on the reader's own context, so a simulation that reads a query stays on its loop.
/// </summary>
internal sealed class ReplyStream<T>
{
    private readonly Queue<T> _items = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource? _waiter;
    private bool _ended;
    private Exception? _error;

    public void Write(T item)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _items.Enqueue(item);
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    public void Complete(Exception? error)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _error = error;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var (hasItem, item, wait) = TryTake();
            if (hasItem)
            {
                yield return item!;
                continue;
            }

            if (wait is null)
            {
                yield break;
            }

            // Not wait.WaitAsync(token): its continuation would run on the thread pool before the
            // reader's context got it back, a hop that lets a simulation's clock run ahead of the
            // reply under load. A cancelled token wakes the reader here instead.
            using (cancellationToken.Register(static s => ((ReplyStream<T>)s!).WakeReader(), this))
            {
                await wait.ConfigureAwait(true);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void WakeReader()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    private (bool HasItem, T? Item, Task? Wait) TryTake()
    {
        lock (_gate)
        {
            if (_items.TryDequeue(out var item))
            {
                return (true, item, null);
            }

            if (_ended)
            {
                if (_error is not null)
                {
                    ExceptionDispatchInfo.Throw(_error);
                }

                return (false, default, null);
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (false, default, _waiter.Task);
        }
    }
}

namespace DhtRpc.Threading;

/// <summary>
/// The node's serial context and the ways onto it: post, run now when already there, or run and
/// report the outcome to a caller on any thread. Continuations run on the caller's context.
/// </summary>
internal sealed class NodeContext
{
    private readonly SynchronizationContext _context;

    public NodeContext(SynchronizationContext context)
    {
        _context = context;
    }

    /// <summary>The context itself (a <see cref="SerialSynchronizationContext"/> unless the options gave another).</summary>
    public SynchronizationContext Context => _context;

    public bool IsCurrent => SynchronizationContext.Current == _context;

    public void Post(Action action) => _context.Post(static s => ((Action)s!)(), action);

    /// <summary>Runs <paramref name="action"/> now if on the context, else posts it.</summary>
    public void Run(Action action)
    {
        if (IsCurrent)
        {
            action();
        }
        else
        {
            Post(action);
        }
    }

    public Task RunAsync(Action action) => RunAsync(() =>
    {
        action();
        return true;
    });

    public Task<T> RunAsync<T>(Func<T> func)
    {
        if (IsCurrent)
        {
            return Task.FromResult(func());
        }

        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                tcs.SetResult(func());
            }
            catch (Exception e)
            {
                tcs.SetException(e);
            }
        });
        return tcs.Task;
    }

    public Task RunAsync(Func<Task> func)
    {
        if (IsCurrent)
        {
            return func();
        }

        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => _ = CompleteFromAsync(func, tcs));
        return tcs.Task;
    }

    private static async Task CompleteFromAsync(Func<Task> func, TaskCompletionSource tcs)
    {
        try
        {
            await func().ConfigureAwait(true);
            tcs.SetResult();
        }
        catch (Exception e)
        {
            tcs.SetException(e);
        }
    }
}

namespace DhtRpc.Simulation;

/// <summary>
/// Runs a whole simulated network on the calling thread: one <see cref="VirtualClock"/>, one
/// <see cref="SimulationLoop"/> shared by every node, and one <see cref="SimulatedNetwork"/> on top of them.
/// Nothing moves on its own: <see cref="Run"/>, <see cref="RunUntilIdle"/> and <see cref="Advance"/> pump the
/// loop and fire timers in virtual time, so thousands of nodes run deterministically and no test waits on
/// the wall clock.
/// </summary>
/// <remarks>
/// Give each node <see cref="Clock"/>, <see cref="Network"/> and <see cref="Loop"/>. While the host pumps,
/// <see cref="Loop"/> is the current synchronization context, so timer callbacks and awaits land on it.
/// </remarks>
public sealed class SimulationHost
{
    /// <summary>Virtual time <see cref="Run"/> waits for when no timeout is given.</summary>
    public static readonly TimeSpan DefaultRunTimeout = TimeSpan.FromHours(1);

    // Wall-clock grace before calling a stuck run a deadlock, for continuations arriving from other threads.
    private static readonly TimeSpan StrayWorkGrace = TimeSpan.FromMilliseconds(50);

    /// <summary>A clock starting at <paramref name="start"/> (or <see cref="VirtualClock.DefaultStart"/>), a loop and a network with <paramref name="options"/>.</summary>
    public SimulationHost(SimulatedNetworkOptions? options = null, DateTimeOffset? start = null)
    {
        Clock = new VirtualClock(start ?? VirtualClock.DefaultStart);
        Loop = new SimulationLoop();
        Network = new SimulatedNetwork(Clock, Loop, options);
    }

    /// <summary>The virtual time every node of the host reads.</summary>
    public VirtualClock Clock { get; }

    /// <summary>The one context every node of the host runs on.</summary>
    public SimulationLoop Loop { get; }

    /// <summary>The in-memory network the nodes send through.</summary>
    public SimulatedNetwork Network { get; }

    /// <summary>The current virtual time.</summary>
    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>
    /// Runs callbacks and fires timers due within <paramref name="maxVirtualTime"/> from now, until nothing
    /// is left or only later timers remain. The clock stays at the last timer fired (it is not moved to the
    /// limit); use <see cref="Advance"/> to move by an exact amount.
    /// </summary>
    public void RunUntilIdle(TimeSpan maxVirtualTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVirtualTime, TimeSpan.Zero);
        using var scope = new LoopScope(Loop);
        PumpUntil(Deadline(maxVirtualTime));
    }

    /// <summary>
    /// Moves virtual time forward by exactly <paramref name="delta"/>, firing due timers one at a time in
    /// order and running the loop after each.
    /// </summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        using var scope = new LoopScope(Loop);
        var target = Deadline(delta);
        PumpUntil(target);
        Clock.Advance(target - Clock.GetUtcNow());
        Loop.RunPending();
    }

    /// <summary>
    /// Calls <paramref name="action"/> on the loop and pumps until its task completes; returns its result or
    /// throws its exception (the first one, unwrapped). Throws <see cref="TimeoutException"/> when more than
    /// <paramref name="timeout"/> (default one hour, <see cref="Timeout.InfiniteTimeSpan"/> for none) of
    /// virtual time would pass, and <see cref="InvalidOperationException"/> when the task waits on
    /// something that can never happen (no callbacks queued, no timers armed).
    /// </summary>
    public T Run<T>(Func<Task<T>> action, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var scope = new LoopScope(Loop);
        var task = RunToCompletion(action, timeout);
#pragma warning disable VSTHRD002 // The task has completed; this only unwraps its result or exception.
        return task.GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
    }

    /// <inheritdoc cref="Run{T}"/>
    public void Run(Func<Task> action, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var scope = new LoopScope(Loop);
        var task = RunToCompletion(action, timeout);
#pragma warning disable VSTHRD002 // The task has completed; this only rethrows its exception, if any.
        task.GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
    }

    /// <summary>A task completed by a virtual timer after <paramref name="delay"/>; await it inside Run.</summary>
    public Task DelayAsync(TimeSpan delay) => Task.Delay(delay, Clock);

    /// <inheritdoc cref="DelayAsync(TimeSpan)"/>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, Clock, cancellationToken);

    private TTask RunToCompletion<TTask>(Func<TTask> action, TimeSpan? timeout)
        where TTask : Task
    {
        var limit = timeout ?? DefaultRunTimeout;
        if (limit != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, TimeSpan.Zero, nameof(timeout));
        }

        var deadline = limit == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : Deadline(limit);
        var task = action() ?? throw new InvalidOperationException("The action returned a null task.");
        while (!task.IsCompleted)
        {
            if (Loop.RunPending() > 0 || task.IsCompleted)
            {
                continue;
            }

            if (Clock.TryGetNextDue(out var due))
            {
                if (due > deadline)
                {
                    Clock.Advance(deadline - Clock.GetUtcNow());
                    throw new TimeoutException(
                        $"The simulated operation did not complete within {limit} of virtual time " +
                        $"(now {Clock.GetUtcNow():O}; next timer due {due:O}).");
                }

                Clock.FireNext();
                continue;
            }

            // Nothing can move the task forward from here except a continuation from another thread.
            if (!Loop.WaitForPost(StrayWorkGrace) && !task.IsCompleted)
            {
                throw new InvalidOperationException(
                    $"deadlock: the simulated operation is still waiting at {Clock.GetUtcNow():O}, " +
                    "but no callbacks are queued and no timers are armed.");
            }
        }

        return task;
    }

    private void PumpUntil(DateTimeOffset limit)
    {
        while (true)
        {
            Loop.RunPending();
            if (!Clock.TryGetNextDue(out var due) || due > limit)
            {
                return;
            }

            Clock.FireNext();
        }
    }

    private DateTimeOffset Deadline(TimeSpan span)
    {
        var now = Clock.GetUtcNow();
        return span >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + span;
    }

    /// <summary>Makes the loop current on this thread for the duration of a pump, then restores.</summary>
    private readonly struct LoopScope : IDisposable
    {
        private readonly SynchronizationContext? _previous;

        public LoopScope(SimulationLoop loop)
        {
            _previous = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(loop);
        }

        public void Dispose() => SynchronizationContext.SetSynchronizationContext(_previous);
    }
}

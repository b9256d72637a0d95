namespace DhtRpc.Simulation.Tests;

public class SimulationHostTests
{
    [Fact]
    public void Run_completes_an_async_method_in_virtual_time_exactly()
    {
        var host = new SimulationHost();

        var elapsed = host.Run(async () =>
        {
            var started = host.Clock.GetTimestamp();
            await host.DelayAsync(TimeSpan.FromMilliseconds(1500));
            await Task.WhenAll(host.DelayAsync(TimeSpan.FromMilliseconds(250)), host.DelayAsync(TimeSpan.FromMilliseconds(100)));
            return host.Clock.GetElapsedTime(started);
        });

        Assert.Equal(TimeSpan.FromMilliseconds(1750), elapsed);
        Assert.Equal(VirtualClock.DefaultStart.AddMilliseconds(1750), host.Now);
    }

    [Fact]
    public void Continuations_run_on_the_loop_and_on_the_calling_thread()
    {
        var host = new SimulationHost();
        var thread = Environment.CurrentManagedThreadId;

        var (context, threadAfterAwait) = host.Run(async () =>
        {
            await host.DelayAsync(TimeSpan.FromSeconds(1));
            return (SynchronizationContext.Current, Environment.CurrentManagedThreadId);
        });

        Assert.Same(host.Loop, context);
        Assert.Equal(thread, threadAfterAwait);
    }

    [Fact]
    public void Run_restores_the_previous_synchronization_context()
    {
        var host = new SimulationHost();
        var outer = new SynchronizationContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(outer);
        try
        {
            host.Run(() => host.DelayAsync(TimeSpan.FromSeconds(1)));
            Assert.Same(outer, SynchronizationContext.Current);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [Fact]
    public void Run_detects_a_deadlock()
    {
        var host = new SimulationHost();
        var never = new TaskCompletionSource();

        var error = Assert.Throws<InvalidOperationException>(() => host.Run(async () =>
        {
            await host.DelayAsync(TimeSpan.FromSeconds(1));
#pragma warning disable VSTHRD003 // Waiting on something nobody will ever complete is the point.
            await never.Task;
#pragma warning restore VSTHRD003
        }));

        Assert.StartsWith("deadlock", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), host.Clock.Elapsed);
    }

    [Fact]
    public void Run_times_out_in_virtual_time()
    {
        var host = new SimulationHost();

        var error = Assert.Throws<TimeoutException>(() => host.Run(() => host.DelayAsync(TimeSpan.FromHours(2))));

        Assert.Contains("01:00:00", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(1), host.Clock.Elapsed);
        Assert.Throws<TimeoutException>(() => host.Run(() => host.DelayAsync(TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(9)));
    }

    [Fact]
    public void Run_rethrows_the_task_exception_unwrapped()
    {
        var host = new SimulationHost();

        var error = Assert.Throws<FormatException>(() => host.Run(async () =>
        {
            await host.DelayAsync(TimeSpan.FromSeconds(1));
            throw new FormatException("bad");
        }));

        Assert.Equal("bad", error.Message);
    }

    [Fact]
    public void Run_returns_already_completed_results_without_moving_time()
    {
        var host = new SimulationHost();

        Assert.Equal(42, host.Run(() => Task.FromResult(42)));
        Assert.Equal(TimeSpan.Zero, host.Clock.Elapsed);
    }

    [Fact]
    public void Advance_moves_exactly_and_runs_the_loop_after_each_timer()
    {
        var host = new SimulationHost();
        var log = new List<string>();
        using var timer = host.Clock.CreateTimer(
            _ =>
            {
                var at = host.Clock.Elapsed.TotalSeconds;
                Assert.Same(host.Loop, SynchronizationContext.Current);
                host.Loop.Post(_ => log.Add($"posted@{at}"), null);
            },
            null,
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(2));

        host.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(["posted@1", "posted@3"], log);
        Assert.Equal(TimeSpan.FromSeconds(4), host.Clock.Elapsed);
    }

    [Fact]
    public void RunUntilIdle_stops_when_nothing_is_left()
    {
        var host = new SimulationHost();
        var done = 0;
        var tasks = new List<Task>();
        host.Loop.Post(
            _ =>
            {
                for (var i = 1; i <= 3; i++)
                {
                    tasks.Add(WaitThenCount(TimeSpan.FromSeconds(i * 5)));
                }
            },
            null);

        async Task WaitThenCount(TimeSpan delay)
        {
            await host.DelayAsync(delay);
            done++;
        }

        host.RunUntilIdle(TimeSpan.FromMinutes(1));

        Assert.Equal(3, done);
        Assert.All(tasks, task => Assert.True(task.IsCompletedSuccessfully));
        Assert.Equal(TimeSpan.FromSeconds(15), host.Clock.Elapsed);
    }

    [Fact]
    public void RunUntilIdle_leaves_timers_beyond_the_limit()
    {
        var host = new SimulationHost();
        var ticks = 0;
        using var timer = host.Clock.CreateTimer(_ => ticks++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        host.RunUntilIdle(TimeSpan.FromSeconds(10));

        Assert.Equal(10, ticks);
        Assert.Equal(1, host.Clock.PendingTimers);
    }
}

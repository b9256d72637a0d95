namespace DhtRpc.Simulation.Tests;

public class VirtualClockTests
{
    [Fact]
    public void Starts_at_the_given_instant_and_reports_utc()
    {
        var start = new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.FromHours(2));
        var clock = new VirtualClock(start);

        Assert.Equal(start, clock.GetUtcNow());
        Assert.Equal(TimeSpan.Zero, clock.GetUtcNow().Offset);
        Assert.Equal(TimeZoneInfo.Utc, clock.LocalTimeZone);
        Assert.Equal(VirtualClock.DefaultStart, new VirtualClock().GetUtcNow());
    }

    [Fact]
    public void Timestamps_follow_virtual_time()
    {
        var clock = new VirtualClock();
        var before = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromMilliseconds(1234));

        Assert.Equal(TimeSpan.FromMilliseconds(1234), clock.GetElapsedTime(before));
        Assert.Equal(VirtualClock.DefaultStart.AddMilliseconds(1234), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromMilliseconds(1234), clock.Elapsed);
    }

    [Fact]
    public void Timers_fire_in_due_order_and_ties_in_scheduling_order()
    {
        var clock = new VirtualClock();
        var fired = new List<string>();
        using var c = clock.CreateTimer(_ => fired.Add("c@3"), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var a = clock.CreateTimer(_ => fired.Add("a@1"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var b1 = clock.CreateTimer(_ => fired.Add("b1@2"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var b2 = clock.CreateTimer(_ => fired.Add("b2@2"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var b3 = clock.CreateTimer(_ => fired.Add("b3@2"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["a@1", "b1@2", "b2@2", "b3@2", "c@3"], fired);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public void Callbacks_see_their_own_due_time_and_advance_ends_at_the_target()
    {
        var clock = new VirtualClock();
        var seen = new List<TimeSpan>();
        using var t1 = clock.CreateTimer(_ => seen.Add(clock.Elapsed), null, TimeSpan.FromMilliseconds(250), Timeout.InfiniteTimeSpan);
        using var t2 = clock.CreateTimer(_ => seen.Add(clock.Elapsed), null, TimeSpan.FromMilliseconds(900), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal([TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(900)], seen);
        Assert.Equal(TimeSpan.FromSeconds(2), clock.Elapsed);
    }

    [Fact]
    public void Advance_fires_timers_scheduled_by_callbacks_within_the_window_only()
    {
        var clock = new VirtualClock();
        var fired = new List<TimeSpan>();
        ITimer? inner = null;
        using var outer = clock.CreateTimer(
            _ => inner = clock.CreateTimer(_ => fired.Add(clock.Elapsed), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan),
            null,
            TimeSpan.FromSeconds(1),
            Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Empty(fired);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal([TimeSpan.FromSeconds(2)], fired);
        inner!.Dispose();
    }

    [Fact]
    public void FireNext_moves_to_the_earliest_timer_and_fires_only_it()
    {
        var clock = new VirtualClock();
        var fired = new List<int>();
        using var a = clock.CreateTimer(_ => fired.Add(1), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        using var b = clock.CreateTimer(_ => fired.Add(2), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        Assert.True(clock.TryGetNextDue(out var due));
        Assert.Equal(VirtualClock.DefaultStart.AddSeconds(5), due);
        Assert.True(clock.FireNext());
        Assert.Equal([1], fired);
        Assert.Equal(TimeSpan.FromSeconds(5), clock.Elapsed);
        Assert.True(clock.FireNext());
        Assert.False(clock.FireNext());
        Assert.False(clock.TryGetNextDue(out _));
        Assert.Equal([1, 2], fired);
    }

    [Fact]
    public void Change_reschedules_and_dispose_cancels()
    {
        var clock = new VirtualClock();
        var fired = new List<string>();
        var moved = clock.CreateTimer(_ => fired.Add("moved"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var disabled = clock.CreateTimer(_ => fired.Add("disabled"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var disposed = clock.CreateTimer(_ => fired.Add("disposed"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        Assert.Equal(3, clock.PendingTimers);

        Assert.True(moved.Change(TimeSpan.FromSeconds(4), Timeout.InfiniteTimeSpan));
        Assert.True(disabled.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        disposed.Dispose();
        Assert.False(disposed.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
        Assert.Equal(1, clock.PendingTimers);

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(fired);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["moved"], fired);
        moved.Dispose();
        disabled.Dispose();
    }

    [Fact]
    public async Task DisposeAsync_cancels()
    {
        var clock = new VirtualClock();
        var fired = false;
        var timer = clock.CreateTimer(_ => fired = true, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        await timer.DisposeAsync();
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.False(fired);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public void Periodic_timers_rearm_until_disposed()
    {
        var clock = new VirtualClock();
        var ticks = new List<TimeSpan>();
        var timer = clock.CreateTimer(_ => ticks.Add(clock.Elapsed), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal([1, 3, 5, 7], ticks.Select(t => (int)t.TotalSeconds));
        Assert.Equal(1, clock.PendingTimers);

        timer.Dispose();
        clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(4, ticks.Count);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public void A_periodic_timer_can_stop_itself_from_its_callback()
    {
        var clock = new VirtualClock();
        var count = 0;
        ITimer? timer = null;
        timer = clock.CreateTimer(
            _ =>
            {
                if (++count == 3)
                {
                    timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            },
            null,
            TimeSpan.Zero,
            TimeSpan.FromSeconds(1));

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(3, count);
        Assert.Equal(0, clock.PendingTimers);
        timer.Dispose();
    }

    [Fact]
    public void Zero_period_is_one_shot_and_zero_due_fires_at_the_current_instant()
    {
        var clock = new VirtualClock();
        clock.Advance(TimeSpan.FromSeconds(1));
        var fired = new List<TimeSpan>();
        using var timer = clock.CreateTimer(_ => fired.Add(clock.Elapsed), null, TimeSpan.Zero, TimeSpan.Zero);

        Assert.Empty(fired);
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([TimeSpan.FromSeconds(1)], fired);
    }

    [Fact]
    public void Many_timers_changed_repeatedly_fire_once_each_in_order()
    {
        const int count = 100_000;
        var clock = new VirtualClock();
        var fired = new List<int>(count);
        var timers = new ITimer[count];
        for (var i = 0; i < count; i++)
        {
            var id = i;
            timers[i] = clock.CreateTimer(_ => fired.Add(id), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        }

        for (var round = 1; round <= 3; round++)
        {
            for (var i = 0; i < count; i++)
            {
                // Reverse the order each time so only the last Change decides it.
                timers[i].Change(TimeSpan.FromMilliseconds(round * 1000 + (count - i)), Timeout.InfiniteTimeSpan);
            }
        }

        Assert.Equal(count, clock.PendingTimers);
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(count, fired.Count);
        Assert.Equal(Enumerable.Range(0, count).Reverse(), fired);
        Assert.False(clock.TryGetNextDue(out _));
    }

    [Fact]
    public void Driving_from_a_second_thread_while_driving_fails_loudly()
    {
        var clock = new VirtualClock();
        Exception? fromOtherThread = null;
        using var timer = clock.CreateTimer(
            _ =>
            {
                var thread = new Thread(() => fromOtherThread = Record.Exception(() => clock.Advance(TimeSpan.FromSeconds(1))));
                thread.Start();
                thread.Join();
            },
            null,
            TimeSpan.FromSeconds(1),
            Timeout.InfiniteTimeSpan);

        clock.FireNext();

        Assert.IsType<InvalidOperationException>(fromOtherThread);
    }

    [Fact]
    public void Negative_arguments_are_rejected()
    {
        var clock = new VirtualClock();

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(-2), Timeout.InfiniteTimeSpan));
    }
}

namespace DhtRpc.Simulation.Tests;

public class SimulationLoopTests
{
    [Fact]
    public void RunPending_runs_in_fifo_order_including_callbacks_posted_meanwhile()
    {
        var loop = new SimulationLoop();
        var order = new List<string>();
        loop.Post(_ => { order.Add("a"); loop.Post(_ => order.Add("c"), null); }, null);
        loop.Post(_ => order.Add("b"), null);

        Assert.Equal(2, loop.PendingCount);
        Assert.Equal(3, loop.RunPending());
        Assert.Equal(["a", "b", "c"], order);
        Assert.Equal(0, loop.RunPending());
    }

    [Fact]
    public void Callbacks_run_with_the_loop_current_and_the_previous_context_is_restored()
    {
        var loop = new SimulationLoop();
        var outer = new SynchronizationContext();
        SynchronizationContext? seen = null;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(outer);
        try
        {
            loop.Post(_ => seen = SynchronizationContext.Current, null);
            loop.RunPending();
            Assert.Same(loop, seen);
            Assert.Same(outer, SynchronizationContext.Current);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [Fact]
    public void A_throwing_callback_surfaces_and_the_rest_still_runs_later()
    {
        var loop = new SimulationLoop();
        var ran = new List<int>();
        loop.Post(_ => ran.Add(1), null);
        loop.Post(_ => throw new InvalidTimeZoneException("bug"), null);
        loop.Post(_ => ran.Add(3), null);

        var error = Assert.Throws<InvalidTimeZoneException>(() => loop.RunPending());
        Assert.Equal("bug", error.Message);
        Assert.Equal([1], ran);
        Assert.Null(SynchronizationContext.Current);

        Assert.Equal(1, loop.RunPending());
        Assert.Equal([1, 3], ran);
    }

    [Fact]
    public void Send_runs_inline_on_the_loop_and_throws_elsewhere()
    {
        var loop = new SimulationLoop();
        var ran = false;

        Assert.Throws<InvalidOperationException>(() => loop.Send(_ => ran = true, null));
        Assert.False(ran);

        loop.Post(_ => loop.Send(_ => ran = true, null), null);
        loop.RunPending();
        Assert.True(ran);
    }

    [Fact]
    public void CreateCopy_returns_the_same_loop()
    {
        var loop = new SimulationLoop();

        Assert.Same(loop, loop.CreateCopy());
    }

    [Fact]
    public void Posting_from_many_threads_loses_nothing()
    {
        var loop = new SimulationLoop();
        var count = 0;
        var threads = Enumerable.Range(0, 4)
            .Select(_ => new Thread(() =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    loop.Post(_ => count++, null);
                }
            }))
            .ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(4000, loop.RunPending());
        Assert.Equal(4000, count);
    }

    [Fact]
    public void WaitForPost_wakes_on_a_post_from_another_thread()
    {
        var loop = new SimulationLoop();
        Assert.False(loop.WaitForPost(TimeSpan.FromMilliseconds(1)));

        // Whether the post lands before or during the wait, the wait must report it.
        var thread = new Thread(() => loop.Post(_ => { }, null));
        thread.Start();

        Assert.True(loop.WaitForPost(TimeSpan.FromSeconds(30)));
        thread.Join();
    }
}

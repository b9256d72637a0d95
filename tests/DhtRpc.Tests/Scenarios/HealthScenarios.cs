using DhtRpc.Simulation;
using DhtRpc.Health;
using DhtRpc.Tests.Node;
using Xunit;

namespace DhtRpc.Tests.Scenarios;

/// <summary>
/// dht-rpc test.js scenarios 43–48 and 50 on a node: the original calls <c>health.update()</c> by hand;
/// here the node's own 5-second tick takes each snapshot (one virtual tick per update), so what is tested
/// is the node's wiring: its counters feed the window and the window's verdict becomes the node's
/// <see cref="DhtNode.Online"/>/<see cref="DhtNode.Degraded"/> and <see cref="DhtNode.NetworkUpdated"/>.
/// The window's own arithmetic is covered by NetworkHealthTests. The node is alone (no bootstrap list), so
/// no real traffic moves its counters; the test sets them as the original does.
/// </summary>
public sealed class HealthScenarios
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(5);

    private static readonly HealthStats Initial = new(Online: true, Degraded: false, Cold: true, Idle: true, Responses: 0, Timeouts: 0, TimeoutsRate: 0);

    // Port of test.js "health - window wraps around".
    [Fact]
    public void Scenario43_HealthWindowWrapsAround()
    {
        var h = new LoneNode();
        Assert.Equal(0, h.Node.Health.WindowLength);

        h.FillWindow();
        Assert.Equal(NetworkHealth.WindowSize, h.Node.Health.WindowLength);
        for (var slot = 0; slot < NetworkHealth.WindowSize; slot++)
        {
            Assert.Equal((0L, 0L), h.Node.Health.SnapshotAt(slot));
        }

        h.Requests.Responses++;
        h.Tick();

        Assert.Equal((1L, 0L), h.Node.Health.SnapshotAt(0)); // head: the 5th snapshot overwrote slot 0
        Assert.Equal((0L, 0L), h.Node.Health.SnapshotAt(1)); // tail
        Assert.Equal((0L, 0L), h.Node.Health.SnapshotAt(2));
        Assert.Equal((0L, 0L), h.Node.Health.SnapshotAt(3));
    }

    // Port of test.js "health - online".
    [Fact]
    public void Scenario44_HealthOnline()
    {
        var h = new LoneNode();
        Assert.True(h.Node.Online, "online initially");

        h.FillWindow();
        Assert.True(h.Node.Online, "online after initially idle");

        h.Node.Health.Online = false;
        h.Requests.Responses += 10;
        h.Tick();

        Assert.True(h.Node.Online, "online after offline");
        Assert.False(h.Node.Degraded);
        Assert.Equal(0, h.NetworkUpdates);
    }

    // Port of test.js "health - degraded".
    [Fact]
    public void Scenario45_HealthDegraded()
    {
        var h = new LoneNode();
        Assert.False(h.Node.Degraded, "not degraded initially");

        h.FillWindow();
        h.Ticks(1, responses: 10, timeouts: 30);
        Assert.False(h.Node.Degraded, "not degraded when not all ticks degraded");

        h.Ticks(3, responses: 10, timeouts: 30);
        Assert.True(h.Node.Degraded, "degraded when all ticks have timeout rate > 50%");
        Assert.True(h.Node.Online); // added: degraded is a kind of online
        Assert.Equal(1, h.NetworkUpdates); // added: one transition, one event

        h.Ticks(4, responses: 40, timeouts: 0);
        Assert.False(h.Node.Degraded, "not degraded when all ticks have timeout rate < 50%");
        Assert.Equal(2, h.NetworkUpdates); // added
    }

    // Port of test.js "health - offline", with 6.27.0 expectations. The original was written for 6.26.3,
    // where a single evaluated tick without responses takes the node offline. 6.27.0 (since 6.26.4) needs
    // 2 consecutive such "offline ticks" (spec §8), so asserts 2, 3, 4, 6 and 7 changed: after one offline
    // tick the node is still online. The block at the end (added) shows the second offline tick.
    [Fact]
    public void Scenario46_HealthOffline()
    {
        var h = new LoneNode();
        Assert.Equal(Initial, h.Node.Health.Stats); // 1: has starting health stats

        h.FillWindow();
        h.Ticks(1, responses: 0, timeouts: 20);
        Assert.True(h.Node.Online, "one offline tick is below the threshold"); // 2: changed (was offline)
        Assert.Equal(
            new HealthStats(Online: true, Degraded: false, Cold: false, Idle: false, Responses: 0, Timeouts: 20, TimeoutsRate: 1),
            h.Node.Health.Stats); // 3: changed (online was false)

        h.Node.Health.Degraded = true;
        h.Tick(); // idle: nothing is evaluated
        Assert.True(h.Node.Online, "idle tick changes nothing"); // 4: changed (was offline)
        Assert.False(h.Node.Degraded, "the node itself was never degraded"); // 5

        h.Node.Health.Reset();
        h.FillWindow();
        h.Ticks(1, responses: 0, timeouts: 10);
        Assert.True(h.Node.Online, "one offline tick after reset is below the threshold"); // 6: changed (was offline)

        h.Ticks(1, responses: 3, timeouts: 0);
        Assert.True(h.Health.Idle);
        Assert.True(h.Node.Online, "idle tick changes nothing"); // 7: changed (was 'stays offline')
        Assert.Equal(0, h.NetworkUpdates);

        // Added: two more ticks without responses; the node is offline now, and said so once.
        h.Ticks(2, responses: 0, timeouts: 10);
        Assert.False(h.Node.Online);
        Assert.False(h.Node.Degraded);
        Assert.Equal(1, h.NetworkUpdates);
    }

    // Port of test.js "health - resume", with 6.27.0 expectations: asserts 3, 12 and 14 expected offline
    // after a single tick without responses (6.26.3); under 6.27.0 that takes 2 consecutive offline ticks
    // (spec §8), so the node is still online there. Added: a second offline tick before suspending, so
    // that the resume has an offline node to bring back online, as the original meant to show.
    [Fact]
    public void Scenario47_HealthResume()
    {
        var h = new LoneNode();
        Assert.True(h.Health.Cold); // 1

        h.FillWindow();
        Assert.False(h.Health.Cold, "not cold when window full"); // 2

        h.Ticks(1, responses: 0, timeouts: 20);
        Assert.True(h.Node.Online, "one offline tick before suspend"); // 3: changed (was offline)

        h.Ticks(1, responses: 0, timeouts: 20); // added
        Assert.False(h.Node.Online, "offline after the second offline tick"); // added
        Assert.Equal(1, h.NetworkUpdates); // added

        h.Swarm.Run(h.Node.SuspendAsync);
        h.Swarm.Run(h.Node.ResumeAsync);

        Assert.Equal(0, h.Health.WindowLength); // 4: window is empty after resume
        Assert.True(h.Health.Cold, "cold after resume"); // 5
        Assert.True(h.Node.Online, "online after resume"); // 6
        Assert.False(h.Node.Degraded, "not degraded after resume"); // 7
        Assert.Equal(2, h.NetworkUpdates); // added: back online is a network update

        h.Ticks(1, responses: 10, timeouts: 0);
        Assert.True(h.Health.Cold, "still cold"); // 8
        Assert.True(h.Node.Online, "still online when cold"); // 9

        h.Tick();
        h.Tick();
        h.Ticks(1, responses: 10, timeouts: 0);
        Assert.False(h.Health.Cold, "not cold after window full"); // 10
        Assert.True(h.Node.Online, "online after responses and window full"); // 11

        h.Ticks(1, responses: 0, timeouts: 10);
        Assert.True(h.Node.Online, "one offline tick keeps it online"); // 12: changed (was offline)

        h.Tick();
        Assert.True(h.Health.Idle, "idle since no new responses or timeouts"); // 13
        Assert.True(h.Node.Online, "idle tick changes nothing"); // 14: changed (was 'still offline')

        h.Ticks(1, responses: 10, timeouts: 0);
        Assert.False(h.Health.Idle, "not idle after new responses"); // 15
        Assert.True(h.Node.Online, "back online"); // 16
        Assert.Equal(2, h.NetworkUpdates); // added: no flapping in between
    }

    // Port of test.js "health - wakeup", with 6.27.0 expectations. The original calls _onwakeup() by hand;
    // here the machine "sleeps" (time jumps 30 s while no timer fires) and the node's next tick detects
    // the gap (> 15 s) and wakes up. Changed: assert 1 expected offline after a single tick without
    // responses (6.26.3); under 6.27.0 the node is still online. Added: a second offline tick, so the
    // wake-up has an offline node to force back online. The original's window asserts are taken in the
    // wakeup event, i.e. right after the reset; once the waking tick completes it has taken its own
    // first snapshot, so the window holds 1 (still cold).
    [Fact]
    public void Scenario48_HealthWakeup()
    {
        var h = new LoneNode(sleeping: true);
        (int Window, bool Cold, bool Online, bool Degraded)? atWakeup = null;
        var wakeups = 0;
        h.Node.WokeUp += () =>
        {
            wakeups++;
            atWakeup = (h.Health.WindowLength, h.Health.Cold, h.Node.Online, h.Node.Degraded);
        };

        h.FillWindow();
        h.Ticks(1, responses: 0, timeouts: 20);
        Assert.True(h.Node.Online, "one offline tick before wakeup"); // 1: changed (was offline)
        Assert.False(h.Health.Cold, "not cold before wakeup"); // 2

        h.Ticks(1, responses: 0, timeouts: 20); // added
        Assert.False(h.Node.Online, "offline after the second offline tick"); // added

        var tickBefore = h.Node.Tick;
        h.SleepAndWake();
        Assert.Equal(1, wakeups);
        Assert.Equal((0, true, true, false), atWakeup); // 3-6: window empty, cold, online, not degraded
        Assert.Equal(1, h.Health.WindowLength); // added: the waking tick's own snapshot
        Assert.True(h.Node.Online); // added
        Assert.True(h.Node.Tick - tickBefore >= 720, "every table entry now looks old"); // added
        Assert.Equal(6, h.Node.Tick % 8); // added: liveness pings in two ticks

        h.FillWindow();
        h.Ticks(1, responses: 20, timeouts: 0);
        Assert.True(h.Node.Online, "online before wakeup"); // 7
        Assert.False(h.Health.Cold, "not cold before wakeup"); // 8

        atWakeup = null;
        h.SleepAndWake();
        Assert.Equal(2, wakeups);
        Assert.Equal(0, atWakeup!.Value.Window); // 9: window is empty after wakeup
        Assert.True(atWakeup.Value.Cold, "cold after wakeup"); // 10
        Assert.True(atWakeup.Value.Online, "still online after wakeup"); // 11
    }

    // Port of test.js "debug - stats - default".
    [Fact]
    public void Scenario50_DebugStatsDefault()
    {
        var h = new LoneNode(bootstrap: false);
        Assert.Equal(Initial, h.Node.Health.Stats);
    }

    /// <summary>A node with no bootstrap list on the simulated network, ticked by hand in virtual time.</summary>
    private sealed class LoneNode
    {
        private readonly SleepingClock? _sleep;

        public LoneNode(bool sleeping = false, bool bootstrap = true)
        {
            Swarm = new SimulatedSwarm();
            var options = Swarm.Options();
            if (sleeping)
            {
                _sleep = new SleepingClock(Swarm.Host.Clock);
                options = options with { TimeProvider = _sleep };
            }

            Node = new DhtNode(options);
            Swarm.Nodes.Add(Node);
            Node.NetworkUpdated += () => NetworkUpdates++;
            if (bootstrap)
            {
                // Health is only updated on the ticks of a bootstrapped node.
                Swarm.Run(Node.FullyBootstrappedAsync);
            }
        }

        public SimulatedSwarm Swarm { get; }

        public DhtNode Node { get; }

        public NetworkHealth Health => Node.Health;

        public Rpc.RequestStats Requests => Node.Stats.Requests;

        public int NetworkUpdates { get; private set; }

        /// <summary>One tick of the node's timer: exactly one health snapshot.</summary>
        public void Tick()
        {
            var before = Node.Tick;
            Swarm.Host.Advance(TickInterval);
            Assert.Equal(before + 1, Node.Tick);
        }

        /// <summary>fillHealthWindow: four ticks with nothing happening.</summary>
        public void FillWindow()
        {
            for (var i = 0; i < NetworkHealth.WindowSize; i++)
            {
                Tick();
            }
        }

        /// <summary>Adds <paramref name="responses"/> and <paramref name="timeouts"/> before each of <paramref name="count"/> ticks.</summary>
        public void Ticks(int count, long responses, long timeouts)
        {
            for (var i = 0; i < count; i++)
            {
                Requests.Responses += responses;
                Requests.Timeouts += timeouts;
                Tick();
            }
        }

        /// <summary>Sleeps 30 s (no timer fires), then lets the next tick fire and notice.</summary>
        public void SleepAndWake()
        {
            _sleep!.Sleep(TimeSpan.FromSeconds(30));
            Swarm.Host.Advance(TickInterval);
        }
    }
}

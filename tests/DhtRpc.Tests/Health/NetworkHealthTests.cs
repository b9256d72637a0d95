using DhtRpc.Health;
using Xunit;

namespace DhtRpc.Tests.Health;

/// <summary>
/// The health scenarios of the reference test suite, driven directly against the health window.
/// <see cref="Harness"/> stands in for the node: it owns the cumulative request counters and
/// tracks the online/degraded flags the node would expose.
/// </summary>
public sealed class NetworkHealthTests
{
    private sealed class Harness
    {
        public NetworkHealth Health { get; } = new();

        public long Responses { get; set; }

        public long Timeouts { get; set; }

        public List<HealthTransition> Transitions { get; } = [];

        public bool Online => Health.Status != NetworkStatus.Offline;

        public bool Degraded => Health.Status == NetworkStatus.Degraded;

        public void Update() => Record(Health.Update(Responses, Timeouts));

        public void Reset() => Record(Health.Reset());

        public void FillWindow()
        {
            for (var i = 0; i < NetworkHealth.WindowSize; i++)
            {
                Update();
            }
        }

        private void Record(HealthTransition transition)
        {
            if (transition != HealthTransition.None)
            {
                Transitions.Add(transition);
            }
        }
    }

    private static readonly HealthStats Initial = new(
        Online: true, Degraded: false, Cold: true, Idle: true, Responses: 0, Timeouts: 0, TimeoutsRate: 0);

    [Fact]
    public void WindowWrapsAround()
    {
        var dht = new Harness();
        Assert.Equal(0, dht.Health.WindowLength);

        dht.FillWindow();

        Assert.Equal(4, dht.Health.WindowLength);
        for (var slot = 0; slot < 4; slot++)
        {
            Assert.Equal((0L, 0L), dht.Health.SnapshotAt(slot));
        }

        dht.Responses++;
        dht.Update();

        Assert.Equal(4, dht.Health.WindowLength);
        Assert.Equal((1L, 0L), dht.Health.SnapshotAt(0)); // newest
        Assert.Equal((0L, 0L), dht.Health.SnapshotAt(1)); // oldest
        Assert.Equal((0L, 0L), dht.Health.SnapshotAt(2));
        Assert.Equal((0L, 0L), dht.Health.SnapshotAt(3));
        Assert.Equal(1, dht.Health.Responses);
    }

    [Fact]
    public void Online()
    {
        var dht = new Harness();
        Assert.True(dht.Online, "online initially");

        dht.FillWindow();
        Assert.True(dht.Online, "online after initially idle");

        dht.Health.Online = false;
        dht.Responses += 10;
        dht.Update();

        Assert.True(dht.Online, "online after offline");
        Assert.True(dht.Health.Online);
        Assert.False(dht.Degraded);
        Assert.Empty(dht.Transitions);
    }

    [Fact]
    public void Degraded()
    {
        var dht = new Harness();
        Assert.False(dht.Degraded, "not degraded initially");

        dht.FillWindow();

        dht.Responses += 10;
        dht.Timeouts += 30;
        dht.Update();
        Assert.False(dht.Degraded, "not degraded when not all ticks degraded");
        Assert.Equal(0.75, dht.Health.TimeoutsRate);

        for (var i = 0; i < 3; i++)
        {
            dht.Responses += 10;
            dht.Timeouts += 30;
            dht.Update();
        }

        Assert.True(dht.Degraded, "degraded when all ticks have timeout rate > 50%");
        Assert.True(dht.Online);

        for (var i = 0; i < 3; i++)
        {
            dht.Responses += 40;
            dht.Update();
            Assert.True(dht.Degraded, "still degraded until all ticks are healthy");
        }

        dht.Responses += 40;
        dht.Update();
        Assert.False(dht.Degraded, "not degraded when all ticks have timeout rate < 50%");
        Assert.Equal([HealthTransition.BecameDegraded, HealthTransition.BecameOnline], dht.Transitions);
    }

    [Fact]
    public void ExactlyHalfTimeoutsIsHealthy()
    {
        var dht = new Harness();
        dht.FillWindow();
        for (var i = 0; i < 4; i++)
        {
            dht.Responses += 5;
            dht.Timeouts += 5;
            dht.Update();
        }

        Assert.Equal(0.5, dht.Health.TimeoutsRate);
        Assert.False(dht.Degraded);
        Assert.True(dht.Online);
    }

    // Port of "health - offline". Asserts 2, 3, 4, 6 and 7 of the reference test expected the
    // 6.26.3 rule (offline on the first tick without responses). Under 6.27.0 a single offline tick
    // leaves the node online; it goes offline only after 2 consecutive ones (covered by the tests
    // that follow). Each changed assert is marked below.
    [Fact]
    public void Offline()
    {
        var dht = new Harness();
        Assert.Equal(Initial, dht.Health.Stats); // 1

        dht.FillWindow();
        dht.Timeouts += 20;
        dht.Update();

        Assert.True(dht.Online, "one offline tick is below the threshold"); // 2: changed (was offline)
        Assert.Equal(
            new HealthStats(Online: true, Degraded: false, Cold: false, Idle: false, Responses: 0, Timeouts: 20, TimeoutsRate: 1),
            dht.Health.Stats); // 3: changed (online was false)

        dht.Health.Degraded = true;
        dht.Update(); // idle: no change

        Assert.True(dht.Online, "idle tick changes nothing"); // 4: changed (was offline)
        Assert.False(dht.Degraded, "the node was never told it is degraded"); // 5

        dht.Reset();
        dht.FillWindow();

        dht.Timeouts += 10;
        dht.Update();
        Assert.True(dht.Online, "one offline tick after reset is below the threshold"); // 6: changed (was offline)

        dht.Responses += 3;
        dht.Update();
        Assert.True(dht.Online, "idle tick changes nothing"); // 7: changed (was 'stays offline')

        Assert.Empty(dht.Transitions);
    }

    [Fact]
    public void OfflineAfterTwoConsecutiveOfflineTicks()
    {
        var dht = new Harness();
        dht.FillWindow();

        dht.Timeouts += 20;
        dht.Update();
        Assert.True(dht.Online);

        dht.Timeouts += 20;
        dht.Update();
        Assert.False(dht.Online, "offline after 2 ticks with timeouts and no responses");
        Assert.Equal(
            new HealthStats(Online: false, Degraded: false, Cold: false, Idle: false, Responses: 0, Timeouts: 20, TimeoutsRate: 1),
            dht.Health.Stats);

        // Idle ticks keep it offline.
        dht.Responses += 3;
        dht.Update();
        Assert.True(dht.Health.Idle);
        Assert.False(dht.Online, "stays offline when idle");

        // More offline ticks keep it offline without new transitions.
        dht.Timeouts += 5;
        dht.Update();
        Assert.False(dht.Online);

        // Any evaluated tick with responses brings it back at once, even a mostly failing one.
        dht.Responses += 1;
        dht.Timeouts += 9;
        dht.Update();
        Assert.True(dht.Online, "back online after one tick with responses");
        Assert.False(dht.Degraded);

        Assert.Equal([HealthTransition.BecameOffline, HealthTransition.BecameOnline], dht.Transitions);
    }

    [Fact]
    public void ATickWithResponsesBreaksTheOfflineRun()
    {
        var dht = new Harness();
        dht.FillWindow();

        dht.Timeouts += 20;
        dht.Update();
        dht.Responses += 10;
        dht.Update();
        dht.Timeouts += 20;
        dht.Update();

        Assert.True(dht.Online, "offline ticks separated by a tick with responses are not consecutive");
        Assert.Empty(dht.Transitions);

        dht.Timeouts += 20;
        dht.Update();
        Assert.False(dht.Online);
    }

    [Fact]
    public void ForcedDegradedIsClearedWhenOffline()
    {
        var dht = new Harness();
        dht.FillWindow();
        dht.Health.Degraded = true;

        dht.Timeouts += 20;
        dht.Update();
        Assert.True(dht.Health.Degraded, "one offline tick: still online, so degraded is kept");
        Assert.True(dht.Degraded);

        dht.Timeouts += 20;
        dht.Update();
        Assert.False(dht.Health.Degraded, "not degraded when offline");
        Assert.False(dht.Degraded);
        Assert.False(dht.Online);
        Assert.Equal([HealthTransition.BecameDegraded, HealthTransition.BecameOffline], dht.Transitions);
    }

    [Fact]
    public void OfflineTicksCountAsNeitherDegradedNorHealthy()
    {
        var dht = new Harness();
        dht.FillWindow();
        for (var i = 0; i < 4; i++)
        {
            dht.Responses += 10;
            dht.Timeouts += 30;
            dht.Update();
        }

        Assert.True(dht.Degraded);

        // An offline tick replaces a degraded one: no longer all degraded, not all healthy either.
        dht.Timeouts += 20;
        dht.Update();
        Assert.True(dht.Degraded);
        Assert.True(dht.Online);

        // Three healthy ticks: the window still holds the offline tick.
        for (var i = 0; i < 3; i++)
        {
            dht.Responses += 40;
            dht.Update();
            Assert.True(dht.Degraded);
        }

        // The offline tick leaves the window: all 4 healthy.
        dht.Responses += 40;
        dht.Update();
        Assert.False(dht.Degraded);
        Assert.True(dht.Online);
        Assert.Equal([HealthTransition.BecameDegraded, HealthTransition.BecameOnline], dht.Transitions);
    }

    // Port of "health - resume" (suspend + resume reset the health window). Asserts 3, 12 and 14 of
    // the reference test expected offline after a single tick without responses (6.26.3); under
    // 6.27.0 that needs 2 consecutive offline ticks, so the node is still online there.
    [Fact]
    public void Resume()
    {
        var dht = new Harness();
        Assert.True(dht.Health.Cold); // 1

        dht.FillWindow();
        Assert.False(dht.Health.Cold, "not cold when window full"); // 2

        dht.Timeouts += 20;
        dht.Update();
        Assert.True(dht.Online, "one offline tick before suspend"); // 3: changed (was offline)

        dht.Reset(); // suspend + resume

        Assert.Equal(0, dht.Health.WindowLength); // 4
        Assert.True(dht.Health.Cold, "cold after resume"); // 5
        Assert.True(dht.Online, "online after resume"); // 6
        Assert.False(dht.Degraded, "not degraded after resume"); // 7

        dht.Responses += 10;
        dht.Update();
        Assert.True(dht.Health.Cold, "still cold"); // 8
        Assert.True(dht.Online, "still online when cold"); // 9

        dht.Update();
        dht.Update();
        dht.Responses += 10;
        dht.Update();
        Assert.False(dht.Health.Cold, "not cold after window full"); // 10
        Assert.True(dht.Online, "online after responses and window full"); // 11

        dht.Timeouts += 10;
        dht.Update();
        Assert.True(dht.Online, "one offline tick keeps it online"); // 12: changed (was offline)

        dht.Update();
        Assert.True(dht.Health.Idle, "idle since no new responses or timeouts"); // 13
        Assert.True(dht.Online, "idle tick changes nothing"); // 14: changed (was 'still offline')

        dht.Responses += 10;
        dht.Update();
        Assert.False(dht.Health.Idle, "not idle after new responses"); // 15
        Assert.True(dht.Online, "online"); // 16

        Assert.Empty(dht.Transitions);
    }

    [Fact]
    public void ResetBringsAnOfflineNodeBackOnline()
    {
        var dht = new Harness();
        dht.FillWindow();
        dht.Timeouts += 20;
        dht.Update();
        dht.Timeouts += 20;
        dht.Update();
        Assert.False(dht.Online);

        dht.Reset();

        Assert.True(dht.Online);
        Assert.Equal(Initial, dht.Health.Stats);
        Assert.Equal([HealthTransition.BecameOffline, HealthTransition.BecameOnline], dht.Transitions);

        // The offline run starts over: one offline tick after the reset is not enough.
        dht.FillWindow();
        dht.Timeouts += 20;
        dht.Update();
        Assert.True(dht.Online);
    }

    [Fact]
    public void ResetClearsDegraded()
    {
        var dht = new Harness();
        dht.FillWindow();
        for (var i = 0; i < 4; i++)
        {
            dht.Responses += 10;
            dht.Timeouts += 30;
            dht.Update();
        }

        Assert.True(dht.Degraded);
        dht.Reset();
        Assert.False(dht.Degraded);
        Assert.False(dht.Health.Degraded);

        // The degraded count starts over too.
        dht.FillWindow();
        dht.Responses += 10;
        dht.Timeouts += 30;
        dht.Update();
        Assert.False(dht.Degraded);
    }

    // Port of "health - wakeup" (wake-up resets the health window). Assert 1 of the reference test
    // expected offline after a single tick without responses (6.26.3); under 6.27.0 the node is
    // still online after one offline tick.
    [Fact]
    public void Wakeup()
    {
        var dht = new Harness();
        dht.FillWindow();

        dht.Timeouts += 20;
        dht.Update();
        Assert.True(dht.Online, "one offline tick before wakeup"); // 1: changed (was offline)
        Assert.False(dht.Health.Cold, "not cold before wakeup"); // 2

        dht.Reset(); // wake-up

        Assert.Equal(0, dht.Health.WindowLength); // 3
        Assert.True(dht.Health.Cold, "cold after wakeup"); // 4
        Assert.True(dht.Online, "online after wakeup"); // 5
        Assert.False(dht.Degraded, "not degraded after wakeup"); // 6

        dht.FillWindow();
        dht.Responses += 20;
        dht.Update();
        Assert.True(dht.Online); // 7
    }

    [Fact]
    public void DefaultStats()
    {
        var health = new NetworkHealth();

        Assert.Equal(Initial, health.Stats);
        Assert.Equal(NetworkStatus.Online, health.Status);
    }

    [Fact]
    public void DeltasNeedTwoSnapshots()
    {
        var health = new NetworkHealth();
        health.Update(100, 50);

        Assert.Equal(0, health.Responses);
        Assert.Equal(0, health.Timeouts);
        Assert.Equal(0, health.TimeoutsRate);

        health.Update(103, 60);
        Assert.Equal(3, health.Responses);
        Assert.Equal(10, health.Timeouts);
        Assert.Equal(10.0 / 13, health.TimeoutsRate, 12);
        Assert.True(health.Cold);
        Assert.False(health.Idle);
    }
}

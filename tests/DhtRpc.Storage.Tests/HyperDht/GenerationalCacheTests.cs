using DhtRpc.Simulation;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.HyperDht;

/// <summary>hyperdht's two-generation forgetting: by age (between 2/3 and 4/3 of the maximum) and by size.</summary>
public sealed class GenerationalCacheTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(30);

    [Fact]
    public void An_entry_outlives_two_thirds_of_the_maximum_age_and_is_gone_after_four_thirds()
    {
        var clock = new VirtualClock();
        var cache = new GenerationalCache<int, string>(100, MaxAge, clock);
        cache.Set(1, "one");

        clock.Advance(TimeSpan.FromMinutes(25));
        Assert.True(cache.Count == 1, "moved to the older generation, still held");

        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.False(cache.TryGet(1, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Reading_an_entry_of_the_older_generation_keeps_it_another_generation()
    {
        var clock = new VirtualClock();
        var cache = new GenerationalCache<int, string>(100, MaxAge, clock);
        cache.Set(1, "one");

        clock.Advance(TimeSpan.FromMinutes(21));
        Assert.True(cache.TryGet(1, out var value));
        clock.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal("one", value);
        Assert.True(cache.TryGet(1, out _));
    }

    [Fact]
    public void Filling_the_newest_generation_drops_the_older_one()
    {
        var cache = new GenerationalCache<int, int>(10, TimeSpan.Zero, new VirtualClock());

        for (var i = 0; i < 25; i++)
        {
            cache.Set(i, i);
        }

        Assert.False(cache.TryGet(0, out _), "the first ten were dropped when the second generation filled");
        Assert.True(cache.TryGet(24, out _));
        Assert.InRange(cache.Count, 10, 20);
    }

    [Fact]
    public void A_retained_entry_never_ages_and_is_not_replaced_by_set()
    {
        var clock = new VirtualClock();
        var cache = new GenerationalCache<int, string>(100, MaxAge, clock);
        cache.Retain(1, "kept");
        cache.Set(1, "other");

        clock.Advance(TimeSpan.FromHours(5));

        Assert.True(cache.TryGet(1, out var value));
        Assert.Equal("kept", value);
        Assert.True(cache.Remove(1));
        Assert.False(cache.TryGet(1, out _));
    }

    [Fact]
    public void Peer_records_are_one_per_key_per_topic_and_age_out_together()
    {
        var clock = new VirtualClock();
        var records = new PeerRecordCache(100, MaxAge, clock, new Random(1));
        var topic = NodeId.Random();
        var keys = Enumerable.Range(0, 30).Select(_ => NodeId.Random()).ToList();
        foreach (var key in keys)
        {
            records.Add(topic, key, key.ToArray());
        }

        records.Add(topic, keys[0], [1, 2, 3]);
        var twenty = records.Get(topic, 20);
        records.Remove(topic, keys[1]);

        Assert.Equal(20, twenty.Count);
        Assert.Equal(20, twenty.Distinct().Count());
        Assert.Equal(29, records.Get(topic, 100).Count);
        Assert.Empty(records.Get(NodeId.Random(), 20));
        clock.Advance(TimeSpan.FromMinutes(41));
        Assert.Empty(records.Get(topic, 20));
    }
}

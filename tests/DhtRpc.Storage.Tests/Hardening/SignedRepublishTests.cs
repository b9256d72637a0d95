using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Hardening;

/// <summary>
/// Holders keep signed warehouse items alive by pushing the owner's envelope each round, even after the
/// first holders are gone; unsigned items nobody stores again lapse.
/// </summary>
public sealed class SignedRepublishTests
{
    private static readonly StorageOptions Options = new()
    {
        RepublishInterval = TimeSpan.FromMinutes(5),
        RecordTtl = TimeSpan.FromMinutes(12),
    };

    [Fact]
    public void A_signed_item_outlives_its_lifetime_and_its_first_holders_while_an_unsigned_one_lapses()
    {
        var net = new SimulatedStorageSwarm(16, Options, seed: 5);
        var client = new WarehouseClient(net[15]);
        using var owner = SignedEnvelope.CreateKey();
        var signed = net.Host.Run(() => client.StoreSignedAsync(owner, "signed", "kept alive"u8.ToArray(), 1));
        var unsigned = net.Host.Run(() => client.StoreAsync("unsigned", "left alone"u8.ToArray()));
        Assert.Equal(3, signed.StoredOn.Count);
        Assert.Equal(3, unsigned.StoredOn.Count);

        // One first holder leaves for good; the others republish.
        var first = net.Storage.FindIndex(s => s.Node.ServerEndpoint is not null && signed.StoredOn.Contains(SimulatedSwarm.ServerOf(s.Node)));
        net.Stop(first);
        net.Host.Advance(TimeSpan.FromMinutes(40));

        var live = net.Alive.Count(i => net.Storage[i].Store.Get(ItemSpace.Warehouse, signed.Target) is { } item && item.ExpiresAt > net.Host.Now);
        Assert.True(live >= 3, $"{live} live copies of the signed item");
        Assert.DoesNotContain(net.Alive, i => net.Storage[i].Store.Get(ItemSpace.Warehouse, unsigned.Target) is { } item && item.ExpiresAt > net.Host.Now);

        var read = net.Host.Run(() => new WarehouseClient(net[14]).GetAsync("signed"));
        Assert.Equal("kept alive"u8.ToArray(), read?.Value);
        Assert.True(net.Storage.Sum(s => s.Stats.Republished) > 0);
    }
}

using DhtRpc.Rpc;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.Protocol;

/// <summary>Deleting from every warehouse near a key: one typed outcome per warehouse, whatever it answers.</summary>
public sealed class WarehouseDeleteTests
{
    /// <summary>Warehouses a lookup from the last node finds in this swarm: all but itself and the first node, its bootstrap entry, whose replies a query does not keep.</summary>
    private const int Found = 8;

    private readonly SimulatedStorageSwarm _swarm = new(10);

    private WarehouseClient Client => new(_swarm[9]);

    [Fact]
    public void An_unsigned_item_is_deleted_from_its_holders_and_not_found_elsewhere()
    {
        var stored = Run(() => Client.StoreAsync("doc", "v"u8.ToArray()));
        Assert.Equal(3, stored.StoredOn.Count);

        var deleted = Run(() => Client.DeleteAsync("doc"));

        Assert.Equal(stored.Target, deleted.Target);
        Assert.Equal(Sorted(stored.StoredOn), Sorted(deleted.DeletedFrom));
        Assert.Equal(Found, deleted.Outcomes.Count);
        Assert.All(deleted.Outcomes.Where(o => !stored.StoredOn.Contains(o.Warehouse)), o => Assert.Equal(WarehouseDeleteStatus.NotFound, o.Status));
        Assert.All(deleted.Outcomes, o => Assert.Null(o.Reason));
        Assert.Empty(deleted.Failures);

        var again = Run(() => Client.DeleteAsync("doc"));
        Assert.All(again.Outcomes, o => Assert.Equal(WarehouseDeleteStatus.NotFound, o.Status));
        Assert.Empty(again.DeletedFrom);
    }

    [Fact]
    public void Outcomes_come_closest_to_the_target_first()
    {
        var target = WarehouseClient.TargetOf("doc");

        var outcomes = Run(() => Client.DeleteAsync("doc")).Outcomes;

        var ids = outcomes.Select(o => NodeIdOf(o.Warehouse)).ToList();
        Assert.Equal(Found, ids.Count);
        Assert.All(ids.Zip(ids.Skip(1)), pair => Assert.True(target.CompareDistance(pair.First, pair.Second) < 0, "outcomes are not closest first"));
    }

    [Fact]
    public void A_signed_item_refuses_a_stranger_everywhere_it_is_held_and_is_deleted_by_its_owner()
    {
        using var owner = SignedEnvelope.CreateKey();
        using var stranger = SignedEnvelope.CreateKey();
        var stored = Run(() => Client.StoreSignedAsync(owner, "profile", "v1"u8.ToArray(), sequence: 1));

        var refused = Run(() => Client.DeleteSignedAsync(stranger, "profile", 2));
        var deleted = Run(() => Client.DeleteSignedAsync(owner, "profile", 2));

        Assert.Empty(refused.DeletedFrom);
        Assert.Equal(Sorted(stored.StoredOn), Sorted(refused.Failures.Select(f => f.Warehouse)));
        Assert.All(refused.Failures, f => Assert.Equal((WarehouseDeleteStatus.Refused, StorageErrors.NotOwner), (f.Status, f.ErrorCode)));
        Assert.All(refused.Failures, f => Assert.Equal($"{f.Warehouse} refused: {StorageErrors.Describe(StorageErrors.NotOwner)} (error {StorageErrors.NotOwner}).", f.Reason));
        Assert.Equal(Sorted(stored.StoredOn), Sorted(deleted.DeletedFrom));
    }

    [Fact]
    public void A_refusal_silence_and_a_foreign_answer_are_each_told_apart()
    {
        Answer(_swarm[2], request => request.Error(StorageErrors.Busy));
        Answer(_swarm[4], _ => { });
        Answer(_swarm[6], request => request.Reply("removed"u8.ToArray()));

        var outcomes = Run(() => Client.DeleteAsync("doc")).Outcomes.ToDictionary(o => o.Warehouse);

        var busy = outcomes[SimulatedSwarm.ServerOf(_swarm[2])];
        Assert.Equal((WarehouseDeleteStatus.Refused, StorageErrors.Busy, true), (busy.Status, busy.ErrorCode, busy.IsFailure));
        Assert.Contains(StorageErrors.Describe(StorageErrors.Busy), busy.Reason, StringComparison.Ordinal);
        var silent = outcomes[SimulatedSwarm.ServerOf(_swarm[4])];
        Assert.Equal((WarehouseDeleteStatus.NoReply, 0UL), (silent.Status, silent.ErrorCode));
        Assert.False(string.IsNullOrEmpty(silent.Reason));
        var foreign = outcomes[SimulatedSwarm.ServerOf(_swarm[6])];
        Assert.Equal(WarehouseDeleteStatus.Unreadable, foreign.Status);
        Assert.Equal($"{foreign.Warehouse} answered DELETE in a format this client does not read; it may run another warehouse protocol.", foreign.Reason);
        Assert.Equal(Found - 3, outcomes.Values.Count(o => o.Status == WarehouseDeleteStatus.NotFound));
    }

    [Fact]
    public void A_node_that_gives_no_token_is_refused_as_no_warehouse_and_a_gone_node_gives_no_reply()
    {
        var plain = SimulatedSwarm.ServerOf(_swarm[3]);
        _swarm.Storage[3].Node.RequestHandler = request => request.Reply(null, new ReplyOptions { Token = false });
        var gone = SimulatedSwarm.ServerOf(_swarm[5]);
        _swarm.Stop(5);

        var noToken = Run(() => Client.DeleteFromAsync("doc", plain));
        var silent = Run(() => Client.DeleteFromAsync("doc", gone));

        Assert.Equal((WarehouseDeleteStatus.Refused, 0UL), (noToken.Status, noToken.ErrorCode));
        Assert.Equal($"{plain} sent no token: it is not a warehouse.", noToken.Reason);
        Assert.Equal(WarehouseDeleteStatus.NoReply, silent.Status);
    }

    /// <summary>Makes <paramref name="node"/> answer deletes (103) with <paramref name="answer"/>; everything else as a warehouse.</summary>
    private static void Answer(DhtNode node, Action<IncomingRequest> answer)
    {
        var dispatch = node.RequestHandler!;
        node.RequestHandler = request =>
        {
            if (request.Command == StorageCommands.WarehouseDelete && request.Token is not null)
            {
                answer(request);
            }
            else
            {
                dispatch(request);
            }
        };
    }

    private NodeId NodeIdOf(Ipv4Endpoint endpoint) => _swarm.Swarm.Nodes.Single(n => SimulatedSwarm.ServerOf(n) == endpoint).Id!.Value;

    private T Run<T>(Func<Task<T>> action) => _swarm.Host.Run(action);

    private static List<Ipv4Endpoint> Sorted(IEnumerable<Ipv4Endpoint> endpoints) => [.. endpoints.OrderBy(e => e.Address).ThenBy(e => e.Port)];
}

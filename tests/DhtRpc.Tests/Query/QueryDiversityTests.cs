using DhtRpc.Limits;
using DhtRpc.Query;
using DhtRpc.Rpc;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Query;

/// <summary>A walk's closest set and its queue of visits hold at most a share of one /24.</summary>
public sealed class QueryDiversityTests
{
    private static readonly NodeId Target = NodeId.Read(new byte[NodeId.Size]);
    private const uint Attacker = 0x2C010203; // 44.1.2.3
    private const uint Honest = 0x5D000001; // 93.0.0.1, each honest node on its own /24

    /// <summary>An id whose distance to the target grows with <paramref name="rank"/>.</summary>
    private static NodeId AtRank(int rank)
    {
        var bytes = new byte[NodeId.Size];
        bytes[0] = (byte)(rank >> 8);
        bytes[1] = (byte)rank;
        bytes[31] = 1;
        return NodeId.Read(bytes);
    }

    private static DhtPeer Peer(int rank, uint address, ushort port = 1000) => new(new Ipv4Endpoint(address, port), AtRank(rank));

    private static DhtResponse Reply(int rank, uint address, ushort port = 1000) => new(default(Wire.ResponseMessage), Peer(rank, address, port), TimeSpan.Zero);

    private static DhtPeer HonestPeer(int rank) => Peer(rank, Honest + ((uint)rank << 8));

    private static List<int> Ranks(ClosestReplies closest) =>
        closest.Items.Select(r => (r.From.Id!.Value.ToArray()[0] << 8) | r.From.Id!.Value.ToArray()[1]).ToList();

    [Fact]
    public void Without_limits_one_ip_may_fill_the_closest_set()
    {
        var closest = new ClosestReplies(Target, 20);
        for (var i = 0; i < 30; i++)
        {
            closest.Push(Reply(i, Attacker, (ushort)(1000 + i)));
        }

        Assert.Equal(Enumerable.Range(0, 20), Ranks(closest));
    }

    [Fact]
    public void A_full_subnet_keeps_its_closest_three_and_counts_the_rest()
    {
        var refused = new RefusalStats();
        var closest = new ClosestReplies(Target, 20, new NodeLimits(), refused);
        closest.Push(Reply(10, Attacker, 1010));
        closest.Push(Reply(20, Attacker, 1020));
        closest.Push(Reply(30, Attacker + 1, 1030));
        closest.Push(Reply(40, Attacker + 2, 1040));
        Assert.Equal([10, 20, 30], Ranks(closest));
        Assert.Equal(1, refused.ClosestOverSubnetShare);

        // A closer one takes the place of the /24's farthest; other networks are untouched.
        closest.Push(HonestReply(25));
        closest.Push(Reply(5, Attacker, 1005));
        Assert.Equal([5, 10, 20, 25], Ranks(closest));
        Assert.Equal(1, refused.ClosestOverSubnetShare);
        Assert.Equal(1, refused.Total);
    }

    [Fact]
    public void A_reply_from_an_id_already_kept_evicts_nothing()
    {
        var closest = new ClosestReplies(Target, 20, new NodeLimits());
        closest.Push(Reply(10, Attacker, 1010));
        closest.Push(Reply(20, Attacker, 1020));
        closest.Push(Reply(30, Attacker, 1030));

        closest.Push(Reply(20, Attacker, 1020));
        Assert.Equal([10, 20, 30], Ranks(closest));

        // Still three of the /24 counted, not four.
        closest.Push(Reply(40, Attacker, 1040));
        Assert.Equal([10, 20, 30], Ranks(closest));
    }

    [Fact]
    public void Replies_pushed_out_by_closer_ones_give_their_share_back()
    {
        var closest = new ClosestReplies(Target, 20, new NodeLimits());
        for (var i = 0; i < 3; i++)
        {
            closest.Push(Reply(100 + i, Attacker, (ushort)(1000 + i)));
        }

        for (var i = 0; i < 20; i++)
        {
            closest.Push(HonestReply(50 + i));
        }

        Assert.Equal(Enumerable.Range(50, 20), Ranks(closest));
        closest.Push(Reply(1, Attacker, 2001));
        closest.Push(Reply(2, Attacker, 2002));
        closest.Push(Reply(3, Attacker, 2003));
        Assert.Equal([1, 2, 3, .. Enumerable.Range(50, 17)], Ranks(closest));
    }

    [Fact]
    public void Local_addresses_are_spared_and_apply_to_local_addresses_limits_them()
    {
        var spared = new ClosestReplies(Target, 20, new NodeLimits());
        var limited = new ClosestReplies(Target, 20, new NodeLimits { ApplyToLocalAddresses = true });
        for (var i = 0; i < 10; i++)
        {
            spared.Push(Reply(i, 0x7F000001, (ushort)(1000 + i)));
            limited.Push(Reply(i, 0x7F000001, (ushort)(1000 + i)));
        }

        Assert.Equal(10, spared.Count);
        Assert.Equal(3, limited.Count);
    }

    [Fact]
    public void A_node_of_a_full_subnet_is_worth_visiting_only_when_closer_than_its_farthest()
    {
        var closest = new ClosestReplies(Target, 20, new NodeLimits());
        closest.Push(Reply(10, Attacker, 1010));
        closest.Push(Reply(20, Attacker, 1020));
        Assert.True(closest.IsWorthVisiting(Peer(30, Attacker, 1030)));
        closest.Push(Reply(30, Attacker, 1030));

        Assert.False(closest.IsWorthVisiting(Peer(40, Attacker + 9, 1040)));
        Assert.True(closest.IsWorthVisiting(Peer(25, Attacker + 9, 1025)));
        Assert.True(closest.IsWorthVisiting(HonestPeer(40)));
    }

    [Fact]
    public void Referred_nodes_of_one_subnet_are_queued_three_at_a_time()
    {
        var refused = new RefusalStats();
        var (frontier, _) = Frontier(new NodeLimits(), refused);
        var referrer = HonestPeer(500);

        // Named closest first: three are queued, the farther ones are left out.
        for (var rank = 30; rank <= 40; rank++)
        {
            Assert.True(frontier.Add(Peer(rank, Attacker, (ushort)(1000 + rank)), referrer));
        }

        Assert.Equal(3, frontier.PendingCount);
        Assert.Equal(8, refused.CandidatesOverSubnetShare);

        // A closer one takes the place of the farthest queued; other networks queue as before.
        Assert.True(frontier.Add(Peer(29, Attacker + 7, 1029), referrer));
        Assert.True(frontier.Add(Peer(45, Attacker, 1045), referrer));
        Assert.True(frontier.Add(HonestPeer(50), referrer));
        Assert.Equal(9, refused.CandidatesOverSubnetShare);
        Assert.Equal([50, 29, 31, 30], PopAll(frontier));

        // The one forgotten may be named again once the visits ended.
        Assert.True(frontier.Add(Peer(32, Attacker, 1032), referrer));
        Assert.Equal(0, frontier.PendingCount);
        frontier.MarkDone(Peer(29, Attacker + 7, 1029).Endpoint);
        frontier.MarkDone(Peer(30, Attacker, 1030).Endpoint);
        frontier.MarkDone(Peer(31, Attacker, 1031).Endpoint);
        Assert.True(frontier.Add(Peer(32, Attacker, 1032), referrer));
        Assert.Equal(1, frontier.PendingCount);
    }

    [Fact]
    public void Visits_that_end_free_their_subnet_slot()
    {
        var (frontier, _) = Frontier(new NodeLimits(), null);
        var referrer = HonestPeer(500);
        for (var rank = 10; rank < 13; rank++)
        {
            Assert.True(frontier.Add(Peer(rank, Attacker, (ushort)(1000 + rank)), referrer));
        }

        // In flight still counts; an answer and a failure each give a slot back.
        Assert.True(frontier.TryPop(out var first));
        Assert.True(frontier.TryPop(out var second));
        frontier.Add(Peer(20, Attacker, 1020), referrer);
        Assert.Equal(1, frontier.PendingCount);

        frontier.MarkDone(first.Endpoint);
        frontier.MarkFailed(second.Endpoint, timedOut: false);
        frontier.Add(Peer(21, Attacker, 1021), referrer);
        frontier.Add(Peer(22, Attacker, 1022), referrer);
        frontier.Add(Peer(23, Attacker, 1023), referrer);
        Assert.Equal(3, frontier.PendingCount);
    }

    [Fact]
    public void Starting_nodes_are_always_queued_and_unlimited_walks_queue_every_referral()
    {
        var (limited, _) = Frontier(new NodeLimits(), null);
        var (unlimited, _) = Frontier(null, null);
        for (var rank = 10; rank < 20; rank++)
        {
            Assert.True(limited.Add(Peer(rank, Attacker, (ushort)(1000 + rank)), null));
            Assert.True(unlimited.Add(Peer(rank, Attacker, (ushort)(1000 + rank)), HonestPeer(500)));
        }

        Assert.Equal(10, limited.PendingCount);
        Assert.Equal(10, unlimited.PendingCount);
    }

    [Fact]
    public void Queued_nodes_whose_replies_could_no_longer_enter_the_closest_set_are_skipped()
    {
        var (frontier, closest) = Frontier(new NodeLimits(), null);
        Assert.True(frontier.Add(Peer(40, Attacker, 1040), null));
        closest.Push(Reply(10, Attacker, 1010));
        closest.Push(Reply(20, Attacker, 1020));
        closest.Push(Reply(30, Attacker, 1030));

        Assert.False(frontier.TryPop(out _));
    }

    private static DhtResponse HonestReply(int rank) => new(default(Wire.ResponseMessage), HonestPeer(rank), TimeSpan.Zero);

    private static (QueryFrontier Frontier, ClosestReplies Closest) Frontier(NodeLimits? limits, RefusalStats? refused)
    {
        var closest = new ClosestReplies(Target, 20, limits, refused);
        return (new QueryFrontier(closest, (_, _) => { }, limits, refused), closest);
    }

    private static List<int> PopAll(QueryFrontier frontier)
    {
        var ranks = new List<int>();
        while (frontier.TryPop(out var next))
        {
            var id = next.Id!.Value.ToArray();
            ranks.Add((id[0] << 8) | id[1]);
        }

        return ranks;
    }
}

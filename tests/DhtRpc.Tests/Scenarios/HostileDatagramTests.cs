using System.Buffers.Binary;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Simulation;
using DhtRpc.Tests.Codec;
using DhtRpc.Tests.Node;
using DhtRpc.Transport;
using Xunit;

namespace DhtRpc.Tests.Scenarios;

/// <summary>
/// Property test: a live node in a simulated swarm takes a fixed-seed flood of hostile datagrams from a
/// raw socket (random bytes, and truncations, bit flips, insertions, deletions and oversized varints of
/// real encoded requests and responses). It must never throw (the simulation host would rethrow), must
/// count every malformed datagram under the right reason, keep its request counters consistent, and
/// still answer a PING from another node afterwards.
/// </summary>
public sealed class HostileDatagramTests
{
    private const int Seed = 0x5EED_D47A;
    private const int Batches = 100;
    private const int BatchSize = 1024;

    private static readonly byte[] VarintLeads = [0xFD, 0xFE, 0xFF, 0xFC, 0x00];

    [Fact]
    public void Live_node_survives_a_flood_of_hostile_datagrams()
    {
        var swarm = new SimulatedSwarm(seed: 77).Make(5);
        var victim = swarm[1];
        var pinger = swarm[2];
        var victimServer = SimulatedSwarm.ServerOf(victim);
        var victimClient = Ipv4Endpoint.Loopback(victim.ClientEndpoint!.Value.Port);

        // User commands get every kind of answer, so the application paths run under fire too.
        victim.RequestHandler = req =>
        {
            switch (req.Command % 3)
            {
                case 0:
                    req.Reply(req.Value);
                    break;
                case 1:
                    req.Error(16 + req.Command);
                    break;
            }
        };

        var raw = swarm.Host.Network.Bind(new Ipv4Endpoint(0x7F000001, 0));
        var repliesToRaw = 0;
        raw.Start((IDatagramSocket _, ReadOnlySpan<byte> _, Ipv4Endpoint _) => repliesToRaw++);

        var tableEndpoints = swarm.Run(() => victim.GetNodesAsync());
        var seeds = Vectors.AllDatagrams.Concat(EncodedSeeds(tableEndpoints, victimServer)).ToList();
        var random = new Random(Seed);
        var before = Snapshot(victim.Stats.Dropped);
        var expected = new Expected();

        for (var batch = 0; batch < Batches; batch++)
        {
            for (var i = 0; i < BatchSize; i++)
            {
                var datagram = Mutate(random, seeds);
                expected.Classify(datagram);
                raw.Send(datagram, (i & 3) == 0 ? victimClient : victimServer);
            }

            // Deliver in batches; timers (retries, delayed pings, ticks) run on the virtual clock meanwhile.
            swarm.Host.Advance(TimeSpan.FromMilliseconds(50));
        }

        swarm.Host.Advance(TimeSpan.FromSeconds(15));

        Assert.True(expected.Total >= 100_000, $"only {expected.Total} datagrams sent");
        var dropped = victim.Stats.Dropped;
        var after = Snapshot(dropped);
        Assert.Equal(expected.TooShort, after.TooShort - before.TooShort);
        Assert.Equal(expected.UnknownType, after.UnknownType - before.UnknownType);
        Assert.Equal(expected.Malformed, after.Malformed - before.Malformed);
        Assert.Equal(0, dropped.WhileSuspended);
        Assert.Equal(0, dropped.HandlerErrors);
        Assert.True(dropped.Malformed + dropped.TooShort + dropped.UnknownType + dropped.UnmatchedResponses > 0);

        // Every well-formed forged response was either unmatched or (by tid luck) completed one of our requests.
        var requests = victim.Stats.Requests;
        Assert.True(
            after.UnmatchedResponses - before.UnmatchedResponses + requests.Responses >= expected.Responses,
            $"{expected.Responses} forged responses, {after.UnmatchedResponses - before.UnmatchedResponses} counted unmatched");

        // Request bookkeeping stays consistent: what is active is what is in flight, nothing is counted twice.
        Assert.True(requests.Active >= 0, $"active {requests.Active}");
        Assert.Equal(requests.Active, swarm.Run(() => Task.FromResult((long)victim.Io.InflightCount)));
        Assert.True(requests.Responses + requests.Timeouts + requests.Active <= requests.Total, "more requests ended than started");
        Assert.True(victim.Stats.Queries.Active >= 0);

        // Well-formed requests were answered (PING, FIND_NODE, errors, user replies...).
        Assert.True(expected.Requests > 0);
        Assert.True(repliesToRaw > 0, "no request was answered");

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{expected.Total} datagrams: {expected.TooShort} too short, {expected.UnknownType} unknown type, " +
            $"{expected.Malformed} malformed, {expected.Requests} requests, {expected.Responses} responses; " +
            $"{repliesToRaw} replies, {dropped.InvalidTokens} invalid tokens, {dropped.UnmatchedResponses} unmatched responses");

        // And the node is still a working member of the swarm.
        var reply = swarm.Run(() => pinger.PingAsync(victimServer));
        Assert.Equal(victim.Id, reply.From.Id);
        Assert.False(victim.Destroyed);
    }

    private static byte[] Mutate(Random random, List<byte[]> seeds)
    {
        var seed = seeds[random.Next(seeds.Count)];
        switch (random.Next(8))
        {
            case 0:
            {
                // Random bytes, mostly with a plausible type byte so the decoders get past the first check.
                var bytes = new byte[random.Next(0, 160)];
                random.NextBytes(bytes);
                if (bytes.Length > 0 && random.Next(3) != 0)
                {
                    bytes[0] = random.Next(2) == 0 ? MessageType.Request : MessageType.Response;
                }

                return bytes;
            }

            case 1:
                return seed[..random.Next(0, seed.Length)];
            case 2:
            {
                var bytes = (byte[])seed.Clone();
                for (var flips = random.Next(1, 9); flips > 0 && bytes.Length > 0; flips--)
                {
                    var bit = random.Next(bytes.Length * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return bytes;
            }

            case 3:
            {
                var insert = new byte[random.Next(1, 17)];
                random.NextBytes(insert);
                var at = random.Next(seed.Length + 1);
                return [.. seed.AsSpan(0, at), .. insert, .. seed.AsSpan(at)];
            }

            case 4:
            {
                var at = random.Next(seed.Length + 1);
                var length = random.Next(0, seed.Length - at + 1);
                return [.. seed.AsSpan(0, at), .. seed.AsSpan(at + length)];
            }

            case 5:
            {
                // An oversized or non-minimal varint where a flags byte, command, count or length sits.
                var bytes = (byte[])seed.Clone();
                if (bytes.Length > 1)
                {
                    bytes[random.Next(1, bytes.Length)] = VarintLeads[random.Next(VarintLeads.Length)];
                }

                return bytes;
            }

            default:
            {
                // The real thing with a fresh tid: replayed requests and forged responses.
                var bytes = (byte[])seed.Clone();
                if (bytes.Length >= 4)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), (ushort)random.Next(65536));
                }

                return bytes;
            }
        }
    }

    /// <summary>Requests and responses of every kind, encoded with the codec, addressed to the victim.</summary>
    private static IEnumerable<byte[]> EncodedSeeds(IReadOnlyList<Ipv4Endpoint> tableNodes, Ipv4Endpoint to)
    {
        var random = new Random(Seed + 1);
        var id = new byte[NodeId.Size];
        var token = new byte[NodeId.Size];
        var target = new byte[NodeId.Size];
        random.NextBytes(id);
        random.NextBytes(token);
        random.NextBytes(target);
        var hinted = new byte[Ipv4Endpoint.EncodedSize];
        (tableNodes.Count > 0 ? tableNodes[0] : to).WriteTo(hinted);
        var closer = new byte[3 * Ipv4Endpoint.EncodedSize];
        for (var i = 0; i < 3; i++)
        {
            (i < tableNodes.Count ? tableNodes[i] : Ipv4Endpoint.Loopback(40000 + i)).WriteTo(closer.AsSpan(i * Ipv4Endpoint.EncodedSize));
        }

        byte[] Request(ulong command, bool isInternal, ReadOnlySpan<byte> withTarget, byte[]? value, ReadOnlySpan<byte> withToken = default, ReadOnlySpan<byte> withId = default) =>
            new RequestMessage
            {
                Tid = (ushort)random.Next(65536),
                To = to,
                Id = withId,
                Token = withToken,
                Internal = isInternal,
                Command = command,
                Target = withTarget,
                HasValue = value is not null,
                Value = value,
            }.ToArray();

        byte[] Response(ulong error, byte[]? value, ReadOnlySpan<byte> closerNodes, ReadOnlySpan<byte> withToken = default, ReadOnlySpan<byte> withId = default) =>
            new ResponseMessage
            {
                Tid = (ushort)random.Next(65536),
                To = to,
                Id = withId,
                Token = withToken,
                CloserNodesRaw = closerNodes,
                Error = error,
                HasValue = value is not null,
                Value = value,
            }.ToArray();

        var port = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(port, to.Port);
        var delay = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(delay, 20);

        return
        [
            Request(Commands.Ping, true, default, null),
            Request(Commands.Ping, true, default, new byte[64], withId: id),
            Request(Commands.PingNat, true, default, port),
            Request(Commands.FindNode, true, target, null),
            Request(Commands.FindNode, true, target, null, withToken: token),
            Request(Commands.DownHint, true, default, hinted),
            Request(Commands.DelayedPing, true, default, delay),
            Request(9, true, target, null),
            Request(52, false, target, "hello"u8.ToArray()),
            Request(300, false, default, []),
            Request(7, false, target, new byte[300], withToken: token),
            Response(0, null, default),
            Response(0, null, default, withId: id),
            Response(0, null, closer, withToken: token, withId: id),
            Response(1, null, closer),
            Response(2, null, closer, withToken: token),
            Response(0, "world"u8.ToArray(), closer, withToken: token),
            Response(17, [], default),
        ];
    }

    private static (long TooShort, long UnknownType, long Malformed, long UnmatchedResponses) Snapshot(DropStats d) =>
        (d.TooShort, d.UnknownType, d.Malformed, d.UnmatchedResponses);

    /// <summary>What the node should make of each datagram, judged by the codec before sending.</summary>
    private sealed class Expected
    {
        /// <summary>
        /// A built-in request without the field its command needs (a port, a target, an address, a delay) is
        /// malformed too, unless it carries a token: none of these tokens is valid for the victim, and an
        /// invalid token is answered (INVALID_TOKEN) before the command is looked at.
        /// </summary>
        private static bool LacksBuiltInFields(in RequestMessage request) => request.Internal && !request.HasToken && request.Command switch
        {
            Commands.PingNat => request.Value.Length < 2 || BinaryPrimitives.ReadUInt16LittleEndian(request.Value) == 0,
            Commands.FindNode => !request.HasTarget,
            Commands.DownHint => request.Value.Length < Ipv4Endpoint.EncodedSize,
            Commands.DelayedPing => request.Value.Length < 4,
            _ => false,
        };

        public long Total { get; private set; }

        public long TooShort { get; private set; }

        public long UnknownType { get; private set; }

        public long Malformed { get; private set; }

        public long Requests { get; private set; }

        public long Responses { get; private set; }

        public void Classify(byte[] datagram)
        {
            Total++;
            if (datagram.Length < 2)
            {
                TooShort++;
            }
            else if (datagram[0] == MessageType.Request)
            {
                if (RequestMessage.TryDecode(datagram, out var request) && !LacksBuiltInFields(request))
                {
                    Requests++;
                }
                else
                {
                    Malformed++;
                }
            }
            else if (datagram[0] == MessageType.Response)
            {
                if (ResponseMessage.TryDecode(datagram, out _))
                {
                    Responses++;
                }
                else
                {
                    Malformed++;
                }
            }
            else
            {
                UnknownType++;
            }
        }
    }
}

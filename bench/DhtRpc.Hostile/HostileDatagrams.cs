using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>The kinds of hostile datagram the soak sends.</summary>
internal enum HostileKind
{
    RandomBytes,
    MutatedRequest,
    MutatedResponse,
    ForgedResponse,
    Command,
}

/// <summary>
/// Makes hostile datagrams: random bytes, captured vectors mutated (bit flips, boundary bytes, cuts,
/// insertions, splices), responses forged with random tids, and well-formed requests of one command.
/// Whatever starts with the RESPONSE byte gets its closer nodes rewritten to 127/8 (see
/// <see cref="PacketReader.KeepCloserNodesOnLoopback"/>), so that a node fooled into using them stays on loopback.
/// </summary>
internal sealed class HostileDatagrams(Ipv4Endpoint node, Ipv4Endpoint tableNode, int seed)
{
    /// <summary>The commands the floods cycle through: (name, internal, command number).</summary>
    public static readonly (string Name, bool Internal, ulong Command)[] Commands =
    [
        ("PING", true, Packets.Ping), ("PING_NAT", true, Packets.PingNat), ("FIND_NODE", true, Packets.FindNode),
        ("DOWN_HINT", true, Packets.DownHint), ("DELAYED_PING", true, Packets.DelayedPing), ("internal 9", true, 9),
        ("INSERT 0", false, 0), ("GET 1", false, 1), ("STORE 100", false, 100), ("W-GET 101", false, 101),
        ("LIST 102", false, 102), ("DELETE 103", false, 103), ("STORE-SIGNED 104", false, 104), ("INFO 107", false, 107),
        ("user 4242", false, 4242),
    ];

    private static readonly byte[] Boundaries = [0x00, 0x01, 0x03, 0x13, 0x7F, 0x80, 0xFC, 0xFD, 0xFE, 0xFF];
    private readonly Random _random = new(seed);

    /// <summary>One datagram of <paramref name="kind"/> (for <see cref="HostileKind.Command"/>: of command <paramref name="command"/>).</summary>
    public byte[] Next(HostileKind kind, int command = 0)
    {
        var datagram = kind switch
        {
            HostileKind.RandomBytes => RandomBytes(),
            HostileKind.MutatedRequest => Mutate(Vectors.Requests[_random.Next(Vectors.Requests.Count)]),
            HostileKind.MutatedResponse => Mutate(Vectors.Responses[_random.Next(Vectors.Responses.Count)]),
            HostileKind.ForgedResponse => ForgedResponse(),
            _ => CommandRequest(Commands[command]),
        };
        if (datagram.Length > 0 && datagram[0] == Packets.ResponseType)
        {
            PacketReader.KeepCloserNodesOnLoopback(datagram);
        }

        return datagram;
    }

    private byte[] RandomBytes()
    {
        var length = _random.Next(10) switch
        {
            < 5 => _random.Next(1, 65),
            < 9 => _random.Next(65, 1473),
            _ => _random.Next(1473, 8193),
        };
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        // Half of them look like a message at first glance, so that the decoder reads past the first byte.
        bytes[0] = _random.Next(4) switch
        {
            0 => Packets.RequestType,
            1 => Packets.ResponseType,
            _ => bytes[0],
        };
        return bytes;
    }

    private byte[] Mutate(byte[] original)
    {
        var bytes = new List<byte>(original);
        var steps = _random.Next(1, 4);
        for (var step = 0; step < steps && bytes.Count > 0; step++)
        {
            var at = _random.Next(bytes.Count);
            switch (_random.Next(9))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)_random.Next(256);
                    break;
                case 2:
                    bytes[at] = Boundaries[_random.Next(Boundaries.Length)];
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at); // Truncated (maybe to nothing).
                    break;
                case 4:
                    bytes.InsertRange(at, RandomRun(_random.Next(1, 65)));
                    break;
                case 5:
                    bytes.RemoveRange(at, _random.Next(1, Math.Min(33, bytes.Count - at + 1)));
                    break;
                case 6:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, _random.Next(1, 40))));
                    break;
                case 7 when bytes.Count > 1:
                    bytes[1] = (byte)_random.Next(256); // Flags: fields appear or vanish.
                    break;
                default:
                    bytes.AddRange(RandomRun(_random.Next(1, 200)));
                    break;
            }
        }

        return [.. bytes];
    }

    private byte[] ForgedResponse()
    {
        var closer = new List<Ipv4Endpoint>();
        for (var i = _random.Next(-10, 31); i > 0; i--)
        {
            closer.Add(new Ipv4Endpoint(0x7F000000u | (uint)_random.Next(1 << 24), (ushort)_random.Next(1, 65536)));
        }

        return Packets.Response(
            (ushort)_random.Next(65536),
            node,
            Maybe(32),
            Maybe(32),
            closer,
            _random.Next(2) == 0 ? 0 : (ulong)_random.Next(1, 300),
            _random.Next(2) == 0 ? null : RandomRun(_random.Next(0, 1200)));
    }

    private byte[] CommandRequest((string Name, bool Internal, ulong Command) command)
    {
        byte[]? value = command switch
        {
            { Internal: true, Command: Packets.PingNat } => Packets.UInt16Value(_random.Next(1, 65536)),
            { Internal: true, Command: Packets.DownHint } => Packets.AddressBytes(_random.Next(2) == 0 ? tableNode : new Ipv4Endpoint(0x7F000000u | (uint)_random.Next(1 << 24), (ushort)_random.Next(1, 65536))),
            { Internal: true, Command: Packets.DelayedPing } => Packets.UInt32Value((uint)_random.Next(0, 20_000)),
            _ => _random.Next(2) == 0 ? null : RandomRun(_random.Next(0, 1200)),
        };
        var target = command.Command == Packets.FindNode || _random.Next(10) < 7 ? RandomRun(32) : null;
        return Packets.Request(
            (ushort)_random.Next(65536),
            node,
            command.Command,
            command.Internal,
            target,
            value,
            id: _random.Next(5) == 0 ? RandomRun(32) : default,
            token: _random.Next(5) == 0 ? RandomRun(32) : default);
    }

    private byte[] Maybe(int length) => _random.Next(2) == 0 ? [] : RandomRun(length);

    private byte[] RandomRun(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }
}

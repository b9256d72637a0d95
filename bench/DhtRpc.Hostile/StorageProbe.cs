using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// One socket asking a storage node one request at a time and waiting for its reply (bounded by a
/// timeout): PING, warehouse STORE, GET, LIST and INFO. It holds the token the node last gave it and
/// presents it on every warehouse request, so that its address counts as proven.
/// </summary>
internal sealed class StorageProbe(IPAddress source, Ipv4Endpoint node) : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    private readonly Socket _socket = LivenessPinger.Bind(source, node);
    private readonly byte[] _buffer = new byte[65536];
    private ushort _tid = (ushort)Random.Shared.Next(1, 60_000);

    public byte[]? Token { get; private set; }

    public ParsedResponse? Ping(TimeSpan? timeout = null) =>
        Ask(Packets.Request(NextTid(), node, Packets.Ping, isInternal: true), timeout);

    /// <summary>A token for this address: a STORE query (no value) answers with one. False when none came.</summary>
    public bool FetchToken(int attempts = 3)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (Ask(Packets.Request(NextTid(), node, WarehouseCommands.Store, isInternal: false, target: new byte[32])) is { Token: not null })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>STORE of item <paramref name="index"/>; an INVALID_TOKEN fetches a fresh token and stores once more.</summary>
    public ParsedResponse? Store(StorageItems items, long index)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (Token is null && !FetchToken())
            {
                return null;
            }

            var reply = Ask(items.StoreDatagram(NextTid(), node, index, Token));
            if (reply is not { Error: WarehouseCommands.InvalidToken })
            {
                return reply;
            }

            Token = null;
        }

        return null;
    }

    /// <summary>GET (101) of <paramref name="key"/> with the held token; asked up to three times when no reply comes.</summary>
    public ParsedResponse? Get(byte[] key)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (Ask(Packets.Request(NextTid(), node, WarehouseCommands.Get, isInternal: false, target: key, token: Token)) is { } reply)
            {
                return reply;
            }
        }

        return null;
    }

    /// <summary>LIST (102) from <paramref name="offset"/>, with the held token.</summary>
    public ParsedResponse? List(int offset) =>
        Ask(Packets.Request(NextTid(), node, WarehouseCommands.List, isInternal: false, value: Encoding.ASCII.GetBytes(offset.ToString(Report.Inv)), token: Token));

    /// <summary>INFO (107), with the held token (a stranger without one is asked for it: TOKEN_REQUIRED).</summary>
    public ParsedResponse? Info() =>
        Ask(Packets.Request(NextTid(), node, WarehouseCommands.Info, isInternal: false, token: Token));

    /// <summary>Sends <paramref name="request"/> and waits for the reply with its tid; null when none came in time.</summary>
    public ParsedResponse? Ask(byte[] request, TimeSpan? timeout = null)
    {
        _ = Packets.TryTid(request, out var tid);
        try
        {
            _socket.Send(request);
        }
        catch (SocketException)
        {
            return null; // the node is gone (an ICMP port unreachable from an earlier send)
        }

        var clock = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (clock.Elapsed < limit)
        {
            if (PolledReceive.TryReceive(_socket, _buffer, out var n) &&
                PacketReader.TryResponse(_buffer.AsSpan(0, n), out var response) && response.Tid == tid)
            {
                Token = response.Token ?? Token;
                return response;
            }
        }

        return null;
    }

    public void Dispose() => _socket.Dispose();

    private ushort NextTid()
    {
        _tid = (ushort)(_tid == ushort.MaxValue ? 1 : _tid + 1);
        return _tid;
    }
}

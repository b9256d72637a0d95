using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// One socket on a source address storing warehouse items on a thread of its own, as an honest writer
/// does: it asks for a token (a STORE without value or token; the reply carries one), then keeps up to
/// <c>window</c> STOREs with the token in flight, each with its own tid, replacing each as its reply
/// comes or its time is up. Every reply's fresh token replaces the held one; an INVALID_TOKEN (the token
/// aged out) fetches a new one and stores the item again. Bounded by the plan: it stops by itself.
/// </summary>
internal sealed class StoreStream(IPAddress source, Ipv4Endpoint node, StorageItems items, int window, LoadPlan plan, LoadTally tally)
{
    /// <summary>The pending entry of a token query, instead of an item index.</summary>
    private const long TokenQuery = -1;

    /// <summary>Token queries in a row without a token, at most.</summary>
    private const int MaxTokenQueries = 20;

    private readonly Dictionary<ushort, (long Item, long SentAt)> _pending = [];
    private readonly Queue<long> _retry = new();
    private Thread? _thread;
    private Socket? _socket;
    private byte[]? _token;
    private bool _awaitingToken;
    private bool _tokenQueryPending;
    private int _tokenQueries;
    private ushort _tid = (ushort)Random.Shared.Next(1, 60_000);

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = $"store {source}" };
        _thread.Start();
    }

    public void Join() => _thread?.Join();

    private void Run()
    {
        using var socket = LivenessPinger.Bind(source, node);
        socket.SendBufferSize = 4 << 20;
        socket.ReceiveBufferSize = 4 << 20;
        _socket = socket;
        var buffer = new byte[65536];
        var timeout = (long)(plan.Timeout.TotalSeconds * Stopwatch.Frequency);
        var lastExpiry = Stopwatch.GetTimestamp();
        var issuing = true;
        AskToken();
        while (true)
        {
            issuing = issuing && !plan.Stopped && _tokenQueries <= MaxTokenQueries;
            if (issuing && !_awaitingToken)
            {
                issuing = Fill();
            }
            else if (issuing && !_tokenQueryPending)
            {
                AskToken(); // the last query could not be sent
            }

            if (_pending.Count == 0 && !issuing)
            {
                break;
            }

            if (PolledReceive.TryReceive(socket, buffer, out var n))
            {
                Handle(buffer.AsSpan(0, n));
                while (socket.Available > 0 && PolledReceive.TryReceive(socket, buffer, out n))
                {
                    Handle(buffer.AsSpan(0, n));
                }
            }

            var now = Stopwatch.GetTimestamp();
            if (now - lastExpiry > Stopwatch.Frequency / 50)
            {
                lastExpiry = now;
                Expire(now, timeout);
            }
        }

        if (_tokenQueries > MaxTokenQueries)
        {
            tally.NoToken(); // gave up: that many token queries in a row went unanswered
        }
    }

    /// <summary>Sends STOREs until the window is full; false when there is nothing more to send.</summary>
    private bool Fill()
    {
        while (_pending.Count < window)
        {
            var item = _retry.Count > 0 ? _retry.Peek() : plan.NextItem();
            if (item < 0 || !plan.TakeRequest())
            {
                return false;
            }

            if (_retry.Count > 0)
            {
                _retry.Dequeue();
            }

            var tid = NextTid();
            if (Send(items.StoreDatagram(tid, node, item, _token)))
            {
                _pending[tid] = (item, Stopwatch.GetTimestamp());
            }
        }

        return true;
    }

    private void AskToken()
    {
        _awaitingToken = true;
        _tokenQueries++;
        var tid = NextTid();
        _tokenQueryPending = Send(Packets.Request(tid, node, WarehouseCommands.Store, isInternal: false, target: items.Key(-1)));
        if (_tokenQueryPending)
        {
            _pending[tid] = (TokenQuery, Stopwatch.GetTimestamp());
        }
    }

    private void Handle(ReadOnlySpan<byte> datagram)
    {
        if (!PacketReader.TryResponse(datagram, out var response))
        {
            return;
        }

        if (!_pending.Remove(response.Tid, out var pending))
        {
            tally.LateReply();
            return;
        }

        if (response.Token is { } token)
        {
            _token = token;
        }

        if (pending.Item == TokenQuery)
        {
            _tokenQueryPending = false;
            _awaitingToken = _token is null;
            _tokenQueries = _awaitingToken ? _tokenQueries : 0;
            if (_awaitingToken)
            {
                AskToken();
            }

            return;
        }

        if (response.Error == WarehouseCommands.InvalidToken)
        {
            // The token aged out (they rotate every 7.5 s): a fresh one, and the item again.
            tally.TokenRetry();
            _retry.Enqueue(pending.Item);
            if (!_awaitingToken)
            {
                _token = null;
                AskToken();
            }

            return;
        }

        if (response.Error == 0)
        {
            tally.Ack(pending.Item, items.ValueBytes);
        }
        else
        {
            tally.Code(response.Error);
        }
    }

    private void Expire(long now, long timeout)
    {
        List<ushort>? expired = null;
        foreach (var (tid, pending) in _pending)
        {
            if (now - pending.SentAt > timeout)
            {
                (expired ??= []).Add(tid);
            }
        }

        foreach (var tid in expired ?? [])
        {
            _pending.Remove(tid, out var pending);
            if (pending.Item == TokenQuery)
            {
                _tokenQueryPending = false; // the loop asks again while the plan allows
            }
            else
            {
                tally.Lost();
            }
        }
    }

    private bool Send(byte[] datagram)
    {
        try
        {
            _socket!.Send(datagram);
            return true;
        }
        catch (SocketException)
        {
            // ECONNREFUSED (the node is gone: an ICMP port unreachable from an earlier send) or ENOBUFS.
            tally.SendFailed();
            return false;
        }
    }

    private ushort NextTid()
    {
        do
        {
            _tid = (ushort)(_tid == ushort.MaxValue ? 1 : _tid + 1);
        }
        while (_pending.ContainsKey(_tid));

        return _tid;
    }
}

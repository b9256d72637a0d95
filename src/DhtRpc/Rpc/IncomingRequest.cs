using DhtRpc.Wire;
using DhtRpc.Transport;

namespace DhtRpc.Rpc;

/// <summary>
/// A user (non-internal) request delivered to the application. Answer it with <see cref="Reply"/>,
/// <see cref="Error"/> or <see cref="Relay"/>, now or later; an unanswered request times out at the sender.
/// </summary>
public sealed class IncomingRequest
{
    private readonly DhtNode _node;
    private readonly IDatagramSocket _socket;

    internal IncomingRequest(DhtNode node, IDatagramSocket socket, ushort tid, DhtPeer from, Ipv4Endpoint to, byte[]? token, bool isInternal, ulong command, NodeId? target, byte[]? value)
    {
        _node = node;
        _socket = socket;
        Tid = tid;
        From = from;
        To = to;
        Token = token;
        Internal = isInternal;
        Command = command;
        Target = target;
        Value = value;
    }

    /// <summary>The sender's transaction id (replies carry it back).</summary>
    public ushort Tid { get; }

    /// <summary>The sender (its id is set only when it proved one).</summary>
    public DhtPeer From { get; }

    /// <summary>Our address as the sender addressed us.</summary>
    public Ipv4Endpoint To { get; }

    /// <summary>The sender's token; when present it has already been verified for the sender's host.</summary>
    public byte[]? Token { get; }

    /// <summary>Always false here: built-in commands are answered by the node.</summary>
    public bool Internal { get; }

    /// <summary>The application command.</summary>
    public ulong Command { get; }

    /// <summary>The target the sender named, if any.</summary>
    public NodeId? Target { get; }

    /// <summary>The request value; null when none was sent (an empty array when an empty one was).</summary>
    public byte[]? Value { get; }

    /// <summary>
    /// True when the request carries no valid token and the node's limits apply to the sender's
    /// address: a handler whose answer is much larger than the request can then call
    /// <see cref="RequireToken"/> instead, so that it cannot be used to reflect traffic.
    /// </summary>
    public bool FromUnprovenAddress => Token is null && _node.Io.BudgetsFor(From.Endpoint.Address) is not null;

    /// <summary>
    /// Answers TOKEN_REQUIRED with a fresh token and the closer nodes: the sender asks again with the
    /// token and gets the real answer (this library's requests and queries do so by themselves).
    /// </summary>
    public void RequireToken() => Error(ErrorCodes.TokenRequired, new ReplyOptions { Token = true });

    /// <summary>True once a reply, error or relay was sent.</summary>
    public bool Answered { get; private set; }

    /// <summary>Replies with error 0, a fresh token (unless disabled) and closer nodes when a target was sent.</summary>
    public void Reply(byte[]? value, ReplyOptions? options = null)
    {
        Answered = true;
        var o = options ?? ReplyOptions.Default;
        var reply = new ReplyParams { Value = value, WithToken = o.Token ?? true, WithCloserNodes = o.CloserNodes, Target = Target, Proven = IsProven(o) };
        _node.RunOnContext(() => _node.Io.SendReply(o.Socket ?? _socket, Tid, o.To ?? From.Endpoint, reply));
    }

    /// <summary>Replies with an error code (applications use 16 and up), closer nodes when a target was sent.</summary>
    public void Error(ulong code, ReplyOptions? options = null)
    {
        Answered = true;
        var o = options ?? ReplyOptions.Default;
        var reply = new ReplyParams { Error = code, WithToken = o.Token ?? false, WithCloserNodes = o.CloserNodes, Target = Target, Proven = IsProven(o) };
        _node.RunOnContext(() => _node.Io.SendReply(o.Socket ?? _socket, Tid, o.To ?? From.Endpoint, reply));
    }

    /// <summary>Forwards this request (same tid, command and target, new value, no token) to <paramref name="to"/>.</summary>
    public void Relay(byte[]? value, Ipv4Endpoint to)
    {
        Answered = true;
        _node.RunOnContext(() =>
        {
            var request = new RequestParams { Command = Command, IsInternal = Internal, Target = Target, Value = value };
            var bytes = _node.Io.EncodeRequest(Tid, to, request, _socket);
            _socket.Send(bytes, to);
        });
    }

    /// <summary>A verified token proves the requester's host; a reply sent elsewhere has no such proof.</summary>
    private bool IsProven(ReplyOptions options) =>
        Token is not null && (options.To is not { } to || to.Address == From.Endpoint.Address);

    /// <summary>A one-line description for logs.</summary>
    public override string ToString() => $"request tid={Tid} command={Command} from {From}";
}

/// <summary>Options of <see cref="IncomingRequest.Reply"/> and <see cref="IncomingRequest.Error"/>.</summary>
public sealed record ReplyOptions
{
    /// <summary>The defaults.</summary>
    public static ReplyOptions Default { get; } = new();

    /// <summary>Include a token: null = the default (yes for replies, no for errors).</summary>
    public bool? Token { get; init; }

    /// <summary>Include the nodes closest to the request's target (when it has one).</summary>
    public bool CloserNodes { get; init; } = true;

    /// <summary>Send to this address instead of the requester (relayed replies).</summary>
    public Ipv4Endpoint? To { get; init; }

    internal IDatagramSocket? Socket { get; init; }
}

using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>A reply to one of our requests (an error reply is still a reply: see <see cref="Error"/>).</summary>
public sealed class DhtResponse
{
    internal DhtResponse(in ResponseMessage message, DhtPeer from, TimeSpan rtt)
    {
        Tid = message.Tid;
        From = from;
        To = message.To;
        Rtt = rtt;
        Token = message.HasToken ? message.Token.ToArray() : null;
        Error = message.Error;
        Value = message.HasValue ? message.Value.ToArray() : null;
        var closer = new Ipv4Endpoint[message.CloserNodeCount];
        for (var i = 0; i < closer.Length; i++)
        {
            closer[i] = message.CloserNode(i);
        }

        CloserNodes = closer;
    }

    /// <summary>The transaction id of the request this answers.</summary>
    public ushort Tid { get; }

    /// <summary>The responder (its id is set only when it sent a valid one).</summary>
    public DhtPeer From { get; }

    /// <summary>Our address as the responder saw it.</summary>
    public Ipv4Endpoint To { get; }

    /// <summary>Time from creating the request to this reply.</summary>
    public TimeSpan Rtt { get; }

    /// <summary>The round-trip token to present back to this responder, if it sent one.</summary>
    public byte[]? Token { get; }

    /// <summary>Nodes the responder knows closer to the target (empty without a target).</summary>
    public IReadOnlyList<Ipv4Endpoint> CloserNodes { get; }

    /// <summary>0 for success; 1 unknown command; 2 invalid token; 16+ application errors.</summary>
    public ulong Error { get; }

    /// <summary>The reply value; null when none was sent.</summary>
    public byte[]? Value { get; }

    /// <summary>A one-line description for logs.</summary>
    public override string ToString() => $"reply tid={Tid} from {From} error={Error} value={Value?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}";
}

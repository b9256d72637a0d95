using System.Diagnostics.CodeAnalysis;
using DhtRpc.Wire;

namespace DhtRpc.Tests.Codec;

/// <summary>
/// A decoded message copied out of its ref struct into a comparable value. Spans become lowercase
/// hex (null when absent); <see cref="Value"/> is null when the value flag is clear and "" for an
/// empty value; closer nodes are listed as "host:port" separated by commas.
/// </summary>
internal sealed record MessageFields(
    bool IsRequest,
    int Flags,
    ushort Tid,
    Ipv4Endpoint To,
    string? Id,
    string? Token,
    bool Internal,
    ulong Command,
    string? Target,
    int CloserNodeCount,
    string CloserNodes,
    ulong Error,
    string? Value)
{
    public static MessageFields Of(in RequestMessage m) => new(
        IsRequest: true,
        Flags: m.Flags,
        Tid: m.Tid,
        To: m.To,
        Id: m.HasId ? Vectors.ToHex(m.Id) : null,
        Token: m.HasToken ? Vectors.ToHex(m.Token) : null,
        Internal: m.Internal,
        Command: m.Command,
        Target: m.HasTarget ? Vectors.ToHex(m.Target) : null,
        CloserNodeCount: 0,
        CloserNodes: string.Empty,
        Error: 0,
        Value: m.HasValue ? Vectors.ToHex(m.Value) : null);

    public static MessageFields Of(in ResponseMessage m)
    {
        var nodes = new string[m.CloserNodeCount];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = m.CloserNode(i).ToString();
        }

        return new(
            IsRequest: false,
            Flags: m.Flags,
            Tid: m.Tid,
            To: m.To,
            Id: m.HasId ? Vectors.ToHex(m.Id) : null,
            Token: m.HasToken ? Vectors.ToHex(m.Token) : null,
            Internal: false,
            Command: 0,
            Target: null,
            CloserNodeCount: m.CloserNodeCount,
            CloserNodes: string.Join(',', nodes),
            Error: m.Error,
            Value: m.HasValue ? Vectors.ToHex(m.Value) : null);
    }

    /// <summary>Decodes with the decoder picked by the first byte; on success also returns the re-encoded bytes.</summary>
    public static bool TryDecode(
        ReadOnlySpan<byte> datagram,
        [NotNullWhen(true)] out MessageFields? fields,
        [NotNullWhen(true)] out byte[]? reencoded)
    {
        fields = null;
        reencoded = null;
        if (datagram.Length > 0 && datagram[0] == MessageType.Request)
        {
            if (!RequestMessage.TryDecode(datagram, out var request))
            {
                return false;
            }

            fields = Of(request);
            reencoded = request.ToArray();
            return true;
        }

        if (!ResponseMessage.TryDecode(datagram, out var response))
        {
            return false;
        }

        fields = Of(response);
        reencoded = response.ToArray();
        return true;
    }
}
